//! The search index: every paragraph, heading and table row, every glossary
//! entry, every entry of the indexes of persons, places and works, and every
//! recurring quotation, written as a script
//! (`search-index.js`) rather than JSON, because browsers refuse to fetch
//! local files from `file://` but do run local scripts. The theme's script
//! searches it: a query in Chinese as a phrase, other scripts by words.

use serde::Serialize;

use crate::model::Edition;
use crate::render::glossary::GlossaryIndex;
use crate::render::indexes::BookIndex;
use crate::render::quotations::QuotationIndex;

#[derive(Serialize)]
struct Index<'a> {
    /// `[file, title]` of each page that results lead to.
    pages: Vec<(String, &'a str)>,
    /// `[page, anchor, label, text]`, borrowed from the edition where they
    /// can be: a large edition's text is not copied again.
    docs: Vec<(usize, &'a str, String, std::borrow::Cow<'a, str>)>,
}

pub fn index_script(
    edition: &Edition,
    quotations: &QuotationIndex,
    glossary: &GlossaryIndex,
    book: Option<&BookIndex>,
    strings: &serde_json::Value,
) -> Vec<u8> {
    let mut index = Index {
        pages: Vec::new(),
        docs: Vec::new(),
    };
    for chapter in &edition.chapters {
        let page = index.pages.len();
        index
            .pages
            .push((format!("{}.html", chapter.slug), &chapter.front.title));
        for unit in chapter.document.units() {
            index.docs.push((
                page,
                unit.id,
                crate::render::place_label(&unit, strings),
                unit.text.into(),
            ));
        }
    }
    if !glossary.entries.is_empty() {
        let page = index.pages.len();
        let title = crate::theme::ui_string(strings, "glossary_page_title", "Glossary");
        index.pages.push(("glossary.html".to_owned(), title));
        for entry in &glossary.entries {
            index.docs.push((
                page,
                &entry.id,
                entry.term.clone(),
                format!("{} {}", entry.term, entry.definition).into(),
            ));
        }
    }
    if let Some(book) = book.filter(|b| !b.is_empty()) {
        let page = index.pages.len();
        let title = crate::theme::ui_string(strings, "index_page_title", "Index");
        index.pages.push(("indexes.html".to_owned(), title));
        for entry in book.sections.iter().flat_map(|s| &s.entries) {
            // Found by any of its forms and by who or what it is.
            let text = std::iter::once(&entry.name)
                .chain(&entry.forms)
                .chain(&entry.identification)
                .chain(&entry.dates)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            index
                .docs
                .push((page, &entry.id, entry.name.clone(), text.into()));
        }
    }
    if !quotations.views.is_empty() {
        let page = index.pages.len();
        let title = crate::theme::ui_string(strings, "quotations_page_title", "Quotations");
        index.pages.push(("quotations.html".to_owned(), title));
        for q in &quotations.views {
            index
                .docs
                .push((page, &q.id, q.number.to_string(), q.text.as_str().into()));
        }
    }
    // Written straight after its prefix into room made for it beforehand:
    // a large edition's index is as big as its text, and a vector left to
    // grow by doubling would hold it twice, and half again, at the peak.
    let prefix = b"window.zhushuSearch=";
    let estimate: usize = index
        .docs
        .iter()
        .map(|(_, anchor, label, text)| text.len() + label.len() + anchor.len() + 16)
        .chain(
            index
                .pages
                .iter()
                .map(|(file, title)| file.len() + title.len() + 8),
        )
        .sum();
    let mut script = Vec::with_capacity(prefix.len() + estimate + estimate / 16 + 64);
    script.extend_from_slice(prefix);
    serde_json::to_writer(&mut script, &index).expect("the index serialises");
    script.extend_from_slice(b";\n");
    script
}

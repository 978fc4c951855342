//! The search index: every paragraph, heading and table row, every glossary
//! entry, every entry of the indexes of persons, places and works, and every
//! recurring quotation, written as a script
//! (`search-index.js`) rather than JSON, because browsers refuse to fetch
//! local files from `file://` but do run local scripts. The theme's script
//! searches it: a query in Chinese as a phrase, other scripts by words.

use std::hash::Hash;
use std::io::Write;
use std::sync::Arc;

use crate::memo::ChapterMemo;
use crate::model::{Chapter, Edition};
use crate::render::glossary::GlossaryIndex;
use crate::render::indexes::BookIndex;
use crate::render::quotations::QuotationIndex;

/// One result a query may lead to: `[page, anchor, label, text]`, the
/// text borrowed from the edition where it can be.
type Doc<'a> = (usize, &'a str, String, std::borrow::Cow<'a, str>);

/// Writes `search-index.js` to `out`: `window.zhushuSearch={"pages":
/// [[file, title], ...], "docs": [[page, anchor, label, text], ...]};`.
/// Each result is written as it is made, never held with the rest: a large
/// edition's index is as big as its text, and held whole (with the list it
/// was made from) it was the build's peak.
pub fn write_index_script(
    edition: &Edition,
    quotations: &QuotationIndex,
    glossary: &GlossaryIndex,
    book: Option<&BookIndex>,
    strings: &serde_json::Value,
    memo: Option<&ChapterMemo<Arc<[u8]>>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let book = book.filter(|b| !b.is_empty());
    // The pages results lead to: the chapters, then the back pages that
    // have results, in the order their results come.
    let mut pages: Vec<(String, &str)> = edition
        .chapters
        .iter()
        .map(|c| (format!("{}.html", c.slug), c.front.title.as_str()))
        .collect();
    let mut back_page = |present: bool, file: &str, key: &str, default: &'static str| {
        present.then(|| {
            pages.push((
                file.to_owned(),
                crate::theme::ui_string(strings, key, default),
            ));
            pages.len() - 1
        })
    };
    let glossary_page = back_page(
        !glossary.entries.is_empty(),
        "glossary.html",
        "glossary_page_title",
        "Glossary",
    );
    let book_page = back_page(book.is_some(), "indexes.html", "index_page_title", "Index");
    let quotations_page = back_page(
        !quotations.views.is_empty(),
        "quotations.html",
        "quotations_page_title",
        "Quotations",
    );
    out.write_all(b"window.zhushuSearch={\"pages\":")?;
    serde_json::to_writer(&mut *out, &pages)?;
    out.write_all(b",\"docs\":[")?;
    let mut first = true;
    // A chapter's results depend on its text, its place and the theme's
    // words for places (`zhushu serve` keeps them between builds).
    let strings_key = memo.map_or(0, |_| crate::digest::key(|h| strings.to_string().hash(h)));
    for (page, chapter) in edition.chapters.iter().enumerate() {
        let results = crate::memo::through(
            memo,
            &chapter.slug,
            || crate::digest::key(|h| (chapter.source_digest, page, strings_key).hash(h)),
            || chapter_results(page, chapter, strings),
        );
        if !results.is_empty() {
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            out.write_all(&results)?;
        }
    }
    let mut doc = |out: &mut dyn Write, doc: Doc| -> std::io::Result<()> {
        if !std::mem::take(&mut first) {
            out.write_all(b",")?;
        }
        serde_json::to_writer(out, &doc)?;
        Ok(())
    };
    if let Some(page) = glossary_page {
        for entry in &glossary.entries {
            let text = format!("{} {}", entry.term, entry.definition);
            doc(out, (page, &entry.id, entry.term.clone(), text.into()))?;
        }
    }
    if let (Some(page), Some(book)) = (book_page, book) {
        for entry in book.sections.iter().flat_map(|s| &s.entries) {
            // Found by any of its forms and by who or what it is.
            let text = std::iter::once(&entry.name)
                .chain(&entry.forms)
                .chain(&entry.identification)
                .chain(&entry.dates)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            doc(out, (page, &entry.id, entry.name.clone(), text.into()))?;
        }
    }
    if let Some(page) = quotations_page {
        for q in &quotations.views {
            doc(
                out,
                (page, &q.id, q.number.to_string(), q.text.as_str().into()),
            )?;
        }
    }
    out.write_all(b"]};\n")
}

/// One chapter's results, comma-separated.
fn chapter_results(page: usize, chapter: &Chapter, strings: &serde_json::Value) -> Arc<[u8]> {
    let mut out = Vec::new();
    for unit in chapter.document.units() {
        if !out.is_empty() {
            out.push(b',');
        }
        let label = crate::render::place_label(&unit, strings);
        let doc: Doc = (page, unit.id, label, unit.text.into());
        serde_json::to_writer(&mut out, &doc).expect("a result serialises");
    }
    out.into()
}

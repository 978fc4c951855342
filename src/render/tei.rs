//! The edition as one TEI P5 document (`zhushu tei`; `edition.tei.xml` in
//! the site with `zhushu build --tei` or `options: {tei: true}`): a
//! teiHeader from edition.yaml, a `<div>` per piece with its front matter,
//! the text, the glossary in the back, and in `<standOff>` the works,
//! persons and places named and the recurring quotations' places linked.
//!
//! The text is the site's own body, rendered by `render::body` as the
//! EPUB's is (notes in reading order, emended readings, page marks cut in
//! at their offsets), with the marks TEI adds (quotations, glossary terms,
//! titles, index entries) cut in as `tei:`-named elements; `to_tei` then
//! reads that XHTML and writes each element as its TEI counterpart. Every
//! numbered paragraph's xml:id is its piece's slug and the site's anchor
//! joined by a dot: `slug.html#p12` is `slug.p12`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use super::escape_html;
use crate::config::LinkMode;
use crate::diagnostic::{Error, Result};
use crate::enrich::glossary::Glossary;
use crate::enrich::notes::{Anchor, LoadedNote};
use crate::enrich::quotations::{Kind, Quotation};
use crate::model::{Chapter, Edition};
use crate::render::body::{self, BodyOptions, Mark, MarkKind, NoteKey};
use crate::render::glossary::{GlossaryIndex, Stretch};
use crate::render::notes::Apparatus;
use crate::render::raw_html::RawHtml;

/// What the TEI document is made from: the edition and what was found in
/// it.
pub struct TeiInput<'a> {
    pub edition: &'a Edition,
    pub notes: &'a [LoadedNote],
    pub anchors: &'a [Anchor],
    pub quotations: &'a [Quotation],
    pub glossary: Option<&'a Glossary>,
    /// The persons, places and works of the edition's index: each is
    /// marked where one of its forms stands (`<persName ref>`, ...) and
    /// listed in `<standOff>` (content/index.yaml's, given by `build`).
    pub index: &'a [IndexEntry],
}

/// What an index entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    Person,
    Place,
    Work,
}

/// One entry of the edition's index of persons, places and works.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub kind: IndexKind,
    /// Its id (made an XML name, and prefixed by its kind: `person.ID`).
    pub id: String,
    /// The name as the index gives it.
    pub name: String,
    /// Every form to find in the text (the name itself need not be
    /// repeated).
    pub forms: Vec<String>,
    /// Who or what it is, in a few words (plain text).
    pub note: Option<String>,
}

const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";

/// The whole document.
pub fn document(input: &TeiInput) -> Result<String> {
    let edition = input.edition;
    let null = serde_json::Value::Null;
    let apparatus = Apparatus::new(edition, input.notes, input.anchors, &null);
    let glossary = GlossaryIndex::new(edition, input.glossary, &[], &[], &null);
    let mut placed: HashSet<String> = HashSet::new();
    let mut marks = Marks::new(input, &apparatus, &glossary);
    let mut xml = String::with_capacity(1 << 16);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"{TEI_NS}\" xml:lang=\"{}\">\n",
        escape_html(&edition.config.language)
    );
    header(&mut xml, edition);
    xml.push_str("<text>\n<body>\n");
    let pages = crate::render::pages::chapter_pages(edition);
    let slugs: HashSet<&str> = edition.chapters.iter().map(|c| c.slug.as_str()).collect();
    for (i, chapter) in edition.chapters.iter().enumerate() {
        let chapter_marks = marks.of_chapter(i, chapter);
        piece(
            &mut xml,
            Piece {
                edition,
                index: i,
                chapter,
                apparatus: &apparatus,
                marks: &chapter_marks,
                chapter_pages: &pages,
                slugs: &slugs,
            },
            &mut placed,
            &mut marks.works,
        )?;
    }
    xml.push_str("</body>\n");
    back(&mut xml, &glossary, &mut marks.works);
    xml.push_str("</text>\n");
    stand_off(&mut xml, &marks, input, &placed);
    xml.push_str("</TEI>\n");
    Ok(crate::render::xml::clean(&xml).into_owned())
}

/// An xml:id made of `id`. Validators read names by XML 1.0's older
/// rules (jing's `ID`, XML Schema 1.0's NCName), which know the CJK
/// ideographs U+4E00–U+9FA5 but not those added since: ASCII letters and
/// digits, `-`, `_`, `.`, Latin-1's letters and those ideographs stand as
/// they are, any other character as its code point (`u2217`) between
/// underscores, so that two ids stay two; `_` goes before an id that
/// cannot begin a name.
fn xml_id(id: &str) -> String {
    let plain = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '-' | '_' | '.' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{FF}' | '\u{4E00}'..='\u{9FA5}')
    };
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if plain(c) {
            out.push(c);
        } else {
            let _ = write!(out, "_u{:x}_", c as u32);
        }
    }
    if !out.starts_with(|c: char| c == '_' || (c.is_alphabetic() && !c.is_ascii_digit())) {
        out.insert(0, '_');
    }
    out
}

/// The xml:id of a place in a piece: `slug.p12` for `slug.html#p12`.
pub fn place_id(slug: &str, anchor: &str) -> String {
    xml_id(&format!("{slug}.{anchor}"))
}

/// The teiHeader: the edition's title, the pieces' authors and its
/// editors, its publisher and date, the book it reproduces, its language.
fn header(xml: &mut String, edition: &Edition) {
    let config = &edition.config;
    let e = |s: &str| escape_html(s);
    xml.push_str("<teiHeader>\n<fileDesc>\n<titleStmt>\n");
    let _ = writeln!(xml, "<title type=\"main\">{}</title>", e(&config.title));
    if let Some(sub) = &config.subtitle {
        let _ = writeln!(xml, "<title type=\"sub\">{}</title>", e(sub));
    }
    let mut authors: Vec<&str> = Vec::new();
    for chapter in &edition.chapters {
        for author in &chapter.front.authors {
            if !authors.contains(&author.name.as_str()) {
                authors.push(&author.name);
            }
        }
    }
    for author in &authors {
        let _ = writeln!(xml, "<author>{}</author>", e(author));
    }
    for editor in &config.editors {
        let _ = writeln!(xml, "<editor>{}</editor>", e(editor));
    }
    xml.push_str("</titleStmt>\n<publicationStmt>\n");
    let date = config.date.map(|d| {
        format!(
            "<date when=\"{d}\">{}</date>",
            e(&d.display(&config.language).display)
        )
    });
    match (&config.publisher, &date) {
        (Some(publisher), _) => {
            let _ = writeln!(xml, "<publisher>{}</publisher>", e(publisher));
            if let Some(place) = &config.publisher_place {
                let _ = writeln!(xml, "<pubPlace>{}</pubPlace>", e(place));
            }
            if let Some(date) = &date {
                let _ = writeln!(xml, "{date}");
            }
            if let Some(url) = &config.base_url {
                let _ = writeln!(xml, "<idno type=\"URL\">{}</idno>", e(url));
            }
        }
        (None, Some(date)) => {
            let _ = writeln!(xml, "<p>{date}</p>");
        }
        (None, None) => xml.push_str("<p>Unpublished.</p>\n"),
    }
    xml.push_str("</publicationStmt>\n<sourceDesc>\n<bibl>");
    let _ = write!(xml, "<title>{}</title>", e(&config.title));
    for editor in &config.editors {
        let _ = write!(xml, "<editor>{}</editor>", e(editor));
    }
    if let Some(place) = &config.publisher_place {
        let _ = write!(xml, "<pubPlace>{}</pubPlace>", e(place));
    }
    if let Some(publisher) = &config.publisher {
        let _ = write!(xml, "<publisher>{}</publisher>", e(publisher));
    }
    if let Some(date) = &date {
        xml.push_str(date);
    }
    xml.push_str("</bibl>\n</sourceDesc>\n</fileDesc>\n");
    let _ = write!(
        xml,
        "<encodingDesc>\n<appInfo><application ident=\"zhushu\" version=\"{}\"><label>zhushu</label></application></appInfo>\n",
        env!("CARGO_PKG_VERSION")
    );
    xml.push_str(concat!(
        "<editorialDecl>\n",
        "<p xml:lang=\"en\">Each piece is a div whose xml:id is its page's slug; a paragraph's, heading's or table row's xml:id is the slug and the site's anchor joined by a dot (slug.html#p12 is slug.p12).</p>\n",
        "<p xml:lang=\"en\">A pb marks where a page of the printed book begins; type=\"inferred\" marks a break found by inference rather than read from the source's own page marks, and a pb without n a page whose number is not known.</p>\n",
        "<p xml:lang=\"en\">Notes stand where their markers stand in the text, typed footnote (the author's) or by the editor's type; an emendation gives the source's reading (sic) and the one adopted (corr).</p>\n",
        "<p xml:lang=\"en\">A passage that recurs in the edition is a quote at each place, the places of each linked by a linkGrp in the standOff, the origin's ptr typed origin.</p>\n",
        "</editorialDecl>\n</encodingDesc>\n",
    ));
    let _ = write!(
        xml,
        "<profileDesc>\n<langUsage><language ident=\"{lang}\">{lang}</language></langUsage>\n",
        lang = e(&config.language)
    );
    if let Some(description) = &config.description {
        let _ = writeln!(xml, "<abstract><p>{}</p></abstract>", e(description));
    }
    xml.push_str("</profileDesc>\n</teiHeader>\n");
}

/// A TEI name made of a front matter's word (a `type` or `n`): no spaces.
fn word(text: &str) -> String {
    let word: String = text
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    escape_html(&word)
}

struct Piece<'a> {
    edition: &'a Edition,
    index: usize,
    chapter: &'a Chapter,
    apparatus: &'a Apparatus<'a>,
    marks: &'a [Mark],
    chapter_pages: &'a HashMap<String, String>,
    slugs: &'a HashSet<&'a str>,
}

/// One piece: its front matter (title, authors, date line, source, an
/// interview's particulars), then its text, sections opened by its
/// headings.
fn piece(
    xml: &mut String,
    p: Piece,
    placed: &mut HashSet<String>,
    works: &mut Works,
) -> Result<()> {
    let Piece {
        edition,
        index,
        chapter,
        ..
    } = p;
    let front = &chapter.front;
    let language = &edition.config.language;
    let e = |s: &str| escape_html(s);
    let kind = front
        .kind
        .as_deref()
        .map(word)
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "piece".to_owned());
    let _ = writeln!(
        xml,
        "<div type=\"{kind}\" xml:id=\"{}\" n=\"{}\">",
        xml_id(&chapter.slug),
        chapter.number
    );
    if let Some(page) = front.page {
        let _ = writeln!(xml, "<pb n=\"{page}\"/>");
    }
    let _ = writeln!(xml, "<head>{}</head>", e(&front.title));
    if let Some(sub) = &front.subtitle {
        let _ = writeln!(xml, "<head type=\"sub\">{}</head>", e(sub));
    }
    if !front.authors.is_empty() {
        xml.push_str("<byline>");
        for author in &front.authors {
            let _ = write!(xml, "<docAuthor>{}</docAuthor>", e(&author.name));
            if let Some(role) = &author.role {
                let _ = write!(xml, "<roleName>{}</roleName>", e(role));
            }
        }
        xml.push_str("</byline>\n");
    }
    if front.date.is_some() || front.place.is_some() {
        xml.push_str("<dateline>");
        if let Some(place) = &front.place {
            let _ = write!(xml, "<placeName>{}</placeName>", e(place));
        }
        if let Some(d) = front.date {
            let _ = write!(
                xml,
                "<date when=\"{d}\">{}</date>",
                e(&d.display(language).display)
            );
        }
        xml.push_str("</dateline>\n");
    }
    if let Some(interview) = &front.interview {
        xml.push_str("<note type=\"interview\"><list>");
        if let Some(who) = &interview.interviewee {
            let _ = write!(xml, "<item n=\"interviewee\"><name>{}</name>", e(who));
            if let Some(about) = &interview.about {
                let _ = write!(xml, " <desc>{}</desc>", e(about));
            }
            xml.push_str("</item>");
        }
        if !interview.interviewers.is_empty() {
            xml.push_str("<item n=\"interviewers\">");
            for name in &interview.interviewers {
                let _ = write!(xml, "<name>{}</name>", e(name));
            }
            xml.push_str("</item>");
        }
        if let Some(d) = interview.date {
            let _ = write!(
                xml,
                "<item n=\"date\"><date when=\"{d}\">{}</date></item>",
                e(&d.display(language).display)
            );
        }
        if let Some(place) = &interview.place {
            let _ = write!(
                xml,
                "<item n=\"place\"><placeName>{}</placeName></item>",
                e(place)
            );
        }
        xml.push_str("</list></note>\n");
    }
    if let Some(source) = &front.source {
        let _ = writeln!(xml, "<bibl type=\"source\">{}</bibl>", e(source));
    }
    let frame = edition.page_frame(index);
    let pages = chapter.document.break_pages(frame);
    let options = BodyOptions {
        paragraph_numbers: false,
        paragraph_label: "{n}",
        chapter_pages: p.chapter_pages,
        raw_html: RawHtml::Text,
        page_label: "{n}",
        page_inferred: "",
        page_unknown: "?",
        pages: &pages,
    };
    let rendered = body::render(&chapter.document, &options, p.marks, &HashMap::new());
    let notes: Vec<TeiNote> = rendered
        .notes
        .iter()
        .map(|(key, _)| tei_note(*key, chapter, p.apparatus, p.slugs, works))
        .collect::<Result<_>>()?;
    let mut writer = TeiWriter::new(&chapter.slug, p.slugs, &notes, true);
    writer.write(&rendered.html)?;
    placed.extend(writer.placed);
    xml.push_str(&writer.out);
    xml.push_str("\n</div>\n");
    Ok(())
}

/// A note as TEI: its type, the source's reading for an emendation, and
/// its content.
struct TeiNote {
    kind: String,
    original: Option<String>,
    content: String,
}

fn tei_note(
    key: NoteKey,
    chapter: &Chapter,
    apparatus: &Apparatus,
    slugs: &HashSet<&str>,
    works: &mut Works,
) -> Result<TeiNote> {
    let (kind, original, html) = match key {
        NoteKey::Footnote(i) => (
            "footnote".to_owned(),
            None,
            body::note_html_with(&chapter.document.footnotes[i].events, RawHtml::Text),
        ),
        NoteKey::StandOff(n) => {
            let note = &apparatus.note(n).note;
            (
                note.kind.clone(),
                note.original.clone(),
                crate::render::notes::markdown_html(&note.body, RawHtml::Text),
            )
        }
    };
    Ok(TeiNote {
        kind,
        original,
        content: inline_tei(&html, &chapter.slug, slugs, works)?,
    })
}

/// A note's or a definition's HTML as TEI, the titles of works in it
/// marked.
fn inline_tei(html: &str, slug: &str, slugs: &HashSet<&str>, works: &mut Works) -> Result<String> {
    let mut writer = TeiWriter::new(slug, slugs, &[], false);
    writer.works = Some(std::mem::take(works));
    let written = writer.write(html);
    *works = writer.works.take().unwrap_or_default();
    written.map(|()| writer.out.trim().to_owned())
}

/// The glossary in the back: each term (its xml:id what the text's
/// `<term ref>` points at) and its gloss.
fn back(xml: &mut String, glossary: &GlossaryIndex, works: &mut Works) {
    if glossary.entries.is_empty() {
        return;
    }
    xml.push_str("<back>\n<div type=\"glossary\">\n<list type=\"gloss\">\n");
    for entry in &glossary.entries {
        let _ = writeln!(
            xml,
            "<label><term xml:id=\"{}\">{}</term></label>",
            gloss_id(&entry.id),
            escape_html(&entry.term)
        );
        let slugs = HashSet::new();
        let mut tei = |html: &str| {
            inline_tei(html, "", &slugs, works)
                .unwrap_or_else(|_| escape_html(&crate::render::raw_html::words_of_html(html)))
        };
        // A definition of one paragraph is a gloss; a longer one stands as
        // its blocks.
        let gloss = match body::inline_note_html(&entry.definition_html) {
            Some(inline) => format!("<gloss>{}</gloss>", tei(&inline)),
            None => tei(&entry.definition_html),
        };
        xml.push_str("<item>");
        xml.push_str(&gloss);
        for also in &entry.see_also {
            let _ = write!(
                xml,
                " <ref type=\"see-also\" target=\"#{}\">{}</ref>",
                gloss_id(&also.id),
                escape_html(&also.term)
            );
        }
        xml.push_str("</item>\n");
    }
    xml.push_str("</list>\n</div>\n</back>\n");
}

fn gloss_id(entry: &str) -> String {
    xml_id(&format!("gloss.{entry}"))
}

/// The works, persons and places named, and each recurring passage's
/// places linked: what points into the text from outside it.
fn stand_off(xml: &mut String, marks: &Marks, input: &TeiInput, placed: &HashSet<String>) {
    let mut parts = String::new();
    let entries = |kind: IndexKind| input.index.iter().filter(move |e| e.kind == kind);
    if !marks.works.titles.is_empty() || entries(IndexKind::Work).next().is_some() {
        parts.push_str("<listBibl>\n");
        for (k, title) in marks.works.titles.iter().enumerate() {
            let _ = writeln!(
                parts,
                "<bibl xml:id=\"work.{}\"><title>{}</title></bibl>",
                k + 1,
                escape_html(title)
            );
        }
        for entry in entries(IndexKind::Work) {
            let _ = writeln!(
                parts,
                "<bibl xml:id=\"{}\"><title>{}</title>{}</bibl>",
                index_id(entry),
                escape_html(&entry.name),
                entry_note(entry)
            );
        }
        parts.push_str("</listBibl>\n");
    }
    for (kind, list, item, name) in [
        (IndexKind::Person, "listPerson", "person", "persName"),
        (IndexKind::Place, "listPlace", "place", "placeName"),
    ] {
        if entries(kind).next().is_none() {
            continue;
        }
        let _ = writeln!(parts, "<{list}>");
        for entry in entries(kind) {
            let _ = writeln!(
                parts,
                "<{item} xml:id=\"{}\"><{name}>{}</{name}>{}</{item}>",
                index_id(entry),
                escape_html(&entry.name),
                entry_note(entry)
            );
        }
        let _ = writeln!(parts, "</{list}>");
    }
    for (n, &q) in marks.quotation_order.iter().enumerate() {
        let quotation = &input.quotations[q];
        let ptrs: Vec<String> = (0..quotation.occurrences.len())
            .filter(|&k| placed.contains(&quote_id(n, k)))
            .map(|k| {
                let origin = if k == quotation.origin {
                    " type=\"origin\""
                } else {
                    ""
                };
                format!("<ptr{origin} target=\"#{}\"/>", quote_id(n, k))
            })
            .collect();
        if ptrs.len() < 2 {
            continue;
        }
        let kind = match quotation.kind {
            Kind::Quotation => "quotation",
            Kind::Formula => "formula",
        };
        let _ = writeln!(
            parts,
            "<linkGrp type=\"{kind}\" xml:id=\"quotation.q{}\"><desc>{}</desc>{}</linkGrp>",
            n + 1,
            escape_html(quotation.text()),
            ptrs.concat()
        );
    }
    if !parts.is_empty() {
        xml.push_str("<standOff>\n");
        xml.push_str(&parts);
        xml.push_str("</standOff>\n");
    }
}

/// The xml:id of the `k`-th place (from 0) of the `n`-th passage (from 0,
/// in the index's order): `quotation.q3.2`.
fn quote_id(n: usize, k: usize) -> String {
    format!("quotation.q{}.{}", n + 1, k + 1)
}

/// An entry's identification as its `<note>`, if it has one.
fn entry_note(entry: &IndexEntry) -> String {
    entry
        .note
        .as_deref()
        .map(|n| format!("<note>{}</note>", escape_html(n)))
        .unwrap_or_default()
}

fn index_id(entry: &IndexEntry) -> String {
    let kind = match entry.kind {
        IndexKind::Person => "person",
        IndexKind::Place => "place",
        IndexKind::Work => "work",
    };
    xml_id(&format!("{kind}.{}", entry.id))
}

/// The stretches TEI marks in the text, chapter by chapter, and the works
/// named (`《…》`), numbered by their first place.
struct Marks<'a> {
    input: &'a TeiInput<'a>,
    apparatus: &'a Apparatus<'a>,
    quotation_order: Vec<usize>,
    /// Per chapter: (passage's place in `quotation_order`, occurrence).
    quotation_places: Vec<Vec<(usize, usize)>>,
    /// Per chapter: glossary places (entry id, unit, start, end).
    terms: Vec<Vec<(String, usize, usize, usize)>>,
    index: Option<(aho_corasick::AhoCorasick, Vec<usize>)>,
    works: Works,
}

impl<'a> Marks<'a> {
    fn new(
        input: &'a TeiInput<'a>,
        apparatus: &'a Apparatus<'a>,
        glossary: &GlossaryIndex,
    ) -> Marks<'a> {
        let edition = input.edition;
        let chapters = edition.chapters.len();
        let quotation_order = crate::render::quotations::order(input.quotations);
        let mut quotation_places = vec![Vec::new(); chapters];
        for (n, &q) in quotation_order.iter().enumerate() {
            for (k, o) in input.quotations[q].occurrences.iter().enumerate() {
                quotation_places[o.chapter].push((n, k));
            }
        }
        let mut terms = vec![Vec::new(); chapters];
        if let Some(g) = input.glossary {
            let ids: HashMap<&str, &str> = glossary
                .entries
                .iter()
                .map(|e| (e.term.as_str(), e.id.as_str()))
                .collect();
            for place in crate::enrich::glossary::find(edition, g, LinkMode::All) {
                if let Some(id) = ids.get(g.entries[place.entry].term.as_str()) {
                    terms[place.chapter].push((gloss_id(id), place.unit, place.start, place.end));
                }
            }
        }
        let mut forms: Vec<&str> = Vec::new();
        let mut owners: Vec<usize> = Vec::new();
        for (k, entry) in input.index.iter().enumerate() {
            for form in std::iter::once(&entry.name).chain(&entry.forms) {
                if !form.trim().is_empty() {
                    forms.push(form);
                    owners.push(k);
                }
            }
        }
        let index = (!forms.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&forms)
                    .ok()
            })
            .flatten()
            .map(|a| (a, owners));
        Marks {
            input,
            apparatus,
            quotation_order,
            quotation_places,
            terms,
            index,
            works: Works::default(),
        }
    }

    /// Chapter `i`'s marks: its notes first, then quotations, index
    /// entries, titles and glossary terms, each left out where it would
    /// cut across a stretch already marked (TEI's elements must nest).
    fn of_chapter(&mut self, i: usize, chapter: &Chapter) -> Vec<Mark> {
        let units = chapter.document.units();
        let mut marks = self.apparatus.marks(i, chapter);
        let mut taken: Vec<Stretch> = marks
            .iter()
            .filter(|m| matches!(m.kind, MarkKind::Note { emended: true, .. }))
            .map(|m| (m.events.clone(), m.start, m.end))
            .collect();
        let mut wrap = |marks: &mut Vec<Mark>,
                        events: &Range<usize>,
                        start: usize,
                        end: usize,
                        open: String,
                        close: &str| {
            if start >= end || !nests(&taken, events, start, end) {
                return false;
            }
            taken.push((events.clone(), start, end));
            marks.push(Mark {
                events: events.clone(),
                start,
                end,
                kind: MarkKind::Wrap {
                    open,
                    close: Some(close.to_owned()),
                    after: String::new(),
                },
            });
            true
        };
        for &(n, k) in &self.quotation_places[i] {
            let quotation = &self.input.quotations[self.quotation_order[n]];
            let o = &quotation.occurrences[k];
            let kind = match quotation.kind {
                Kind::Quotation => "quotation",
                Kind::Formula => "formula",
            };
            wrap(
                &mut marks,
                units[o.unit].events,
                o.start,
                o.end,
                format!("<tei:quote xml:id=\"{}\" type=\"{kind}\">", quote_id(n, k)),
                "</tei:quote>",
            );
        }
        if let Some((finder, owners)) = &self.index {
            for unit in &units {
                let offsets = char_offsets(unit.text);
                for found in finder.find_iter(unit.text) {
                    let entry = &self.input.index[owners[found.pattern().as_usize()]];
                    let name = match entry.kind {
                        IndexKind::Person => "persName",
                        IndexKind::Place => "placeName",
                        IndexKind::Work => "title",
                    };
                    wrap(
                        &mut marks,
                        unit.events,
                        offsets[&found.start()],
                        offsets[&found.end()],
                        format!("<tei:{name} ref=\"#{}\">", index_id(entry)),
                        &format!("</tei:{name}>"),
                    );
                }
            }
        }
        for unit in &units {
            for (start, end, title) in titles(unit.text) {
                let (n, new) = self.works.number(&title);
                let placed = wrap(
                    &mut marks,
                    unit.events,
                    start,
                    end,
                    format!("<tei:title ref=\"#work.{n}\">"),
                    "</tei:title>",
                );
                if new && !placed {
                    self.works.forget(&title);
                }
            }
        }
        for (id, unit, start, end) in &self.terms[i] {
            wrap(
                &mut marks,
                units[*unit].events,
                *start,
                *end,
                format!("<tei:term ref=\"#{id}\">"),
                "</tei:term>",
            );
        }
        marks
    }
}

/// The works named (`《…》`), numbered from 1 by their first place.
#[derive(Default)]
struct Works {
    titles: Vec<String>,
    numbers: HashMap<String, usize>,
}

impl Works {
    /// Work `title`'s number, and whether it is new.
    fn number(&mut self, title: &str) -> (usize, bool) {
        match self.numbers.get(title) {
            Some(&n) => (n, false),
            None => {
                self.titles.push(title.to_owned());
                let n = self.titles.len();
                self.numbers.insert(title.to_owned(), n);
                (n, true)
            }
        }
    }

    /// Takes back a work just numbered, whose title could not be marked.
    fn forget(&mut self, title: &str) {
        if self.numbers.get(title) == Some(&self.titles.len()) {
            self.titles.pop();
            self.numbers.remove(title);
        }
    }
}

/// Whether `start..end` of the unit at `events` nests with every stretch
/// taken there: inside it, around it or apart.
fn nests(taken: &[Stretch], events: &Range<usize>, start: usize, end: usize) -> bool {
    taken.iter().all(|(e, s, t)| {
        e != events
            || end <= *s
            || *t <= start
            || (*s <= start && end <= *t)
            || (start <= *s && *t <= end)
    })
}

/// Byte offset → character offset, for every character boundary of `text`.
fn char_offsets(text: &str) -> HashMap<usize, usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .enumerate()
        .map(|(c, b)| (b, c))
        .collect()
}

/// The titles of works in a unit's text: what stands between 《 and 》, as
/// character offsets, with the title itself.
fn titles(text: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    for (k, c) in text.chars().enumerate() {
        match c {
            '《' => open = Some(k + 1),
            '》' => {
                if let Some(start) = open.take()
                    && k > start
                {
                    let title: String = text.chars().skip(start).take(k - start).collect();
                    if !title.trim().is_empty() {
                        found.push((start, k, title));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// One element of the body's XHTML, read.
#[derive(Debug, Clone)]
enum Token {
    Open {
        name: String,
        attributes: Vec<(String, String)>,
        empty: bool,
    },
    Close,
    Text(String),
}

impl Token {
    fn attribute(&self, key: &str) -> Option<&str> {
        match self {
            Token::Open { attributes, .. } => attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    fn has_class(&self, class: &str) -> bool {
        self.attribute("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }

    fn name(&self) -> &str {
        match self {
            Token::Open { name, .. } => name,
            _ => "",
        }
    }
}

/// The XHTML that `render::body` writes, as tokens (an empty element is an
/// `Open` with `empty`, and no `Close`).
fn tokens(html: &str) -> Result<Vec<Token>> {
    use quick_xml::events::Event as Xml;
    let wrapped = format!("<x>{html}</x>");
    let mut reader = quick_xml::Reader::from_str(&wrapped);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    let bad = |e: &dyn std::fmt::Display| Error::new(format!("cannot write the TEI text: {e}"));
    let open = |tag: &quick_xml::events::BytesStart, empty: bool| -> Result<Token> {
        let name = tag.name().as_ref().to_owned();
        let mut attributes = Vec::new();
        for attribute in tag.attributes() {
            let attribute = attribute.map_err(|e| bad(&e))?;
            let key = attribute.key.as_ref().to_owned();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| bad(&e))?
                .into_owned();
            attributes.push((key, value));
        }
        Ok(Token::Open {
            name,
            attributes,
            empty,
        })
    };
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            Xml::Eof => break,
            Xml::Start(tag) => out.push(open(&tag, false)?),
            Xml::Empty(tag) => out.push(open(&tag, true)?),
            Xml::End(_) => out.push(Token::Close),
            Xml::Text(text) => out.push(Token::Text(text.xml10_content().into_owned())),
            Xml::GeneralRef(reference) => {
                let c = if reference.is_char_ref() {
                    reference.resolve_char_ref().ok().flatten()
                } else {
                    match &*reference {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    }
                };
                if let Some(c) = c {
                    out.push(Token::Text(c.to_string()));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Where the token at `i` ends: its `Close`, or itself when it is empty.
fn end_of(tokens: &[Token], i: usize) -> usize {
    if let Token::Open { empty: true, .. } = tokens[i] {
        return i;
    }
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(i) {
        match token {
            Token::Open { empty: false, .. } => depth += 1,
            Token::Close => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len().saturating_sub(1)
}

/// The note number a note marker (`<sup class="noteref">`) at `i` links
/// to (`#fn-3`).
fn note_number(tokens: &[Token], i: usize) -> Option<usize> {
    tokens[i..=end_of(tokens, i)]
        .iter()
        .find_map(|t| t.attribute("href")?.strip_prefix("#fn-")?.parse().ok())
}

/// What an open element is closed with, and what it is.
struct Open {
    close: String,
    /// Holds only elements (a div, list, table or row): text there goes
    /// into a paragraph.
    blocks: bool,
    /// A speaker's name: the turn's paragraph opens after it.
    speaker: bool,
}

/// XHTML of the body (or of a note) → TEI.
struct TeiWriter<'a> {
    out: String,
    slug: &'a str,
    slugs: &'a HashSet<&'a str>,
    notes: &'a [TeiNote],
    /// Notes already written in full: a second marker refers to them.
    written: HashSet<usize>,
    /// Headings open sections (a piece's body), or are paragraphs (a note).
    sections: bool,
    open_sections: Vec<u8>,
    stack: Vec<Open>,
    /// A turn's paragraph, opened after its speaker.
    pending: Option<String>,
    in_pre: usize,
    /// Titles of works in the text are marked as it is written (in notes
    /// and glosses; the body's are marks).
    works: Option<Works>,
    /// The xml:ids written of the `tei:` elements (the quotations'
    /// places), for the standOff to link only what stands in the text.
    placed: Vec<String>,
}

impl<'a> TeiWriter<'a> {
    fn new(
        slug: &'a str,
        slugs: &'a HashSet<&'a str>,
        notes: &'a [TeiNote],
        sections: bool,
    ) -> TeiWriter<'a> {
        TeiWriter {
            out: String::new(),
            slug,
            slugs,
            notes,
            written: HashSet::new(),
            sections,
            open_sections: Vec::new(),
            stack: Vec::new(),
            pending: None,
            in_pre: 0,
            works: None,
            placed: Vec::new(),
        }
    }

    fn write(&mut self, html: &str) -> Result<()> {
        let tokens = tokens(html)?;
        // The wrapping root holds blocks where a body's do.
        let mut i = 0;
        while i < tokens.len() {
            i = self.token(&tokens, i) + 1;
        }
        self.flush_pending();
        for _ in self.open_sections.drain(..) {
            self.out.push_str("</div>\n");
        }
        Ok(())
    }

    fn in_speaker(&self) -> bool {
        self.stack.iter().any(|o| o.speaker)
    }

    fn flush_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            self.out.push_str(&p);
        }
    }

    fn push(&mut self, open: &str, close: &str) {
        self.out.push_str(open);
        self.stack.push(Open {
            close: close.to_owned(),
            blocks: false,
            speaker: false,
        });
    }

    fn push_blocks(&mut self, open: &str, close: &str) {
        self.out.push_str(open);
        self.stack.push(Open {
            close: close.to_owned(),
            blocks: true,
            speaker: false,
        });
    }

    /// Writes the token at `i` (and, for those read whole, what it holds);
    /// returns the last token it took.
    fn token(&mut self, tokens: &[Token], i: usize) -> usize {
        let token = &tokens[i];
        let (name, empty) = match token {
            Token::Text(text) => {
                if !text.trim().is_empty() && !self.in_speaker() {
                    self.flush_pending();
                }
                self.text(text);
                return i;
            }
            Token::Close => {
                if let Some(open) = self.stack.pop() {
                    if open.close == "</ab>" {
                        self.in_pre = self.in_pre.saturating_sub(1);
                    }
                    self.out.push_str(&open.close);
                    if open.speaker {
                        self.flush_pending();
                    }
                }
                return i;
            }
            Token::Open { name, empty, .. } => (name.as_str(), *empty),
        };
        // A turn's paragraph opens after its speaker, and before anything
        // else that comes first.
        let speaker = name == "strong" && token.has_class("speaker");
        if !speaker && !self.in_speaker() {
            self.flush_pending();
        }
        let end = end_of(tokens, i);
        match name {
            "x" => {
                let blocks = self.sections;
                self.stack.push(Open {
                    close: String::new(),
                    blocks,
                    speaker: false,
                });
            }
            "p" => self.paragraph(token),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.heading(token),
            "blockquote" => self.push("<quote>", "</quote>"),
            "ul" => self.push_blocks("<list rend=\"bulleted\">", "</list>"),
            "ol" => self.push_blocks("<list rend=\"numbered\">", "</list>"),
            "li" => self.push("<item>", "</item>"),
            "em" => self.push("<emph>", "</emph>"),
            "strong" if token.has_class("speaker") => {
                self.out.push_str("<speaker>");
                self.stack.push(Open {
                    close: "</speaker>".to_owned(),
                    blocks: false,
                    speaker: true,
                });
            }
            "strong" => self.push("<hi rend=\"bold\">", "</hi>"),
            "del" => self.push("<hi rend=\"strikethrough\">", "</hi>"),
            "code" if self.in_pre > 0 => self.push("", ""),
            "code" => self.push("<code>", "</code>"),
            "pre" => {
                self.in_pre += 1;
                self.push("<ab type=\"code\" xml:space=\"preserve\">", "</ab>");
            }
            "a" => match token.attribute("href") {
                Some(href) => {
                    let target = escape_html(&self.target(href));
                    self.push(&format!("<ref target=\"{target}\">"), "</ref>");
                }
                None => self.push("", ""),
            },
            "img" => {
                let url = escape_html(token.attribute("src").unwrap_or_default());
                let alt = token.attribute("alt").unwrap_or_default();
                if alt.is_empty() {
                    let _ = write!(self.out, "<graphic url=\"{url}\"/>");
                } else {
                    let _ = write!(
                        self.out,
                        "<graphic url=\"{url}\"><desc>{}</desc></graphic>",
                        escape_html(alt)
                    );
                }
            }
            "br" => self.out.push_str("<lb/>"),
            "hr" => self.out.push_str("<milestone unit=\"section\"/>\n"),
            "table" => self.push_blocks("<table>", "</table>"),
            "thead" | "tbody" | "div" => {
                let blocks = self.stack.last().is_some_and(|o| o.blocks);
                self.stack.push(Open {
                    close: String::new(),
                    blocks,
                    speaker: false,
                });
            }
            "tr" => {
                let head = tokens[..i]
                    .iter()
                    .rev()
                    .find(|t| matches!(t.name(), "thead" | "tbody"))
                    .is_some_and(|t| t.name() == "thead");
                let anchor = tokens[i..=end]
                    .iter()
                    .find(|t| t.has_class("row-anchor"))
                    .and_then(|t| t.attribute("id"));
                let mut open = String::from("<row");
                if head {
                    open.push_str(" role=\"label\"");
                }
                if let Some(id) = anchor {
                    let _ = write!(open, " xml:id=\"{}\"", place_id(self.slug, id));
                }
                open.push('>');
                self.push_blocks(&open, "</row>\n");
            }
            "th" => self.push("<cell role=\"label\">", "</cell>"),
            "td" => self.push("<cell>", "</cell>"),
            "span" if token.has_class("row-anchor") => return end,
            "span" if token.has_class("pb") => {
                self.page_break(tokens, i, end);
                return end;
            }
            "span" if token.has_class("emended") => {
                let original = tokens[end..]
                    .iter()
                    .position(|t| t.has_class("noteref"))
                    .and_then(|k| note_number(tokens, end + k))
                    .and_then(|n| self.notes.get(n - 1)?.original.as_deref());
                match original {
                    Some(original) => self.push(
                        &format!("<choice><sic>{}</sic><corr>", escape_html(original)),
                        "</corr></choice>",
                    ),
                    None => self.push("<corr>", "</corr>"),
                }
            }
            "sup" if token.has_class("noteref") => {
                if let Some(n) = note_number(tokens, i) {
                    self.note(n);
                }
                return end;
            }
            tei if tei.starts_with("tei:") => {
                let local = &tei["tei:".len()..];
                let mut open = format!("<{local}");
                if let Token::Open { attributes, .. } = token {
                    for (key, value) in attributes {
                        if key == "xml:id" {
                            self.placed.push(value.clone());
                        }
                        let _ = write!(open, " {key}=\"{}\"", escape_html(value));
                    }
                }
                if empty {
                    open.push_str("/>");
                    self.out.push_str(&open);
                } else {
                    open.push('>');
                    self.push(&open, &format!("</{local}>"));
                }
            }
            // Anything else: its words, without its tags.
            _ => {
                if !empty {
                    self.push("", "");
                }
            }
        }
        i
    }

    fn text(&mut self, text: &str) {
        let blocks = self.stack.last().is_some_and(|o| o.blocks);
        if blocks && !text.trim().is_empty() {
            // Words standing among blocks (the author's HTML, without its
            // tags) make a paragraph of their own.
            let _ = write!(self.out, "<p>{}</p>", escape_html(text.trim()));
        } else if blocks {
            self.out.push('\n');
        } else if let Some(works) = self.works.as_mut().filter(|_| self.in_pre == 0) {
            let mut at = 0;
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let byte = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
            for (start, end, title) in titles(text) {
                let (n, _) = works.number(&title);
                let _ = write!(
                    self.out,
                    "{}<title ref=\"#work.{n}\">{}</title>",
                    escape_html(&text[at..byte(start)]),
                    escape_html(&title)
                );
                at = byte(end);
            }
            self.out.push_str(&escape_html(&text[at..]));
        } else {
            self.out.push_str(&escape_html(text));
        }
    }

    /// A numbered paragraph's xml:id is the site's anchor in its piece;
    /// a speaker's turn is an `<sp>`, its paragraph after the speaker.
    fn paragraph(&mut self, token: &Token) {
        let mut open = String::from("<p");
        if let Some(id) = token.attribute("id") {
            let _ = write!(open, " xml:id=\"{}\"", place_id(self.slug, id));
            if let Some(n) = id.strip_prefix('p').filter(|n| n.parse::<u32>().is_ok()) {
                let _ = write!(open, " n=\"{n}\"");
            }
        }
        open.push('>');
        if token.has_class("turn") {
            self.out.push_str("<sp>");
            self.pending = Some(open);
            self.stack.push(Open {
                close: "</p></sp>".to_owned(),
                blocks: false,
                speaker: false,
            });
        } else {
            self.push(&open, "</p>");
        }
    }

    /// A heading of the body opens a section (closing those of its level
    /// and below); elsewhere (in a list, a quotation, a note) it is a
    /// paragraph.
    fn heading(&mut self, token: &Token) {
        let level = token.name()[1..].parse::<u8>().unwrap_or(1);
        let id = token
            .attribute("id")
            .map(|id| format!(" xml:id=\"{}\"", place_id(self.slug, id)))
            .unwrap_or_default();
        if self.sections && self.stack.len() == 1 {
            while self.open_sections.last().is_some_and(|&l| l >= level) {
                self.open_sections.pop();
                self.out.push_str("</div>\n");
            }
            self.open_sections.push(level);
            let open = format!("<div type=\"section\">\n<head{id}>");
            self.push(&open, "</head>\n");
        } else {
            self.push(&format!("<p rend=\"h{level}\"{id}>"), "</p>");
        }
    }

    /// A link: to a place in a piece, the place's xml:id; else as it is.
    fn target(&self, href: &str) -> String {
        let (page, fragment) = match href.split_once('#') {
            Some((page, fragment)) => (page, Some(fragment)),
            None => (href, None),
        };
        let slug = page
            .strip_suffix(".html")
            .filter(|s| self.slugs.contains(s));
        match (slug, fragment) {
            (Some(slug), Some(fragment)) => format!("#{}", place_id(slug, fragment)),
            (Some(slug), None) => format!("#{}", xml_id(slug)),
            (None, Some(fragment)) if page.is_empty() => {
                format!("#{}", place_id(self.slug, fragment))
            }
            _ => href.to_owned(),
        }
    }

    /// A page mark (`<span class="pb">`): `<pb n="12"/>`, typed when the
    /// break was inferred, without `n` when its page is not known.
    fn page_break(&mut self, tokens: &[Token], i: usize, end: usize) {
        let number = tokens[i..=end]
            .iter()
            .position(|t| t.has_class("pb-n"))
            .and_then(|k| match tokens.get(i + k + 1) {
                Some(Token::Text(n)) => n.trim().parse::<u32>().ok(),
                _ => None,
            });
        let mut pb = String::from("<pb");
        if let Some(n) = number {
            let _ = write!(pb, " n=\"{n}\"");
        }
        if tokens[i].has_class("inferred") {
            pb.push_str(" type=\"inferred\"");
        }
        pb.push_str("/>");
        self.out.push_str(&pb);
    }

    /// A note where its marker stands: the note itself at its first
    /// marker, a reference to it at any other.
    fn note(&mut self, n: usize) {
        let id = place_id(self.slug, &format!("fn-{n}"));
        let Some(note) = self.notes.get(n - 1) else {
            return;
        };
        if self.written.insert(n) {
            let _ = write!(
                self.out,
                "<note xml:id=\"{id}\" n=\"{n}\" type=\"{}\">{}</note>",
                word(&note.kind),
                note.content
            );
        } else {
            let _ = write!(self.out, "<ref type=\"noteref\" target=\"#{id}\">{n}</ref>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_xml_names() {
        assert_eq!(place_id("ban-gong", "p12"), "ban-gong.p12");
        assert_eq!(place_id("01-intro", "p1"), "_01-intro.p1");
        assert_eq!(xml_id("a b:c"), "a_u20_b_u3a_c");
        assert_eq!(xml_id("办公室"), "办公室");
        // An ideograph added after Unicode 2.0 is not a name character
        // to XML 1.0's older rules, which validators follow.
        assert_eq!(xml_id("x\u{4217}表"), "x_u4217_表");
        assert_eq!(xml_id("-x"), "_-x");
    }

    #[test]
    fn titles_are_found_between_book_marks() {
        assert_eq!(
            titles("读《论语·学而》和《》及《孟子》"),
            vec![(2, 7, "论语·学而".to_owned()), (13, 15, "孟子".to_owned())]
        );
    }

    #[test]
    fn stretches_nest_or_stand_apart() {
        let taken = vec![(0..5, 2, 6)];
        assert!(nests(&taken, &(0..5), 3, 5));
        assert!(nests(&taken, &(0..5), 0, 8));
        assert!(nests(&taken, &(0..5), 6, 8));
        assert!(!nests(&taken, &(0..5), 4, 8));
        assert!(nests(&taken, &(5..9), 4, 8));
    }
}

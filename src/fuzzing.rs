//! Entry points for the fuzz targets (`fuzz/`) and their regression test
//! (`tests/fuzz_regressions.rs`): each runs a real pipeline on text held in
//! memory. An `Err` is a fine answer to a bad input; a panic, a hang or a
//! runaway allocation is a bug, and so is an EPUB page that is not
//! well-formed XML (`render_chapter` returns it for the caller to check).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::EditionConfig;
use crate::enrich;
use crate::enrich::notes::LoadedNote;
use crate::import::{self, ImportOptions, Language};
use crate::model::{Chapter, Edition, StandOffNote};
use crate::render::body::{self, BodyOptions, Mark};
use crate::render::glossary::{GlossaryIndex, Stretch};
use crate::render::notes::{self as apparatus, Apparatus};
use crate::render::quotations::QuotationIndex;

/// A content folder that does not exist: the import plan looks for earlier
/// work there (a manifest, edited chapters) and finds none.
const NOWHERE: &str = "/nonexistent/zhushu-fuzz/content";

/// `zhushu import --dry-run` on `text`: the pipeline `import::import` runs
/// once it has read the file (`import::plan_text`), without the disk.
pub fn import_text(text: &str) {
    // import() refuses a file with a NUL byte before reading it as text.
    if text.contains('\0') {
        return;
    }
    let options = ImportOptions {
        source: PathBuf::from("fuzz.txt"),
        into: PathBuf::from(NOWHERE),
        dry_run: true,
        force: false,
    };
    let Ok(planned) = import::plan_text(&options, text.as_bytes(), text) else {
        return;
    };

    // What import writes must load again: every chapter it plans goes
    // through the chapter pipeline too.
    for (path, bytes) in &planned.plan.contents {
        if path.starts_with("chapters/")
            && let Ok(chapter) = std::str::from_utf8(bytes)
        {
            render_chapter(chapter);
        }
    }
}

/// A chapter file's text in a one-chapter edition, with what enrich finds
/// in it: stand-off notes made from its own words, quotations, glossary
/// terms.
struct OneChapter {
    edition: Edition,
    notes: Vec<LoadedNote>,
    anchors: Vec<enrich::notes::Anchor>,
    quotations: Vec<enrich::quotations::Quotation>,
    glossary: enrich::glossary::Glossary,
    places: Vec<enrich::glossary::Place>,
}

/// The chapter loaded as `load` loads it (None where load refuses it).
fn one_chapter(text: &str) -> Option<OneChapter> {
    // As `load` reads a chapter file (the name gives the slug `fuzz` when
    // the front matter has none).
    let file = PathBuf::from("content/chapters/01-fuzz.md");
    let mut chapter = crate::load::chapter_from_text(file, text).ok()?;
    chapter.number = 1;
    let (_, _, body) = crate::load::split_front_matter(text)?;
    let language = if Language::detect(body) == Language::Chinese {
        "zh-CN"
    } else {
        "en"
    };
    let config_text = format!("title: Fuzz\nlanguage: {language}\n");
    let Ok(config) = EditionConfig::parse(&config_text, Path::new("content/edition.yaml")) else {
        return None;
    };
    let edition = Edition {
        root: PathBuf::from(NOWHERE),
        config,
        chapters: vec![chapter],
    };
    let chapter = &edition.chapters[0];
    // Stand-off notes quoting the chapter's own words, so that they anchor.
    let notes = standoff_notes(chapter);
    let (notes, anchors) = match enrich::notes::anchor(&edition, &notes) {
        Ok(anchors) => (notes, anchors),
        Err(_) => (Vec::new(), Vec::new()),
    };
    let options = enrich::quotations::QuotationOptions::for_edition(&edition.config);
    let quotations = enrich::quotations::detect(&edition, &options);
    let glossary = glossary(chapter);
    let places = enrich::glossary::find(&edition, &glossary, edition.config.options.glossary.link);
    Some(OneChapter {
        edition,
        notes,
        anchors,
        quotations,
        glossary,
        places,
    })
}

/// A chapter file's text, loaded as `load` loads it, into a one-chapter
/// edition: then stand-off notes made from its own words, quotation
/// detection, glossary terms, and its body rendered as a page and as print.
pub fn render_chapter(text: &str) -> Option<String> {
    let OneChapter {
        edition,
        notes,
        anchors,
        quotations,
        glossary,
        places,
    } = one_chapter(text)?;
    let chapter = &edition.chapters[0];
    let strings = serde_json::Value::Null;

    let apparatus = Apparatus::new(&edition, &notes, &anchors, &strings);
    let quotation_index = QuotationIndex::new(&edition, &quotations, &strings);
    let taken: Vec<Vec<Stretch>> = vec![
        (apparatus.marks(0, chapter).iter())
            .map(|m| (m.events.clone(), m.start, m.end))
            .chain(quotation_index.stretches(0))
            .collect(),
    ];
    let glossary_index = GlossaryIndex::new(&edition, Some(&glossary), &places, &taken, &strings);
    let _ = quotation_index.json();
    let _ = glossary_index.json();
    // Cited titles: the chapter's own title cited in it is a link.
    let works = enrich::indexes::find_works(&edition, edition.config.latin_script());
    let book_index =
        crate::render::indexes::BookIndex::new(&edition, None, &[], &works, &taken, &[], &strings);
    let _ = book_index.json();
    let _ = book_index.views();

    let pages: HashMap<String, String> =
        HashMap::from([("01-fuzz.md".to_owned(), format!("{}.html", chapter.slug))]);
    let options = BodyOptions {
        paragraph_numbers: true,
        paragraph_label: "第{n}段",
        chapter_pages: &pages,
        raw_html: crate::render::raw_html::RawHtml::Keep,
        page_label: "第{n}页",
        page_inferred: "",
        page_unknown: "",
        pages: &[],
    };
    // The bare body, as the property tests render it.
    let _ = body::render(&chapter.document, &options, &[], &HashMap::new());
    // The chapter page: every kind of mark, and sidenotes.
    let mut marks: Vec<Mark> = apparatus.marks(0, chapter);
    marks.extend(quotation_index.marks(0).iter().cloned());
    marks.extend(glossary_index.marks(0).iter().cloned());
    marks.extend(book_index.marks(0).iter().cloned());
    let sidenotes = apparatus.sidenotes(0, chapter);
    let rendered = body::render(&chapter.document, &options, &marks, &sidenotes);
    let records: Vec<_> = apparatus
        .views(0, chapter, &rendered)
        .into_iter()
        .map(|(view, loaded)| apparatus::record(chapter, view, loaded))
        .collect();
    let entries: Vec<String> = records.iter().map(|r| r.note.html.clone()).collect();
    let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
    let listed: Vec<&apparatus::NoteRecord> = records.iter().collect();
    for group in apparatus::groups(&listed, true, &apparatus) {
        let mut page = String::new();
        apparatus::fill_groups(&group.html, &listed, &entries, &mut page);
    }
    let _ = apparatus::groups(&listed, false, &apparatus);
    let mut all = crate::render::notes_page::NoteRecords::default();
    all.push(records.into(), 0);
    let _ = crate::render::notes_page::json(&all, None);
    // The print body (notes only) and the EPUB page, which must be
    // well-formed XML (the callers check).
    let epub_input = crate::render::epub::EpubInput {
        edition: &edition,
        strings: &strings,
        apparatus: &apparatus,
        glossary: &glossary_index,
        quotations: &quotation_index,
        book_index: &book_index,
        stylesheet: None,
        writing_mode: crate::theme::WritingMode::Horizontal,
        slugs: std::iter::once(chapter.slug.as_str()).collect(),
    };
    let plain_marks = apparatus.marks(0, chapter);
    let (plain, page) =
        crate::render::epub::plain_body_and_page(0, chapter, &epub_input, &options, &plain_marks)
            .ok()?;
    let _ = apparatus.views(0, chapter, &plain);
    let _ = crate::render::epub::pack_chapter(&chapter.slug, &page);
    Some(page)
}

/// The same one-chapter edition as one TEI document (`render::tei`), with
/// an index of persons and places made of the chapter's own words; it must
/// be well-formed XML, and valid TEI (tests/tei.rs checks the kept inputs
/// with jing).
pub fn chapter_tei(text: &str) -> Option<String> {
    use crate::render::tei::{IndexEntry, IndexKind, TeiInput, document};
    let one = one_chapter(text)?;
    // Two names from the chapter's longest unit: its first two characters
    // and two from its middle.
    let units = one.edition.chapters[0].document.units();
    let longest = units
        .iter()
        .map(|u| u.text)
        .max_by_key(|t| t.chars().count());
    let chars: Vec<char> = longest.unwrap_or_default().chars().collect();
    let index: Vec<IndexEntry> = [(IndexKind::Person, 0), (IndexKind::Place, chars.len() / 2)]
        .into_iter()
        .filter(|&(_, at)| at + 2 <= chars.len())
        .enumerate()
        .map(|(k, (kind, at))| IndexEntry {
            kind,
            id: format!("e{k}"),
            name: chars[at..at + 2].iter().collect(),
            forms: Vec::new(),
            note: None,
        })
        .collect();
    let tei = document(&TeiInput {
        edition: &one.edition,
        notes: &one.notes,
        anchors: &one.anchors,
        quotations: &one.quotations,
        glossary: Some(&one.glossary),
        index: &index,
    });
    // A chapter the build accepts must make a TEI document.
    Some(tei.unwrap_or_else(|e| panic!("no TEI document: {e}")))
}

/// Up to four notes, each quoting a stretch from the middle of one of the
/// chapter's first text units, of several types.
fn standoff_notes(chapter: &Chapter) -> Vec<LoadedNote> {
    let kinds = ["emendation", "gloss", "source", "commentary"];
    chapter
        .document
        .units()
        .iter()
        .filter(|u| !u.text.is_empty())
        .take(kinds.len())
        .enumerate()
        .map(|(k, unit)| {
            let chars: Vec<char> = unit.text.chars().collect();
            let start = chars.len() / 3;
            let len = (chars.len() - start).clamp(1, 6);
            let exact: String = chars[start..start + len].iter().collect();
            let kind = kinds[k];
            LoadedNote {
                note: StandOffNote {
                    id: Some(format!("fuzz-{k}")),
                    chapter: chapter.slug.clone(),
                    kind: kind.to_owned(),
                    exact: exact.clone(),
                    prefix: chars[..start].iter().collect(),
                    suffix: String::new(),
                    occurrence: None,
                    original: (kind == "emendation").then(|| format!("{exact}{exact}")),
                    corrected: (kind == "emendation").then(|| exact.clone()),
                    // The unit's own text as the note's Markdown
                    // (`notes::load` refuses an empty body).
                    body: if unit.text.trim().is_empty() {
                        "*note*".to_owned()
                    } else {
                        unit.text.to_owned()
                    },
                    source_line: None,
                },
                file: PathBuf::from("content/notes/fuzz.yaml"),
                line: 1 + k * 5,
            }
        })
        .collect()
}

/// A glossary as `glossary::load` would accept it (terms unique and not
/// blank, definitions not empty, see-also naming entries), whose terms
/// are words of the chapter: its first units' opening characters, and a
/// word from the title.
fn glossary(chapter: &Chapter) -> enrich::glossary::Glossary {
    let mut terms: Vec<String> = Vec::new();
    for unit in chapter.document.units().iter().take(3) {
        let term: String = unit.text.chars().take(3).collect();
        if !term.trim().is_empty() && !terms.contains(&term) {
            terms.push(term);
        }
    }
    if let Some(word) = chapter.front.title.split_whitespace().next() {
        let word: String = word.chars().take(4).collect();
        if !word.trim().is_empty() && !terms.contains(&word) {
            terms.push(word);
        }
    }
    let entries: Vec<enrich::glossary::Entry> = terms
        .iter()
        .enumerate()
        .map(|(k, term)| enrich::glossary::Entry {
            term: term.clone(),
            aliases: Vec::new(),
            definition: format!("Term *{k}*: {term}"),
            see_also: terms.iter().filter(|t| *t != term).cloned().collect(),
            category: None,
        })
        .collect();
    let lines = (1..=entries.len()).collect();
    enrich::glossary::Glossary {
        entries,
        file: PathBuf::from("content/glossary.yaml"),
        lines,
    }
}

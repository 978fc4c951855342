//! The notes page's entries and `data/notes.json`, made chapter by chapter.
//!
//! Both list every note of the edition, so after an edit `zhushu serve`
//! made both again whole: on a 1,000-piece edition with 6,000 notes that
//! was 80 ms of a 220 ms rebuild, most of it Tera taking every record's
//! values for one template. Each note's entry is now `note-item.html`
//! rendered for it alone, and each chapter's entries and JSON are kept
//! (`RenderCache`) under the key of its records, so that an edit makes
//! again only its own chapter's part. A build without the cache makes the
//! same parts, on every core, and joins them the same way.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Result;
use crate::memo::ChapterMemo;
use crate::model::Edition;
use crate::render::notes::NoteRecord;
use crate::theme::{Theme, template_error};

/// The theme's template for one entry of the notes page.
pub const ITEM: &str = "note-item.html";

/// Every note record of the edition, chapter by chapter in order (shared
/// with the render cache, not copied).
#[derive(Default)]
pub struct NoteRecords {
    pub chapters: Vec<ChapterRecords>,
}

/// One chapter's note records.
pub struct ChapterRecords {
    pub records: Arc<[NoteRecord]>,
    /// The key of its records (with the render cache only; 0 without).
    pub key: u64,
}

impl NoteRecords {
    /// A chapter's records follow the ones before.
    pub fn push(&mut self, records: Arc<[NoteRecord]>, key: u64) {
        self.chapters.push(ChapterRecords { records, key });
    }

    /// Every record, in order.
    pub fn all(&self) -> impl Iterator<Item = &NoteRecord> {
        self.chapters.iter().flat_map(|c| c.records.iter())
    }

    pub fn len(&self) -> usize {
        self.chapters.iter().map(|c| c.records.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Each record's entry for the notes page (aligned with the records), or
/// `None` when the theme has no `note-item.html`. Through `memo`, with the
/// key of what every entry reads beyond its record (the theme, the
/// edition's settings), a chapter whose records are unchanged keeps its
/// entries.
pub fn entries(
    edition: &Edition,
    theme: &Theme,
    notes: &NoteRecords,
    memo: Option<(&ChapterMemo<Arc<[String]>>, u64)>,
) -> Result<Option<Vec<Arc<[String]>>>> {
    if !theme.tera.contains_template(ITEM) {
        return Ok(None);
    }
    let chapters = (notes.chapters.par_iter().enumerate())
        .map(|(i, chapter)| {
            let records = &chapter.records;
            let make =
                || -> Result<Arc<[String]>> { records.iter().map(|r| entry(theme, r)).collect() };
            match memo {
                Some((memo, edition_key)) if !records.is_empty() => {
                    let key = crate::digest::key(|h| {
                        std::hash::Hash::hash(&(edition_key, chapter.key), h)
                    });
                    memo.try_get_or(&edition.chapters[i].slug, key, make)
                }
                _ => make(),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(chapters))
}

/// One note's entry: the item template given `note`, without the blank
/// line its file may end with.
fn entry(theme: &Theme, record: &NoteRecord) -> Result<String> {
    let mut context = tera::Context::new();
    context.insert("note", record);
    let html =
        (theme.tera.render(ITEM, &context)).map_err(|e| template_error(&e, &theme.templates))?;
    Ok(html.trim_end().to_owned())
}

/// `data/notes.json`: `{"notes": [...]}` with every record, as
/// `serde_json::to_string_pretty` writes it, made from each chapter's part
/// (through `memo`, under the chapter's records key).
pub fn json(notes: &NoteRecords, memo: Option<(&ChapterMemo<Arc<str>>, &Edition)>) -> String {
    let mut json = String::from("{\n  \"notes\": [");
    let mut first = true;
    // A batch of chapters' parts at a time, each joined and dropped before
    // the next is made: a large edition's notes.json is tens of megabytes,
    // not to be held twice.
    for (batch, chapters) in notes.chapters.chunks(PARTS_AT_ONCE).enumerate() {
        let parts: Vec<Arc<str>> = (chapters.par_iter().enumerate())
            .filter(|(_, chapter)| !chapter.records.is_empty())
            .map(|(k, chapter)| {
                let make = || json_part(&chapter.records).into();
                match memo {
                    Some((memo, edition)) => {
                        let slug = &edition.chapters[batch * PARTS_AT_ONCE + k].slug;
                        memo.get_or(slug, chapter.key, make)
                    }
                    None => make(),
                }
            })
            .collect();
        for part in parts {
            json.push_str(if first { "\n" } else { ",\n" });
            json.push_str(&part);
            first = false;
        }
    }
    if first {
        return "{\n  \"notes\": []\n}\n".to_owned();
    }
    json.push_str("\n  ]\n}\n");
    json
}

/// Chapters whose parts of notes.json are made side by side.
const PARTS_AT_ONCE: usize = 256;

/// Records as they stand in the list of notes.json: each pretty-printed
/// alone and indented two levels (JSON strings hold no raw line breaks, so
/// every line is the record's own).
fn json_part(records: &[NoteRecord]) -> String {
    let mut part = String::new();
    for (k, record) in records.iter().enumerate() {
        if k > 0 {
            part.push_str(",\n");
        }
        let pretty = serde_json::to_string_pretty(record).expect("notes serialise");
        for (n, line) in pretty.lines().enumerate() {
            if n > 0 {
                part.push('\n');
            }
            part.push_str("    ");
            part.push_str(line);
        }
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::notes::NoteView;

    fn record(chapter: &str, n: usize, html: &str, exact: Option<&str>) -> NoteRecord {
        NoteRecord {
            id: format!("{chapter}-fn-{n}"),
            chapter: chapter.to_owned(),
            chapter_title: format!("《{chapter}》 \"title\""),
            url: format!("{chapter}.html#fn-{n}"),
            note: NoteView {
                number: n,
                anchor: format!("fn-{n}"),
                kind: "footnote".to_owned(),
                kind_label: "注".to_owned(),
                html: html.to_owned(),
                refs: vec![format!("fnref-{n}"), format!("fnref-{n}-2")],
                paragraph: Some(format!("p{n}")),
                exact: exact.map(str::to_owned),
                original: None,
                corrected: None,
            },
            prefix: None,
            suffix: Some("后文".to_owned()),
            occurrence: Some(2),
            body: Some("line one\nline two\ttab".to_owned()),
            file: None,
        }
    }

    /// What notes.json was before it was made chapter by chapter.
    fn whole(records: &[NoteRecord]) -> String {
        #[derive(serde::Serialize)]
        struct Export<'a> {
            notes: &'a [NoteRecord],
        }
        let mut json = serde_json::to_string_pretty(&Export { notes: records }).unwrap();
        json.push('\n');
        json
    }

    #[test]
    fn notes_json_made_chapter_by_chapter_is_the_whole_list_pretty_printed() {
        let chapters: Vec<Vec<NoteRecord>> = vec![
            vec![],
            vec![record("a", 1, "<p>一</p>\n<p>二</p>\n", Some("引“文”"))],
            vec![],
            vec![
                record("b", 1, "", None),
                record("b", 2, "<p>{\"json\": [1, 2]}</p>", Some("  spaces  ")),
                record("b", 3, "\\ back\\slash", None),
            ],
            vec![record("c", 1, "<p>last</p>", None)],
        ];
        for shown in 0..=chapters.len() {
            let mut notes = NoteRecords::default();
            for records in &chapters[..shown] {
                notes.push(records.clone().into(), 0);
            }
            let all: Vec<NoteRecord> = notes.all().cloned().collect();
            assert_eq!(json(&notes, None), whole(&all), "{shown} chapters");
            let parsed: serde_json::Value = serde_json::from_str(&json(&notes, None)).unwrap();
            assert_eq!(parsed["notes"].as_array().unwrap().len(), notes.len());
        }
        // Over several batches of parts, empty chapters at their seams.
        let mut notes = NoteRecords::default();
        for c in 0..2 * PARTS_AT_ONCE + 3 {
            let records = match c % PARTS_AT_ONCE {
                0 | 1 => vec![],
                _ => vec![record(&format!("c{c}"), 1, "<p>x</p>", None)],
            };
            notes.push(records.into(), 0);
        }
        let all: Vec<NoteRecord> = notes.all().cloned().collect();
        assert_eq!(json(&notes, None), whole(&all), "several batches");
    }
}

//! The editorial apparatus as rendered: each chapter's notes (footnotes and
//! stand-off notes) with their HTML, the sidenote form of each, the page
//! that lists every note by type, and `data/notes.json`.

use super::escape_html;
use pulldown_cmark::Parser;
use serde::Serialize;
use std::collections::HashMap;

use crate::enrich::notes::{Anchor, LoadedNote, NOTE_TYPES};
use crate::markdown;
use crate::model::{Chapter, Edition, StandOffNote};
use crate::render::body::{self, Mark, MarkKind, NoteKey, RenderedBody};
use crate::render::raw_html::RawHtml;

/// Stand-off notes rendered once, and where each chapter's notes point.
pub struct Apparatus<'a> {
    notes: &'a [LoadedNote],
    /// Per stand-off note: its block HTML (type-specific lead included).
    html: Vec<String>,
    /// Per stand-off note: whether its Markdown holds raw HTML (parsed
    /// once here, not for every chapter's EPUB page).
    raw_html: Vec<bool>,
    /// Per chapter: (anchor, unit id) of its stand-off notes.
    by_chapter: Vec<Vec<&'a Anchor>>,
    strings: &'a serde_json::Value,
}

/// A note as templates see it (`chapter.notes`) and as notes.json has it.
#[derive(Serialize, Clone)]
pub struct NoteView {
    pub number: usize,
    /// `fn-3`: the endnote's id in the chapter page.
    pub anchor: String,
    /// footnote, source, gloss, emendation, commentary, cross-reference.
    #[serde(rename = "type")]
    pub kind: String,
    pub kind_label: String,
    pub html: String,
    /// Ids of its markers in the text.
    pub refs: Vec<String>,
    /// The paragraph or heading it belongs to.
    pub paragraph: Option<String>,
    pub exact: Option<String>,
    pub original: Option<String>,
    pub corrected: Option<String>,
}

/// One line of the notes page and of notes.json.
#[derive(Serialize, Clone)]
pub struct NoteRecord {
    pub id: String,
    pub chapter: String,
    pub chapter_title: String,
    pub url: String,
    #[serde(flatten)]
    pub note: NoteView,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub occurrence: Option<usize>,
    /// The note as written (Markdown), for stand-off notes.
    pub body: Option<String>,
    pub file: Option<String>,
}

impl<'a> Apparatus<'a> {
    pub fn new(
        edition: &Edition,
        notes: &'a [LoadedNote],
        anchors: &'a [Anchor],
        strings: &'a serde_json::Value,
    ) -> Apparatus<'a> {
        let mut by_chapter: Vec<Vec<&Anchor>> = vec![Vec::new(); edition.chapters.len()];
        for anchor in anchors {
            by_chapter[anchor.chapter].push(anchor);
        }
        let html = notes
            .iter()
            .map(|loaded| standoff_html(&loaded.note, strings, RawHtml::Keep))
            .collect();
        let raw_html = notes
            .iter()
            .map(|loaded| {
                let events: Vec<_> =
                    Parser::new_ext(&loaded.note.body, markdown::options()).collect();
                crate::render::raw_html::events_have_raw_html(&events)
            })
            .collect();
        Apparatus {
            notes,
            html,
            raw_html,
            by_chapter,
            strings,
        }
    }

    /// The marks to cut into chapter `index`'s text.
    pub fn marks(&self, index: usize, chapter: &Chapter) -> Vec<Mark> {
        let units = chapter.document.units();
        self.by_chapter[index]
            .iter()
            .map(|a| Mark {
                events: units[a.unit].events.clone(),
                start: a.start,
                end: a.end,
                kind: MarkKind::Note {
                    key: NoteKey::StandOff(a.note),
                    emended: self.notes[a.note].note.kind == "emendation",
                },
            })
            .collect()
    }

    /// Feeds a chapter's stand-off notes (anchors and notes; their HTML
    /// follows from these and the UI strings, which the edition's part of
    /// the key holds) to the render cache's key.
    pub fn feed_notes(&self, index: usize, hasher: &mut std::hash::DefaultHasher) {
        for anchor in &self.by_chapter[index] {
            crate::digest::feed_debug(hasher, anchor);
            crate::digest::feed_debug(hasher, &self.notes[anchor.note]);
        }
    }

    /// Stand-off note `n`, as loaded.
    pub fn note(&self, n: usize) -> &'a LoadedNote {
        &self.notes[n]
    }

    /// Whether one of the chapter's stand-off notes holds raw HTML.
    pub fn has_raw_html(&self, index: usize) -> bool {
        self.by_chapter[index].iter().any(|a| self.raw_html[a.note])
    }

    /// The inline form of each of the chapter's notes, for sidenotes.
    pub fn sidenotes(&self, index: usize, chapter: &Chapter) -> HashMap<NoteKey, String> {
        let footnotes = chapter
            .document
            .footnotes
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                body::inline_note_html(&body::note_html(&f.events))
                    .map(|h| (NoteKey::Footnote(i), h))
            });
        let standoff = self.by_chapter[index].iter().filter_map(|a| {
            let inline = body::inline_note_html(&self.html[a.note])?;
            let label = self.kind_label(&self.notes[a.note].note.kind);
            Some((
                NoteKey::StandOff(a.note),
                format!(
                    "<span class=\"note-kind\">{}</span>{inline}",
                    escape_html(&label)
                ),
            ))
        });
        footnotes.chain(standoff).collect()
    }

    /// The chapter's notes in number order, for its template and the page
    /// of all notes.
    pub fn views(
        &self,
        index: usize,
        chapter: &Chapter,
        rendered: &RenderedBody,
    ) -> Vec<(NoteView, Option<&LoadedNote>)> {
        self.views_with(index, chapter, rendered, RawHtml::Keep)
    }

    /// The same, the notes' own HTML treated as `raw_html` says (for EPUB
    /// pages, which must be well-formed XML).
    pub fn views_with(
        &self,
        index: usize,
        chapter: &Chapter,
        rendered: &RenderedBody,
        raw_html: RawHtml,
    ) -> Vec<(NoteView, Option<&LoadedNote>)> {
        let units = chapter.document.units();
        let unit_of: HashMap<usize, &str> = self.by_chapter[index]
            .iter()
            .map(|a| (a.note, units[a.unit].id))
            .collect();
        // A footnote belongs to the paragraph of its first marker.
        let mut footnote_paragraph: HashMap<usize, &str> = HashMap::new();
        for unit in &units {
            for event in chapter.document.events_in(unit.events.clone()) {
                if let pulldown_cmark::Event::FootnoteReference(label) = &event
                    && let Some(i) = chapter
                        .document
                        .footnotes
                        .iter()
                        .position(|f| f.label == label.as_ref())
                {
                    footnote_paragraph.entry(i).or_insert(unit.id);
                }
            }
        }
        rendered
            .notes
            .iter()
            .enumerate()
            .map(|(position, (key, refs))| {
                let number = position + 1;
                let (view, loaded) = match *key {
                    NoteKey::Footnote(i) => (
                        NoteView {
                            number,
                            anchor: format!("fn-{number}"),
                            kind: "footnote".to_owned(),
                            kind_label: self.kind_label("footnote"),
                            html: body::note_html_with(
                                &chapter.document.footnotes[i].events,
                                raw_html,
                            ),
                            refs: refs.clone(),
                            paragraph: footnote_paragraph.get(&i).map(|s| s.to_string()),
                            exact: None,
                            original: None,
                            corrected: None,
                        },
                        None,
                    ),
                    NoteKey::StandOff(n) => {
                        let note = &self.notes[n].note;
                        (
                            NoteView {
                                number,
                                anchor: format!("fn-{number}"),
                                kind: note.kind.clone(),
                                kind_label: self.kind_label(&note.kind),
                                html: match raw_html {
                                    RawHtml::Keep => self.html[n].clone(),
                                    _ => standoff_html(note, self.strings, raw_html),
                                },
                                refs: refs.clone(),
                                paragraph: unit_of.get(&n).map(|s| s.to_string()),
                                exact: Some(note.exact.clone()),
                                original: note.original.clone(),
                                corrected: note.corrected.clone(),
                            },
                            Some(&self.notes[n]),
                        )
                    }
                };
                (view, loaded)
            })
            .collect()
    }

    pub fn kind_label(&self, kind: &str) -> String {
        self.strings
            .get("note_kinds")
            .and_then(|k| k.get(kind))
            .and_then(|v| v.as_str())
            .unwrap_or(kind)
            .to_owned()
    }
}

pub fn record(chapter: &Chapter, view: NoteView, loaded: Option<&LoadedNote>) -> NoteRecord {
    let id = match loaded.and_then(|l| l.note.id.clone()) {
        Some(id) => id,
        None => format!("{}-{}", chapter.slug, view.anchor),
    };
    NoteRecord {
        id,
        chapter: chapter.slug.clone(),
        chapter_title: chapter.front.title.clone(),
        url: format!("{}.html#{}", chapter.slug, view.anchor),
        prefix: loaded
            .map(|l| l.note.prefix.clone())
            .filter(|p| !p.is_empty()),
        suffix: loaded
            .map(|l| l.note.suffix.clone())
            .filter(|s| !s.is_empty()),
        occurrence: loaded.and_then(|l| l.note.occurrence),
        body: loaded.map(|l| l.note.body.clone()),
        file: loaded.map(|l| format!("{}:{}", l.file.display(), l.line)),
        note: view,
    }
}

/// Notes grouped by type, in the order of `NOTE_TYPES` (footnotes first).
#[derive(Serialize)]
pub struct NoteGroup<'a> {
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub label: String,
    pub count: usize,
    /// The group's entries (`note-item.html`), each after a line break
    /// (in the page's template, a placeholder for them); empty when the
    /// theme has no such template.
    pub html: String,
    /// The group's records, for a theme without `note-item.html` (empty
    /// when the entries are made: Tera taking every record's values for one
    /// template was most of the page's time).
    pub notes: Vec<&'a NoteRecord>,
}

/// `records` by type. `with_entries`: each group's `html` stands for its
/// entries (`note-item.html`) until `fill_groups` puts them in the page;
/// otherwise the group carries its records.
pub fn groups<'a>(
    records: &[&'a NoteRecord],
    with_entries: bool,
    apparatus: &Apparatus,
) -> Vec<NoteGroup<'a>> {
    std::iter::once("footnote")
        .chain(NOTE_TYPES.iter().copied())
        .map(|kind| {
            let members = || records.iter().filter(move |r| r.note.kind == kind);
            NoteGroup {
                kind,
                label: apparatus.kind_label(kind),
                count: members().count(),
                html: if with_entries {
                    format!("{GROUP_PLACEHOLDER}{kind} -->")
                } else {
                    String::new()
                },
                notes: if with_entries {
                    Vec::new()
                } else {
                    members().copied().collect()
                },
            }
        })
        .filter(|g| g.count > 0)
        .collect()
}

const GROUP_PLACEHOLDER: &str = "<!-- zhushu: the notes of type ";

/// `html` (the notes page made from `groups` with entries) to `out`, each
/// group's placeholder replaced by its entries (`entries`, aligned with
/// `records`), each after a line break: the page's largest part is put in
/// once, not held again as the template's values and in its output.
pub fn fill_groups(html: &str, records: &[&NoteRecord], entries: &[&str], out: &mut String) {
    let (parts, rest) = super::split_at_placeholders(html, GROUP_PLACEHOLDER);
    for (before, kind) in parts {
        out.push_str(before);
        for (record, entry) in records.iter().zip(entries) {
            if record.note.kind == kind {
                out.push('\n');
                out.push_str(entry);
            }
        }
    }
    out.push_str(rest);
}

/// A stand-off note's HTML; an emendation (校勘记) gives the source's
/// reading first.
fn standoff_html(note: &StandOffNote, strings: &serde_json::Value, raw_html: RawHtml) -> String {
    let html = markdown_html(&note.body, raw_html);
    let (Some(original), "emendation") = (&note.original, note.kind.as_str()) else {
        return html;
    };
    let original_reading =
        crate::theme::ui_string(strings, "original_reading", "Source reads “{text}”.");
    let lead = original_reading.replace("{text}", &escape_html(original));
    match html.strip_prefix("<p>") {
        Some(rest) => format!("<p>{lead}{rest}"),
        None => format!("<p>{lead}</p>\n{html}"),
    }
}

/// A note's Markdown as HTML, its author's own HTML treated as `raw_html`
/// says.
pub fn markdown_html(text: &str, raw_html: RawHtml) -> String {
    let events: Vec<_> = Parser::new_ext(text, markdown::options())
        .map(|e| e.into_static())
        .collect();
    body::note_html_with(&events, raw_html)
}

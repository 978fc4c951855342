//! The indexes of persons, places and works as rendered: the index page
//! (`indexes.html`, its print section and EPUB page), each section in
//! dictionary order by initial (pinyin for Chinese) with every place its
//! entry stands, a cited title that is a piece of this edition linked to
//! that piece in the text, and `data/index.json`.

use serde::Serialize;
use std::collections::HashMap;

use super::escape_html;
use crate::enrich::glossary::Place;
use crate::enrich::indexes::{Kind, NameIndex, WorkPlace, initial, sort_key, title_key};
use crate::model::{Edition, TextUnit};
use crate::render::body::{Mark, MarkKind};
use crate::render::glossary::{
    PlaceGroup, PlaceView, Stretch, crosses, place_groups, range_labeller,
};

/// A piece of this edition that a cited title names.
#[derive(Serialize, Clone)]
pub struct PieceLink {
    pub url: String,
    pub title: String,
}

#[derive(Serialize, Clone)]
pub struct IndexEntryView {
    /// `person-3`, `place-1`, `work-2`: the entry's anchor on the page.
    pub id: String,
    pub name: String,
    /// Other forms (of a person or place as the editor lists them; of a
    /// title as the text writes it otherwise).
    pub forms: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dates: Option<String>,
    /// The piece of this edition a title names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub piece: Option<PieceLink>,
    pub initial: String,
    pub count: usize,
    pub places: Vec<PlaceView>,
    /// The same places by piece, each paragraph once.
    pub place_groups: Vec<PlaceGroup>,
}

#[derive(Serialize)]
pub struct IndexLetter<'a> {
    pub letter: String,
    /// `persons-3`: the letter's anchor.
    pub id: String,
    pub entries: Vec<&'a IndexEntryView>,
}

/// One index: persons, places or works.
pub struct IndexSection {
    /// `persons`, `places`, `works`.
    pub kind: &'static str,
    pub title: String,
    /// In dictionary order.
    pub entries: Vec<IndexEntryView>,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub count: usize,
    pub letters: Vec<IndexLetter<'a>>,
}

pub struct BookIndex {
    /// The sections that have entries, in the order persons, places, works.
    pub sections: Vec<IndexSection>,
    /// Links from cited titles to their pieces, per chapter.
    marks: Vec<Vec<Mark>>,
}

/// A place of an entry as the index lists it.
fn place_view(
    edition: &Edition,
    units: &[Vec<TextUnit>],
    chapter: usize,
    unit: usize,
    strings: &serde_json::Value,
) -> PlaceView {
    let c = &edition.chapters[chapter];
    let unit = &units[chapter][unit];
    PlaceView {
        chapter: c.slug.clone(),
        chapter_title: c.front.title.clone(),
        chapter_short_title: c.front.brief_title().to_owned(),
        paragraph: unit.id.to_owned(),
        label: crate::render::place_label(unit, strings),
        url: format!("{}.html#{}", c.slug, unit.id),
    }
}

/// Entries in dictionary order, given ids `prefix-N` in that order.
fn ordered(mut entries: Vec<IndexEntryView>, prefix: &str) -> Vec<IndexEntryView> {
    entries.sort_by_cached_key(|e| (sort_key(&e.name), e.name.clone()));
    for (n, entry) in entries.iter_mut().enumerate() {
        entry.id = format!("{prefix}-{}", n + 1);
    }
    entries
}

impl BookIndex {
    /// `taken`: what notes and quotations mark in each chapter, which a
    /// title's link may not cut across; `terms`: where the glossary links
    /// its terms, which it may hold whole (they are then not linked, see
    /// `GlossaryIndex::drop_marks_within`) but not cut across.
    pub fn new(
        edition: &Edition,
        names: Option<&NameIndex>,
        name_places: &[Place],
        works: &[WorkPlace],
        taken: &[Vec<Stretch>],
        terms: &[Vec<Stretch>],
        strings: &serde_json::Value,
    ) -> BookIndex {
        let units: Vec<Vec<TextUnit>> = edition
            .chapters
            .iter()
            .map(|c| c.document.units())
            .collect();
        let range_label = range_labeller(strings);
        let title =
            |key: &str, default: &str| crate::theme::ui_string(strings, key, default).to_owned();
        let mut sections = Vec::new();
        if let Some(names) = names {
            for (kind, key, prefix, default) in [
                (Kind::Person, "persons", "person", "Persons"),
                (Kind::Place, "places", "place", "Places"),
            ] {
                let mut views: HashMap<usize, IndexEntryView> = HashMap::new();
                for (k, entry) in names
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.kind == kind)
                {
                    views.insert(
                        k,
                        IndexEntryView {
                            id: String::new(),
                            name: entry.name.clone(),
                            forms: entry.forms.clone(),
                            identification: Some(entry.identification.clone()),
                            dates: entry.dates.clone(),
                            piece: None,
                            initial: initial(&entry.name),
                            count: 0,
                            places: Vec::new(),
                            place_groups: Vec::new(),
                        },
                    );
                }
                for place in name_places {
                    if let Some(view) = views.get_mut(&place.entry) {
                        view.count += 1;
                        view.places.push(place_view(
                            edition,
                            &units,
                            place.chapter,
                            place.unit,
                            strings,
                        ));
                    }
                }
                let mut entries: Vec<IndexEntryView> = views.into_values().collect();
                for entry in &mut entries {
                    entry.place_groups = place_groups(&entry.places, &range_label);
                }
                if !entries.is_empty() {
                    sections.push(IndexSection {
                        kind: key,
                        title: title(&format!("index_{key}_title"), default),
                        entries: ordered(entries, prefix),
                    });
                }
            }
        }
        // Works: one entry for each title, however its dashes and spaces
        // are written, and one for each piece of this edition however it
        // is cited (with or without its subtitle); the longest form names
        // it.
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut entries: Vec<IndexEntryView> = Vec::new();
        for work in works {
            let key = match work.piece {
                Some(p) => format!("\u{0}piece {p}"),
                None => title_key(&work.title),
            };
            let k = *by_key.entry(key).or_insert_with(|| {
                entries.push(IndexEntryView {
                    id: String::new(),
                    name: work.title.clone(),
                    forms: Vec::new(),
                    identification: None,
                    dates: None,
                    piece: work.piece.map(|p| {
                        let c = &edition.chapters[p];
                        PieceLink {
                            url: format!("{}.html", c.slug),
                            title: c.front.title.clone(),
                        }
                    }),
                    initial: initial(&work.title),
                    count: 0,
                    places: Vec::new(),
                    place_groups: Vec::new(),
                });
                entries.len() - 1
            });
            let entry = &mut entries[k];
            if entry.name != work.title && !entry.forms.contains(&work.title) {
                if work.title.chars().count() > entry.name.chars().count() {
                    let shorter = std::mem::replace(&mut entry.name, work.title.clone());
                    entry.initial = initial(&entry.name);
                    entry.forms.push(shorter);
                } else {
                    entry.forms.push(work.title.clone());
                }
            }
            entry.count += 1;
            entry.places.push(place_view(
                edition,
                &units,
                work.chapter,
                work.unit,
                strings,
            ));
        }
        for entry in &mut entries {
            entry.place_groups = place_groups(&entry.places, &range_label);
        }
        if !entries.is_empty() {
            sections.push(IndexSection {
                kind: "works",
                title: title("index_works_title", "Works"),
                entries: ordered(entries, "work"),
            });
        }
        // In the text, a title that is a piece of this edition leads to it.
        let mut marks: Vec<Vec<Mark>> = vec![Vec::new(); edition.chapters.len()];
        for work in works {
            let Some(piece) = work.piece else { continue };
            let unit = &units[work.chapter][work.unit];
            let place = Place {
                entry: 0,
                chapter: work.chapter,
                unit: work.unit,
                start: work.start,
                end: work.end,
                linked: true,
            };
            let cuts_a_term = terms.get(work.chapter).is_some_and(|terms| {
                terms.iter().any(|(events, start, end)| {
                    *events == unit.events.clone()
                        && *start < work.end
                        && work.start < *end
                        && !(work.start <= *start && *end <= work.end)
                })
            });
            if cuts_a_term || crosses(&taken[work.chapter], unit, &place) {
                continue;
            }
            marks[work.chapter].push(Mark {
                events: unit.events.clone(),
                start: work.start,
                end: work.end,
                kind: MarkKind::Wrap {
                    open: format!(
                        "<a class=\"work-link\" href=\"{}.html\">",
                        escape_html(&edition.chapters[piece].slug)
                    ),
                    close: Some("</a>".to_owned()),
                    after: String::new(),
                },
            });
        }
        BookIndex { sections, marks }
    }

    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The links from cited titles to their pieces in chapter `i`.
    pub fn marks(&self, chapter: usize) -> &[Mark] {
        &self.marks[chapter]
    }

    /// Where the links of chapter `i` lie, for the glossary to keep out of.
    pub fn stretches(&self, chapter: usize) -> Vec<Stretch> {
        self.marks[chapter]
            .iter()
            .map(|m| (m.events.clone(), m.start, m.end))
            .collect()
    }

    /// The sections with their entries under their initials, for the page
    /// and the print section.
    pub fn views(&self) -> Vec<SectionView<'_>> {
        self.sections
            .iter()
            .map(|section| {
                let mut letters: Vec<IndexLetter> = Vec::new();
                for entry in &section.entries {
                    match letters.last_mut() {
                        Some(l) if l.letter == entry.initial => l.entries.push(entry),
                        _ => letters.push(IndexLetter {
                            letter: entry.initial.clone(),
                            id: format!("{}-{}", section.kind, letters.len() + 1),
                            entries: vec![entry],
                        }),
                    }
                }
                SectionView {
                    kind: section.kind,
                    title: &section.title,
                    count: section.entries.len(),
                    letters,
                }
            })
            .collect()
    }

    /// `data/index.json`: persons, places and works, each with its places.
    pub fn json(&self) -> String {
        let mut export = serde_json::Map::new();
        for kind in ["persons", "places", "works"] {
            let entries = self
                .sections
                .iter()
                .find(|s| s.kind == kind)
                .map(|s| serde_json::to_value(&s.entries).expect("index entries serialise"))
                .unwrap_or_else(|| serde_json::Value::Array(Vec::new()));
            export.insert(kind.to_owned(), entries);
        }
        let mut json = serde_json::to_string_pretty(&export).expect("the index serialises");
        json.push('\n');
        json
    }
}

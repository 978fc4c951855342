//! The glossary as rendered: linked terms in the text with their definition
//! in a popover (a plain link to the glossary without script or hover), the
//! glossary page in dictionary order with every place a term stands, and
//! `data/glossary.json`.

use super::escape_html;
use pulldown_cmark::Parser;
use serde::Serialize;

use crate::enrich::glossary::{Glossary, Place, initial, sort_key};
use crate::markdown;
use crate::model::{Edition, TextUnit};
use crate::render::body::{self, Mark, MarkKind};

#[derive(Serialize, Clone)]
pub struct PlaceView {
    pub chapter: String,
    pub chapter_title: String,
    /// The title as lists of places give it (`FrontMatter::brief_title`).
    pub chapter_short_title: String,
    pub paragraph: String,
    pub label: String,
    pub url: String,
}

/// An entry's places in one piece: the piece's title once, then each
/// paragraph once (a term twice in a paragraph is one place to look), and
/// a run of three or more paragraphs in a row as one range (第7—9段).
#[derive(Serialize, Clone)]
pub struct PlaceGroup {
    pub chapter: String,
    pub chapter_title: String,
    pub chapter_short_title: String,
    pub places: Vec<PlaceView>,
}

/// `places` (in reading order) grouped by piece, each paragraph once, runs
/// of paragraphs as ranges labelled by `range_label(from, to)`.
pub(crate) fn place_groups(
    places: &[PlaceView],
    range_label: &dyn Fn(u32, u32) -> String,
) -> Vec<PlaceGroup> {
    let mut groups: Vec<PlaceGroup> = Vec::new();
    for place in places {
        match groups.last_mut() {
            Some(group) if group.chapter == place.chapter => {
                if !group.places.iter().any(|p| p.url == place.url) {
                    group.places.push(place.clone());
                }
            }
            _ => groups.push(PlaceGroup {
                chapter: place.chapter.clone(),
                chapter_title: place.chapter_title.clone(),
                chapter_short_title: place.chapter_short_title.clone(),
                places: vec![place.clone()],
            }),
        }
    }
    for group in &mut groups {
        group.places = ranges(std::mem::take(&mut group.places), range_label);
    }
    groups
}

/// The theme's `paragraph_range_label` with its numbers: 第7—9段.
pub(crate) fn range_labeller(strings: &serde_json::Value) -> impl Fn(u32, u32) -> String + '_ {
    let template = crate::theme::ui_string(strings, "paragraph_range_label", "¶¶ {from}–{to}");
    move |from, to| {
        template
            .replace("{from}", &from.to_string())
            .replace("{to}", &to.to_string())
    }
}

/// The paragraph number of a place in a paragraph (`p12` → 12).
fn paragraph_number(place: &PlaceView) -> Option<u32> {
    place.paragraph.strip_prefix('p')?.parse().ok()
}

/// Runs of three or more paragraphs in a row, each made one place: the
/// link to its first paragraph, labelled with the range.
fn ranges(places: Vec<PlaceView>, range_label: &dyn Fn(u32, u32) -> String) -> Vec<PlaceView> {
    let mut out: Vec<PlaceView> = Vec::new();
    let mut run: Vec<PlaceView> = Vec::new();
    let flush = |run: &mut Vec<PlaceView>, out: &mut Vec<PlaceView>| {
        if run.len() >= 3 {
            let (from, to) = (
                paragraph_number(&run[0]),
                paragraph_number(&run[run.len() - 1]),
            );
            let mut first = run[0].clone();
            first.label = range_label(from.unwrap_or(0), to.unwrap_or(0));
            out.push(first);
            run.clear();
        } else {
            out.append(run);
        }
    };
    for place in places {
        let follows = match (
            run.last().and_then(paragraph_number),
            paragraph_number(&place),
        ) {
            (Some(last), Some(n)) => n == last + 1,
            _ => false,
        };
        if !follows {
            flush(&mut run, &mut out);
        }
        if paragraph_number(&place).is_some() {
            run.push(place);
        } else {
            out.push(place);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[derive(Serialize, Clone)]
pub struct SeeAlso {
    pub term: String,
    pub id: String,
}

#[derive(Serialize, Clone)]
pub struct EntryView {
    /// `g3`: the entry's anchor on the glossary page.
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub category: Option<String>,
    /// The definition as written (Markdown) and as HTML.
    pub definition: String,
    pub definition_html: String,
    pub see_also: Vec<SeeAlso>,
    pub initial: String,
    pub count: usize,
    pub places: Vec<PlaceView>,
    /// The same places by piece, for a compact list.
    pub place_groups: Vec<PlaceGroup>,
}

#[derive(Serialize)]
pub struct Letter<'a> {
    pub letter: String,
    pub entries: Vec<&'a EntryView>,
}

/// Where another mark lies: a unit's events and a character range.
pub type Stretch = (std::ops::Range<usize>, usize, usize);

pub struct GlossaryIndex {
    /// In dictionary order.
    pub entries: Vec<EntryView>,
    marks: Vec<Vec<Mark>>,
}

/// Entry `k` as the glossary page and glossary.json show it, before its
/// places are counted.
fn entry_view(glossary: &Glossary, k: usize, id_of: &[String], definition_html: &str) -> EntryView {
    let e = &glossary.entries[k];
    EntryView {
        id: id_of[k].clone(),
        term: e.term.clone(),
        aliases: e.aliases.clone(),
        category: e.category.clone(),
        definition: e.definition.clone(),
        definition_html: definition_html.to_owned(),
        see_also: e
            .see_also
            .iter()
            .filter_map(|t| glossary.entries.iter().position(|o| &o.term == t))
            .map(|o| SeeAlso {
                term: glossary.entries[o].term.clone(),
                id: id_of[o].clone(),
            })
            .collect(),
        initial: initial(&e.term),
        count: 0,
        places: Vec::new(),
        place_groups: Vec::new(),
    }
}

/// A link may not cut across another marked stretch of its unit (a
/// quotation, an emended reading): the markup must nest. Nor hold
/// another's marker (itself a link) inside it.
pub(crate) fn crosses(taken: &[Stretch], unit: &TextUnit, place: &Place) -> bool {
    taken.iter().any(|(events, start, end)| {
        let same_unit = *events == unit.events.clone();
        let partial = *start < place.end
            && place.start < *end
            && !(*start <= place.start && place.end <= *end)
            && !(place.start <= *start && *end <= place.end);
        let marker_inside = place.start < *end && *end < place.end;
        same_unit && (partial || marker_inside)
    })
}

/// A linked term: the link to its entry, and its definition right after
/// the link, in the same cut, so that nothing comes between them
/// (`a.term + .term-pop`).
fn term_link(id: &str, pop_id: &str, term: &str, definition_html: &str) -> MarkKind {
    let inline = body::inline_note_html(definition_html).unwrap_or_default();
    MarkKind::Wrap {
        open: format!(
            "<a class=\"term\" href=\"glossary.html#{id}\" aria-describedby=\"{pop_id}\">"
        ),
        close: Some(format!(
            "</a><span class=\"term-pop\" role=\"tooltip\" id=\"{pop_id}\"><span class=\"term-pop-term\">{}</span> {inline}</span>",
            escape_html(term)
        )),
        after: String::new(),
    }
}

impl GlossaryIndex {
    pub fn new(
        edition: &Edition,
        glossary: Option<&Glossary>,
        places: &[Place],
        taken: &[Vec<Stretch>],
        strings: &serde_json::Value,
    ) -> GlossaryIndex {
        let Some(glossary) = glossary else {
            return GlossaryIndex {
                entries: Vec::new(),
                marks: vec![Vec::new(); edition.chapters.len()],
            };
        };
        let label = |unit: &TextUnit| crate::render::place_label(unit, strings);
        let units: Vec<Vec<TextUnit>> = edition
            .chapters
            .iter()
            .map(|c| c.document.units())
            .collect();
        let mut order: Vec<usize> = (0..glossary.entries.len()).collect();
        order.sort_by_key(|&k| {
            (
                sort_key(&glossary.entries[k].term),
                glossary.entries[k].term.clone(),
            )
        });
        // Each entry's id, and its position in dictionary order.
        let mut id_of = vec![String::new(); glossary.entries.len()];
        let mut position = vec![0; glossary.entries.len()];
        for (n, &k) in order.iter().enumerate() {
            id_of[k] = format!("g{}", n + 1);
            position[k] = n;
        }
        let definitions: Vec<String> = glossary
            .entries
            .iter()
            .map(|e| markdown_html(&e.definition))
            .collect();
        let mut entries: Vec<EntryView> = order
            .iter()
            .map(|&k| entry_view(glossary, k, &id_of, &definitions[k]))
            .collect();
        let mut marks: Vec<Vec<Mark>> = vec![Vec::new(); edition.chapters.len()];
        let mut popovers = vec![0usize; edition.chapters.len()];
        for place in places {
            let chapter = &edition.chapters[place.chapter];
            let unit = &units[place.chapter][place.unit];
            let view = &mut entries[position[place.entry]];
            view.count += 1;
            view.places.push(PlaceView {
                chapter: chapter.slug.clone(),
                chapter_title: chapter.front.title.clone(),
                chapter_short_title: chapter.front.brief_title().to_owned(),
                paragraph: unit.id.to_owned(),
                label: label(unit),
                url: format!("{}.html#{}", chapter.slug, unit.id),
            });
            if !place.linked || crosses(&taken[place.chapter], unit, place) {
                continue;
            }
            popovers[place.chapter] += 1;
            let pop_id = format!("tp-{}", popovers[place.chapter]);
            marks[place.chapter].push(Mark {
                events: unit.events.clone(),
                start: place.start,
                end: place.end,
                kind: term_link(
                    &id_of[place.entry],
                    &pop_id,
                    &glossary.entries[place.entry].term,
                    &definitions[place.entry],
                ),
            });
        }
        let range_label = range_labeller(strings);
        for entry in &mut entries {
            entry.place_groups = place_groups(&entry.places, &range_label);
        }
        GlossaryIndex { entries, marks }
    }

    pub fn marks(&self, chapter: usize) -> &[Mark] {
        &self.marks[chapter]
    }

    /// Leaves out the links to terms that stand inside one of `links`
    /// (another link of the text, such as a cited title that leads to its
    /// piece): a link may not hold another.
    pub fn drop_marks_within(&mut self, chapter: usize, links: &[Stretch]) {
        self.marks[chapter].retain(|m| {
            !links
                .iter()
                .any(|(events, start, end)| *events == m.events && *start < m.end && m.start < *end)
        });
    }

    /// Entries grouped under their initial letter, in dictionary order.
    pub fn letters(&self) -> Vec<Letter<'_>> {
        let mut letters: Vec<Letter> = Vec::new();
        for entry in &self.entries {
            match letters.last_mut() {
                Some(l) if l.letter == entry.initial => l.entries.push(entry),
                _ => letters.push(Letter {
                    letter: entry.initial.clone(),
                    entries: vec![entry],
                }),
            }
        }
        letters
    }

    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Export<'a> {
            entries: &'a [EntryView],
        }
        let mut json = serde_json::to_string_pretty(&Export {
            entries: &self.entries,
        })
        .expect("glossary serialises");
        json.push('\n');
        json
    }
}

fn markdown_html(text: &str) -> String {
    let events: Vec<_> = Parser::new_ext(text, markdown::options())
        .map(|e| e.into_static())
        .collect();
    body::note_html(&events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(chapter: &str, paragraph: &str) -> PlaceView {
        PlaceView {
            chapter: chapter.to_owned(),
            chapter_title: format!("{chapter} 的长标题——副题"),
            chapter_short_title: chapter.to_owned(),
            paragraph: paragraph.to_owned(),
            label: format!("第{}段", &paragraph[1..]),
            url: format!("{chapter}.html#{paragraph}"),
        }
    }

    #[test]
    fn places_in_a_piece_are_listed_once_and_runs_as_ranges() {
        let places: Vec<PlaceView> = [
            ("a", "p2"),
            ("a", "p2"),
            ("a", "p7"),
            ("a", "p8"),
            ("a", "p9"),
            ("a", "p11"),
            ("a", "p12"),
            ("b", "p1"),
            ("b", "hx"),
            ("b", "p2"),
        ]
        .iter()
        .map(|(c, p)| place(c, p))
        .collect();
        let range = |from: u32, to: u32| format!("第{from}—{to}段");
        let groups = place_groups(&places, &range);
        let labels = |g: &PlaceGroup| g.places.iter().map(|p| p.label.clone()).collect::<Vec<_>>();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].chapter_short_title, "a");
        // A run of two stays two places; three or more become a range that
        // leads to its first paragraph.
        assert_eq!(labels(&groups[0]), ["第2段", "第7—9段", "第11段", "第12段"]);
        assert_eq!(groups[0].places[1].url, "a.html#p7");
        assert_eq!(labels(&groups[1]), ["第1段", "第x段", "第2段"]);
    }
}

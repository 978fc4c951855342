//! Recurring quotations as rendered: each occurrence wrapped and followed
//! by a marker whose popover lists the other places (chapter, paragraph,
//! a snippet with the differing characters highlighted, the origin
//! distinguished); the index page of all quotations; and
//! `data/quotations.json`.

use super::escape_html;
use rayon::prelude::*;
use serde::Serialize;

use crate::enrich::quotations::{Kind, Quotation};
use crate::model::Edition;
use crate::render::body::{Mark, MarkKind};
use crate::render::glossary::Stretch;

/// Places listed in an occurrence's popover; the rest are on the index page.
const MAX_IN_POPOVER: usize = 6;

/// One place, as the index page and the JSON export give it.
#[derive(Serialize, Clone)]
pub struct PlaceView {
    /// The chapter's slug.
    pub chapter: String,
    pub chapter_title: String,
    /// The title as the index lists it (`FrontMatter::brief_title`).
    pub chapter_short_title: String,
    /// Position of the chapter in the edition, from 1.
    pub order: usize,
    /// The paragraph's (or heading's) id: `p12`.
    pub paragraph: String,
    /// How readers see the place: `第12段`, or the heading's text.
    pub label: String,
    pub url: String,
    /// Exactly as it stands there.
    pub text: String,
    /// Differs from the origin's wording.
    pub variant: bool,
    pub origin: bool,
    /// The origin's text with what this place lacks or changes highlighted.
    pub diff_html: String,
}

#[derive(Serialize, Clone)]
pub struct QuotationView<'a> {
    /// `q3`: anchor on the index page.
    pub id: String,
    /// `quotation` (somebody's words) or `formula` (an enumeration or
    /// coinage): the index lists them apart.
    pub kind: Kind,
    pub number: usize,
    pub text: String,
    pub count: usize,
    /// Serialised as a list of `PlaceView`.
    pub places: Places<'a>,
    /// The list of its places as a marker's popover shows it.
    #[serde(skip)]
    pub popover: String,
}

/// A passage's places as the index holds them all through the render: what
/// cannot be had again cheaply, the rest read again from the edition and
/// the passage when a view of them is made (`views`). A large edition's
/// passages have a hundred thousand places or more; held as `PlaceView`s,
/// each with its titles, address, words and differences, they were a
/// hundred megabytes of a 10,000-piece build's peak.
#[derive(Clone)]
pub struct Places<'a> {
    edition: &'a Edition,
    quotation: &'a Quotation,
    list: Vec<Place<'a>>,
}

/// One place (`quotation.occurrences[occurrence]`), compact.
#[derive(Clone)]
struct Place<'a> {
    occurrence: usize,
    /// The paragraph's (or heading's) id.
    paragraph: &'a str,
    label: String,
    /// Its differences from the origin's words, where they are more than
    /// the words themselves escaped.
    diff_html: Option<Box<str>>,
    variant: bool,
}

impl<'a> Places<'a> {
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every place as the index page, the popovers and the exports show it.
    pub fn views(&self) -> Vec<PlaceView> {
        (self.list.iter()).map(|place| self.view(place)).collect()
    }

    fn view(&self, place: &Place) -> PlaceView {
        let o = &self.quotation.occurrences[place.occurrence];
        let chapter = &self.edition.chapters[o.chapter];
        PlaceView {
            chapter: chapter.slug.clone(),
            chapter_title: chapter.front.title.clone(),
            chapter_short_title: chapter.front.brief_title().to_owned(),
            order: chapter.number,
            paragraph: place.paragraph.to_owned(),
            label: place.label.clone(),
            url: format!("{}.html#{}", chapter.slug, place.paragraph),
            text: o.text.clone(),
            variant: place.variant,
            origin: place.occurrence == self.quotation.origin,
            diff_html: match &place.diff_html {
                Some(diff) => diff.to_string(),
                None => escape_html(&o.text),
            },
        }
    }
}

impl Serialize for Places<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.list.len()))?;
        for place in &self.list {
            seq.serialize_element(&self.view(place))?;
        }
        seq.end()
    }
}

/// A passage as the quotations index lists it: its view without its
/// places, and its entry's HTML (`quotation-item.html` rendered for it).
#[derive(Serialize)]
pub struct QuotationEntry {
    pub id: String,
    pub kind: Kind,
    pub number: usize,
    pub text: String,
    pub count: usize,
    pub html: String,
}

impl QuotationEntry {
    pub fn new(view: &QuotationView, html: String) -> QuotationEntry {
        QuotationEntry {
            id: view.id.clone(),
            kind: view.kind,
            number: view.number,
            text: view.text.clone(),
            count: view.count,
            html,
        }
    }
}

pub struct QuotationIndex<'a> {
    pub views: Vec<QuotationView<'a>>,
    /// Per chapter: where its passages stand, made into marks when it is
    /// rendered (a large edition's hundred thousand places would otherwise
    /// hold their markup, the same for every place of a passage, all
    /// through the render).
    places: Vec<Vec<MarkPlace>>,
    /// Per view: the marker after each of its places.
    markers: Vec<String>,
    /// Per chapter: the views that stand in it, each once.
    on_page: Vec<Vec<usize>>,
}

/// Where a passage stands in a chapter: a stretch of a unit's text.
#[derive(Clone)]
struct MarkPlace {
    /// The unit's events.
    events: std::ops::Range<usize>,
    start: usize,
    end: usize,
    /// The passage's view.
    view: usize,
}

/// A passage's places as the index holds them, each with its differences
/// from the origin's words.
fn places<'a>(
    edition: &'a Edition,
    units: &[Vec<crate::model::TextUnit<'a>>],
    q: &'a Quotation,
    strings: &serde_json::Value,
) -> Places<'a> {
    let origin_text = q.text();
    let list = (q.occurrences.iter().enumerate())
        .map(|(k, o)| {
            let unit = &units[o.chapter][o.unit];
            let diff = diff_html(&o.text, origin_text);
            Place {
                occurrence: k,
                paragraph: unit.id,
                label: crate::render::place_label(unit, strings),
                diff_html: (diff != escape_html(&o.text)).then(|| diff.into()),
                variant: normalized(&o.text) != normalized(origin_text),
            }
        })
        .collect();
    Places {
        edition,
        quotation: q,
        list,
    }
}

/// The theme's words for a passage's marker and its popover.
struct Labels {
    origin: String,
    see_also: String,
    marker: String,
    symbol: String,
    more: String,
}

impl Labels {
    fn new(strings: &serde_json::Value) -> Labels {
        let string =
            |key: &str, default: &str| crate::theme::ui_string(strings, key, default).to_owned();
        Labels {
            origin: string("quotation_origin", "origin"),
            see_also: string("quotation_see_also", "Also in:"),
            marker: string(
                "quotation_marker_label",
                "Quotation {n}, also in {k} places",
            ),
            symbol: string("quotation_marker", "❝"),
            more: string("quotation_more", "{n} more places in the index"),
        }
    }

    /// The list of places is made once per passage, however many times it
    /// stands: each page carries it once, in a <template> that notes.js
    /// copies into the marker's popover when it is first opened, leaving
    /// out the place the reader is at. A paragraph that quotes one passage
    /// hundreds of times would otherwise carry hundreds of copies of the
    /// list.
    fn popover(&self, places: &[PlaceView], id: &str) -> String {
        let mut listed: Vec<&PlaceView> = places.iter().collect();
        listed.sort_by_key(|p| !p.origin);
        let hidden = (places.len() - 1).saturating_sub(MAX_IN_POPOVER);
        // One more than shown: the reader's own place, when listed, is
        // dropped, else the last.
        listed.truncate(MAX_IN_POPOVER + 1);
        let mut pop = format!(
            "<span class=\"quote-pop-title\">{}</span>",
            escape_html(&self.see_also)
        );
        for p in &listed {
            pop.push_str(&format!(
                "<a class=\"quote-place{}\" href=\"{}\"><span class=\"quote-where\">{}<span class=\"quote-at\">{}</span>{}</span><span class=\"quote-snippet\">{}</span></a>",
                if p.origin { " origin" } else { "" },
                escape_html(&p.url),
                escape_html(&p.chapter_title),
                escape_html(&p.label),
                if p.origin { format!("<span class=\"quote-origin\">{}</span>", escape_html(&self.origin)) } else { String::new() },
                p.diff_html
            ));
        }
        if hidden > 0 {
            pop.push_str(&format!(
                "<a class=\"quote-place quote-more\" href=\"quotations.html#{id}\">{}</a>",
                escape_html(&self.more.replace("{n}", &hidden.to_string()))
            ));
        }
        pop
    }

    /// The marker after each place of passage `n`, with an empty popover
    /// for notes.js to fill. The word joiner keeps it on the line of the
    /// passage it follows, as a note number is kept.
    fn marker(&self, id: &str, n: usize, others: usize) -> String {
        let label = self
            .marker
            .replace("{n}", &n.to_string())
            .replace("{k}", &others.to_string());
        format!(
            "<span class=\"quote-mark\">&#x2060;<a class=\"quote-ref\" href=\"quotations.html#{id}\" aria-label=\"{}\">{}</a><span class=\"quote-pop\"></span></span>",
            escape_html(&label),
            escape_html(&self.symbol)
        )
    }
}

/// The passages in the index's order, which numbers them (`q1`, `q2`,
/// ...): quotations, then formulas; most-quoted first, then in reading
/// order.
pub fn order(quotations: &[Quotation]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..quotations.len()).collect();
    order.sort_by_key(|&i| {
        (
            quotations[i].kind,
            std::cmp::Reverse(quotations[i].occurrences.len()),
        )
    });
    order
}

impl<'a> QuotationIndex<'a> {
    pub fn new(
        edition: &'a Edition,
        quotations: &'a [Quotation],
        strings: &serde_json::Value,
    ) -> QuotationIndex<'a> {
        let labels = Labels::new(strings);
        let units: Vec<Vec<crate::model::TextUnit>> = edition
            .chapters
            .par_iter()
            .map(|c| c.document.units())
            .collect();
        let order = order(quotations);
        // Each passage's places, with their differences from the origin's
        // words, on every core: a large edition's passages have a hundred
        // thousand places or more.
        let views: Vec<QuotationView> = order
            .par_iter()
            .enumerate()
            .map(|(n, &i)| {
                let q = &quotations[i];
                let id = format!("q{}", n + 1);
                let places = places(edition, &units, q, strings);
                QuotationView {
                    popover: labels.popover(&places.views(), &id),
                    id,
                    kind: q.kind,
                    number: n + 1,
                    text: q.text().to_owned(),
                    count: places.len(),
                    places,
                }
            })
            .collect();
        let mut places: Vec<Vec<MarkPlace>> = vec![Vec::new(); edition.chapters.len()];
        let mut on_page: Vec<Vec<usize>> = vec![Vec::new(); edition.chapters.len()];
        let markers = (views.iter().enumerate())
            .map(|(n, view)| labels.marker(&view.id, n + 1, view.count - 1))
            .collect();
        for (view, &i) in order.iter().enumerate() {
            for o in &quotations[i].occurrences {
                places[o.chapter].push(MarkPlace {
                    events: units[o.chapter][o.unit].events.clone(),
                    start: o.start,
                    end: o.end,
                    view,
                });
                if on_page[o.chapter].last() != Some(&view) {
                    on_page[o.chapter].push(view);
                }
            }
        }
        QuotationIndex {
            views,
            places,
            markers,
            on_page,
        }
    }

    /// The lists of places of the passages that stand in `chapter`, once
    /// each, for its page: `<template id="qp-q3">` holds passage q3's.
    pub fn templates(&self, chapter: usize) -> String {
        let mut html = String::new();
        for &v in &self.on_page[chapter] {
            let view = &self.views[v];
            html.push_str(&format!(
                "<template id=\"qp-{}\">{}</template>",
                view.id, view.popover
            ));
        }
        html
    }

    /// Where `chapter`'s passages stand, without their markup.
    pub fn stretches(&self, chapter: usize) -> impl Iterator<Item = Stretch> + '_ {
        (self.places[chapter].iter()).map(|place| (place.events.clone(), place.start, place.end))
    }

    /// The marks to cut into `chapter`'s text: each place of a passage
    /// wrapped, its marker after it.
    pub fn marks(&self, chapter: usize) -> Vec<Mark> {
        (self.places[chapter].iter())
            .map(|place| Mark {
                events: place.events.clone(),
                start: place.start,
                end: place.end,
                kind: MarkKind::Wrap {
                    open: format!(
                        "<span class=\"quote-occ\" data-quotation=\"{}\">",
                        self.views[place.view].id
                    ),
                    close: None,
                    after: self.markers[place.view].clone(),
                },
            })
            .collect()
    }

    /// What `chapter`'s page reads of the passages beyond its own marks,
    /// into a render cache key: their lists of places, which name the
    /// paragraphs of other chapters (a paragraph added there renumbers
    /// them).
    pub fn feed_places(&self, chapter: usize, h: &mut impl std::hash::Hasher) {
        for &v in &self.on_page[chapter] {
            std::hash::Hash::hash(&self.views[v].popover, h);
        }
    }

    /// `data/quotations.json`: `{"quotations": [{"id", "kind", "text", "origin":
    /// {"chapter", "paragraph"}, "occurrences": [{"chapter", "order",
    /// "paragraph", "text", "variant"}]}]}`.
    pub fn json(&self) -> String {
        let mut json = Vec::new();
        self.write_json(&mut json)
            .expect("writing to memory cannot fail");
        String::from_utf8(json).expect("serde_json writes UTF-8")
    }

    /// `json`, written to `out` as it is made: a large edition's is tens of
    /// megabytes.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        #[derive(Serialize)]
        struct Origin<'a> {
            chapter: &'a str,
            paragraph: &'a str,
        }
        #[derive(Serialize)]
        struct Occurrence<'a> {
            chapter: &'a str,
            order: usize,
            paragraph: &'a str,
            text: &'a str,
            variant: bool,
        }
        #[derive(Serialize)]
        struct Entry<'a> {
            id: &'a str,
            kind: Kind,
            text: &'a str,
            origin: Origin<'a>,
            occurrences: Vec<Occurrence<'a>>,
        }
        /// A passage's entry, its places made when it is written.
        struct EntryOf<'v, 'a>(&'v QuotationView<'a>);
        impl Serialize for EntryOf<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let q = self.0;
                let places = q.places.views();
                let origin = places.iter().find(|p| p.origin).unwrap_or(&places[0]);
                Entry {
                    id: &q.id,
                    kind: q.kind,
                    text: &q.text,
                    origin: Origin {
                        chapter: &origin.chapter,
                        paragraph: &origin.paragraph,
                    },
                    occurrences: (places.iter())
                        .map(|p| Occurrence {
                            chapter: &p.chapter,
                            order: p.order,
                            paragraph: &p.paragraph,
                            text: &p.text,
                            variant: p.variant,
                        })
                        .collect(),
                }
                .serialize(serializer)
            }
        }
        #[derive(Serialize)]
        struct Export<'v, 'a> {
            quotations: Vec<EntryOf<'v, 'a>>,
        }
        let quotations = self.views.iter().map(EntryOf).collect();
        serde_json::to_writer_pretty(&mut *out, &Export { quotations })
            .map_err(std::io::Error::from)?;
        out.write_all(b"\n")
    }
}

/// Letters and digits only: what "the same wording" compares.
fn normalized(text: &str) -> String {
    text.chars()
        .filter(|&c| crate::markdown::is_letter_or_digit(c))
        .collect()
}

/// `text` with the characters that `reference` does not share (by longest
/// common subsequence) in `<mark>`.
pub fn diff_html(text: &str, reference: &str) -> String {
    let a: Vec<char> = text.chars().collect();
    let b: Vec<char> = reference.chars().collect();
    // The table is both lengths multiplied: past a budget (two passages of
    // some 2,000 characters), only the shared beginning and end count as
    // shared, so that one huge paragraph cannot take gigabytes.
    if a.len().saturating_mul(b.len()) > DIFF_BUDGET {
        let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let tail = a[head..]
            .iter()
            .rev()
            .zip(b[head..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let shared: Vec<bool> = (0..a.len())
            .map(|k| k < head || k >= a.len() - tail)
            .collect();
        return marked(&a, &shared);
    }
    // The walk below takes equal characters as it meets them, so the
    // shared beginning is shared whatever follows: the table is needed
    // only past it (most places are their passage's words exactly).
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut shared = vec![false; a.len()];
    shared[..head].fill(true);
    let (a_rest, b_rest) = (&a[head..], &b[head..]);
    // One row after another in one allocation: cell (i, j) at i * w + j.
    let w = b_rest.len() + 1;
    let mut lcs = vec![0u16; (a_rest.len() + 1) * w];
    for i in (0..a_rest.len()).rev() {
        for j in (0..b_rest.len()).rev() {
            lcs[i * w + j] = if a_rest[i] == b_rest[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a_rest.len() && j < b_rest.len() {
        if a_rest[i] == b_rest[j] {
            shared[head + i] = true;
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    marked(&a, &shared)
}

/// Cells of the LCS table `diff_html` may fill (u16 each: 8 MB).
const DIFF_BUDGET: usize = 4_000_000;

/// `a` with the characters not `shared` in `<mark>`.
fn marked(a: &[char], shared: &[bool]) -> String {
    let mut html = String::new();
    let mut in_mark = false;
    for (k, c) in a.iter().enumerate() {
        // Punctuation differences are not differences of wording.
        let differs = !shared[k] && crate::markdown::is_letter_or_digit(*c);
        if differs != in_mark {
            html.push_str(if differs { "<mark>" } else { "</mark>" });
            in_mark = differs;
        }
        pulldown_cmark_escape::escape_html(&mut html, c.encode_utf8(&mut [0; 4])).ok();
    }
    if in_mark {
        html.push_str("</mark>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_marked_but_not_punctuation() {
        assert_eq!(
            diff_html("运筹于帷幄之中", "运筹帷幄之中"),
            "运筹<mark>于</mark>帷幄之中"
        );
        assert_eq!(
            diff_html("办公厅（室）工作", "办公室工作"),
            "办公<mark>厅</mark>（室）工作"
        );
        assert_eq!(diff_html("a, b", "a b"), "a, b");
    }

    /// The table filled for the whole of both texts, as `diff_html` did
    /// before it skipped their shared beginning: the reference the
    /// faster one must agree with.
    fn diff_by_whole_table(text: &str, reference: &str) -> String {
        let a: Vec<char> = text.chars().collect();
        let b: Vec<char> = reference.chars().collect();
        let mut lcs = vec![vec![0u16; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let mut shared = vec![false; a.len()];
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i] == b[j] {
                shared[i] = true;
                i += 1;
                j += 1;
            } else if lcs[i + 1][j] >= lcs[i][j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
        marked(&a, &shared)
    }

    proptest::proptest! {
        /// Variants of one passage from a small alphabet (repeated
        /// characters make ties), with characters HTML escapes: the marks
        /// are the whole table's.
        #[test]
        fn the_shared_beginning_skipped_marks_the_same_characters(
            reference in "[甲乙丙a&<]{0,24}",
            edits in proptest::collection::vec((0usize..30, "[甲乙丁b\"]{0,2}", 0usize..3), 0..4),
        ) {
            let mut text: Vec<char> = reference.chars().collect();
            for (at, insert, cut) in edits {
                let at = at.min(text.len());
                let cut = cut.min(text.len() - at);
                text.splice(at..at + cut, insert.chars());
            }
            let text: String = text.into_iter().collect();
            proptest::prop_assert_eq!(
                diff_html(&text, &reference),
                diff_by_whole_table(&text, &reference)
            );
        }
    }

    #[test]
    fn a_huge_pair_is_diffed_within_the_budget_by_its_shared_ends() {
        // 10,000 × 10,000 characters would be a 200 MB table.
        let a = format!("{}甲{}", "办".repeat(5_000), "公".repeat(5_000));
        let b = format!("{}乙{}", "办".repeat(5_000), "公".repeat(5_000));
        let html = diff_html(&a, &b);
        assert_eq!(html.matches("<mark>").count(), 1);
        assert!(html.contains("<mark>甲</mark>"));
    }
}

//! The edition as plain data: what load produces and render consumes.
//! No I/O here; later passes (notes, glossary, quotations) add to it.

use pulldown_cmark::{CowStr, Event};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::PathBuf;

mod held;

use crate::config::EditionConfig;
use crate::date::PartialDate;

#[derive(Debug)]
pub struct Edition {
    /// The edition's root folder (the one holding `content/`).
    pub root: PathBuf,
    pub config: EditionConfig,
    /// Published chapters in reading order (drafts left out unless asked for).
    pub chapters: Vec<Chapter>,
}

impl Edition {
    /// What chapter `i`'s front matter and the next piece's say of its
    /// printed pages.
    pub fn page_frame(&self, i: usize) -> PageFrame {
        let Some(chapter) = self.chapters.get(i) else {
            return PageFrame {
                first: None,
                marks: PageMarks::All,
                limit: None,
            };
        };
        let first = chapter.front.page;
        // The next piece begins on the page this one may end on at most.
        let limit = self
            .chapters
            .get(i + 1)
            .and_then(|next| next.front.page)
            .filter(|&next| first.is_some_and(|f| next >= f));
        PageFrame {
            first,
            marks: chapter.front.page_marks,
            limit,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Chapter {
    /// The Markdown file, relative to the edition's root.
    pub file: PathBuf,
    pub front: FrontMatter,
    pub slug: String,
    /// Position in reading order, from 1.
    pub number: usize,
    pub document: Document,
    /// A hash of the file's text, by which `zhushu serve` knows a chapter
    /// it rendered before (`render::cache`).
    pub source_digest: u64,
}

/// A chapter's YAML front matter.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The title where a long one would crowd the page: running heads and
    /// the back matter's lists of places (`FrontMatter::brief_title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// speech, article, interview, news, table, ...: free, but themes label
    /// the kinds their string tables know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Reading order; chapters without one follow, by file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Page in the printed book, as readers cite it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Where the piece was first published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where it was given or written (a speech's city, a letter's town),
    /// as the date line names it: （2018年3月12日，北京）, (12 March 2018,
    /// Riverside).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The particulars of an interview (采访对象, 采访组, 采访日期, 采访地点).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview: Option<Interview>,
    /// Which of the printed book's page breaks the body's page marks
    /// (`<!-- page 12 -->`) record: every one (the default), or only those
    /// that cut a paragraph (import from a text that kept no trace of the
    /// breaks between paragraphs).
    #[serde(default, skip_serializing_if = "PageMarks::is_all")]
    pub page_marks: PageMarks,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

impl FrontMatter {
    /// The title as running heads and lists of places give it: the
    /// `short_title` if there is one, else the title up to a subtitle it
    /// carries itself (after a dash, ——, or a colon, ： or `: `), else the
    /// whole title.
    pub fn brief_title(&self) -> &str {
        if let Some(short) = self.short_title.as_deref().map(str::trim)
            && !short.is_empty()
        {
            return short;
        }
        let title = self.title.trim();
        ["——", "：", ": ", " — ", " – "]
            .iter()
            .filter_map(|mark| title.find(mark))
            .min()
            .map(|at| title[..at].trim_end())
            // A title that opens with its mark (——副题) has nothing before it.
            .filter(|head| head.chars().count() >= 2)
            .unwrap_or(title)
    }
}

/// What a chapter's page marks cover: see `FrontMatter::page_marks`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum PageMarks {
    /// Every page break of the piece is marked.
    #[default]
    All,
    /// Only the breaks inside paragraphs: one may also fall, unmarked,
    /// between any two paragraphs.
    InsideParagraphs,
}

impl PageMarks {
    pub fn is_all(&self) -> bool {
        *self == PageMarks::All
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Interview {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interviewee: Option<String>,
    /// What the source says of the interviewee (born, posts held, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(from = "AuthorForm")]
pub struct Author {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// An author is `{name, role}`, or just the name when there is no role.
#[derive(Deserialize)]
#[serde(untagged, expecting = "an author: a name, or {name, role}")]
enum AuthorForm {
    Name(String),
    Full(AuthorFields),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorFields {
    name: String,
    #[serde(default)]
    role: Option<String>,
}

impl From<AuthorForm> for Author {
    fn from(form: AuthorForm) -> Author {
        match form {
            AuthorForm::Name(name) => Author { name, role: None },
            AuthorForm::Full(AuthorFields { name, role }) => Author { name, role },
        }
    }
}

/// A chapter's body, parsed once: the Markdown events, with the facts that
/// rendering and later passes need already pulled out.
///
/// The text of a paragraph, heading or table row is held once: its text
/// events borrow the unit's plain text (`Units`), which is their
/// concatenation, instead of holding a copy of it (a tenth of a
/// 10,000-piece edition's loaded size, and more of a 100,000-piece one's
/// peak). `self_cell` keeps the events and the text they borrow together.
pub struct Document {
    body: Body,
    /// In order of first reference; unreferenced definitions last.
    pub footnotes: Vec<Footnote>,
    /// The printed book's page breaks (`<!-- page 12 -->`), in reading
    /// order.
    pub page_breaks: Vec<PageBreak>,
}

/// The units of a body, which own its text.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub paragraphs: Vec<Paragraph>,
    pub headings: Vec<Heading>,
    /// Table rows (the head row included), `r1`, `r2`, ...: notes and
    /// quotations can point into them too.
    pub rows: Vec<Paragraph>,
}

type Events<'a> = Box<[held::Held<'a>]>;

self_cell::self_cell!(
    struct Body {
        owner: Units,
        #[covariant]
        dependent: Events,
    }
    impl {Debug}
);

impl Document {
    /// `events` (footnote definitions removed) and the `units` whose plain
    /// text is made of them: each text event inside a unit is made to
    /// borrow the unit's text where it stands.
    pub fn new(
        events: Vec<Event<'static>>,
        units: Units,
        footnotes: Vec<Footnote>,
        page_breaks: Vec<PageBreak>,
    ) -> Document {
        Document {
            body: Body::new(units, |units| share_text(events, units)),
            footnotes,
            page_breaks,
        }
    }

    /// Body events, footnote definitions removed (they are in `footnotes`).
    ///
    /// Made afresh from what the chapter holds (`held`): a pass over the
    /// whole body takes them once, and one that looks here and there takes
    /// `event` or `events_in`.
    pub fn events(&self) -> Vec<Event<'_>> {
        self.held().iter().map(held::Held::get).collect()
    }

    /// How many body events there are.
    pub fn event_count(&self) -> usize {
        self.held().len()
    }

    /// Body event `i`.
    pub fn event(&self, i: usize) -> Event<'_> {
        self.held()[i].get()
    }

    /// Whether body event `i` is text.
    pub fn is_text(&self, i: usize) -> bool {
        self.held()[i].is_text()
    }

    /// The body events in `range`.
    pub fn events_in(&self, range: Range<usize>) -> impl Iterator<Item = Event<'_>> {
        self.held()[range].iter().map(held::Held::get)
    }

    fn held(&self) -> &[held::Held<'_>] {
        self.body.borrow_dependent()
    }

    pub fn paragraphs(&self) -> &[Paragraph] {
        &self.body.borrow_owner().paragraphs
    }

    pub fn headings(&self) -> &[Heading] {
        &self.body.borrow_owner().headings
    }

    /// Table rows (the head row included), `r1`, `r2`, ...
    pub fn rows(&self) -> &[Paragraph] {
        &self.body.borrow_owner().rows
    }
}

impl Default for Document {
    fn default() -> Document {
        Document::new(Vec::new(), Units::default(), Vec::new(), Vec::new())
    }
}

impl Clone for Document {
    fn clone(&self) -> Document {
        let events = self.events().into_iter().map(Event::into_static).collect();
        Document::new(
            events,
            self.body.borrow_owner().clone(),
            self.footnotes.clone(),
            self.page_breaks.clone(),
        )
    }
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("body", &self.body)
            .field("footnotes", &self.footnotes)
            .field("page_breaks", &self.page_breaks)
            .finish()
    }
}

/// The events with each text event inside a unit borrowing the unit's
/// text: walked in step with the text (a line break is its one space);
/// where the two ever disagree, the rest of that unit keeps its own copies.
fn share_text<'a>(events: Vec<Event<'static>>, units: &'a Units) -> Events<'a> {
    let mut events: Vec<Event<'a>> = events;
    let spans = (units.paragraphs.iter().chain(&units.rows))
        .map(|p| (&p.events, p.text.as_str()))
        .chain(units.headings.iter().map(|h| (&h.events, h.text.as_str())));
    for (range, text) in spans {
        let mut at = 0;
        for event in &mut events[range.clone()] {
            match event {
                Event::Text(t) | Event::Code(t) => {
                    let Some(own) = text.get(at..at + t.len()).filter(|own| *own == &**t) else {
                        break;
                    };
                    at += own.len();
                    if matches!(t, CowStr::Boxed(_)) {
                        *t = CowStr::Borrowed(own);
                    }
                }
                Event::SoftBreak | Event::HardBreak => at += 1,
                _ => {}
            }
        }
    }
    events.into_iter().map(held::Held::new).collect()
}

/// A page break of the printed book, marked in the body
/// (`<!-- page 12 -->`, `<!-- page 12 inferred -->`, `<!-- page ? inferred -->`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageBreak {
    /// Where the new page begins: characters from the start of the body's
    /// text, counted as `render::body` counts them (text and code, a line
    /// break one).
    pub at: usize,
    /// The number of the page that begins here, when known.
    pub page: Option<u32>,
    /// Found by inference (a paragraph cut mid-sentence, counted from the
    /// contents' pages), not read from the source's own page marks.
    pub inferred: bool,
}

/// The printed pages a paragraph stands on, first and last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    pub first: u32,
    pub last: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// `p1`, `p2`, ...: stable anchors for citing.
    pub id: String,
    pub number: usize,
    /// The paragraph's plain text, as read (no markup).
    pub text: String,
    /// The speaker of an interview turn (`**采访组：**...`), colon removed.
    pub speaker: Option<String>,
    /// Where its events lie in `Document::events`, Start and End included.
    pub events: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// Where its events lie in `Document::events`, Start and End included.
    pub events: Range<usize>,
}

/// A stretch of text that notes can point into: a paragraph or a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextUnit<'a> {
    /// `p3`, or the heading's id: what a link to the place targets.
    pub id: &'a str,
    pub text: &'a str,
    pub events: &'a Range<usize>,
}

impl Document {
    /// The bytes of its paragraphs', headings' and table rows' text.
    pub fn text_len(&self) -> usize {
        let paragraphs = self.paragraphs().iter().map(|p| p.text.len());
        let headings = self.headings().iter().map(|h| h.text.len());
        let rows = self.rows().iter().map(|r| r.text.len());
        paragraphs.chain(headings).chain(rows).sum()
    }

    /// Paragraphs and headings in reading order.
    pub fn units(&self) -> Vec<TextUnit<'_>> {
        let mut units: Vec<TextUnit> = self
            .paragraphs()
            .iter()
            .map(|p| TextUnit {
                id: &p.id,
                text: &p.text,
                events: &p.events,
            })
            .chain(self.headings().iter().map(|h| TextUnit {
                id: &h.id,
                text: &h.text,
                events: &h.events,
            }))
            .chain(self.rows().iter().map(|r| TextUnit {
                id: &r.id,
                text: &r.text,
                events: &r.events,
            }))
            .collect();
        units.sort_by_key(|u| u.events.start);
        units
    }
}

/// What the printed pages of a chapter are, as its front matter and page
/// marks tell them: the piece's first page, what its marks cover, and the
/// next piece's first page (the last this one may reach), when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageFrame {
    pub first: Option<u32>,
    pub marks: PageMarks,
    pub limit: Option<u32>,
}

impl Document {
    /// Where each event begins, in characters from the body's start (text
    /// and code count their characters, a line break one): the measure of
    /// `PageBreak::at`.
    pub fn char_begins(&self) -> Vec<usize> {
        let mut at = 0;
        self.held()
            .iter()
            .map(|held| {
                let begin = at;
                at += held.chars();
                begin
            })
            .collect()
    }

    /// How many characters each event counts (as `char_begins` counts).
    pub fn char_lengths(&self) -> Vec<usize> {
        self.held().iter().map(held::Held::chars).collect()
    }

    /// The page each break begins, where the marks tell it: its own
    /// number, or one that counting from a known page leaves no doubt
    /// about (never a guess).
    pub fn break_pages(&self, frame: PageFrame) -> Vec<Option<u32>> {
        self.page_breaks
            .iter()
            .map(|b| b.page.or_else(|| page_at(&self.page_breaks, b.at, frame)))
            .collect()
    }

    /// The pages each paragraph stands on, where they are known.
    pub fn paragraph_pages(&self, frame: PageFrame) -> Vec<Option<Pages>> {
        self.pages_of(self.paragraphs().iter().map(|p| &p.events), frame)
    }

    /// The pages each heading stands on, where they are known.
    pub fn heading_pages(&self, frame: PageFrame) -> Vec<Option<Pages>> {
        self.pages_of(self.headings().iter().map(|h| &h.events), frame)
    }

    /// The pages each table row stands on, where they are known.
    pub fn row_pages(&self, frame: PageFrame) -> Vec<Option<Pages>> {
        self.pages_of(self.rows().iter().map(|r| &r.events), frame)
    }

    /// The pages of each stretch of events, where they are known.
    fn pages_of<'a>(
        &self,
        stretches: impl Iterator<Item = &'a Range<usize>>,
        frame: PageFrame,
    ) -> Vec<Option<Pages>> {
        let begins = self.char_begins();
        let total = begins
            .last()
            .map_or(0, |&b| b + self.held().last().map_or(0, held::Held::chars));
        let position = |i: usize| begins.get(i).copied().unwrap_or(total);
        stretches
            .map(|events| {
                let (start, end) = (position(events.start), position(events.end));
                let inside: Vec<&PageBreak> = self
                    .page_breaks
                    .iter()
                    .filter(|b| b.at > start && b.at < end)
                    .collect();
                let cut = inside.len() as u32;
                // A break inside whose page is known tells the first page;
                // else the page at the paragraph's start does.
                let first = match inside
                    .iter()
                    .enumerate()
                    .find_map(|(k, b)| Some((k, b.page?)))
                {
                    Some((k, n)) => n.checked_sub(k as u32 + 1),
                    None => page_at(&self.page_breaks, start, frame),
                };
                first.filter(|&f| f >= 1).map(|first| Pages {
                    first,
                    last: first + cut,
                })
            })
            .collect()
    }
}

/// The page at position `x` (a break at `x` counts as passed), when the
/// marks leave no doubt: counted from the last numbered break before it (or
/// the piece's first page); where breaks between paragraphs may be missing,
/// only when the next numbered break (or the next piece) leaves no room
/// for one.
fn page_at(breaks: &[PageBreak], x: usize, frame: PageFrame) -> Option<u32> {
    let passed = breaks.partition_point(|b| b.at <= x);
    let (before, after) = breaks.split_at(passed);
    // The body's first words stand on the piece's first page, under its
    // title.
    if x == 0 && before.is_empty() {
        return frame.first;
    }
    // A page whose own mark stands here.
    if let Some(b) = before.last().filter(|b| b.at == x && b.page.is_some()) {
        return b.page;
    }
    let lower = match before.iter().rposition(|b| b.page.is_some()) {
        Some(k) => before[k].page? + (before.len() - k - 1) as u32,
        None => frame.first? + before.len() as u32,
    };
    if frame.marks == PageMarks::All {
        return Some(lower);
    }
    let upper = match after.iter().position(|b| b.page.is_some()) {
        Some(k) => after[k].page?.checked_sub(k as u32 + 1)?,
        None => frame.limit?.checked_sub(after.len() as u32)?,
    };
    (lower == upper).then_some(lower)
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub label: String,
    pub number: usize,
    /// How many times the text refers to it.
    pub references: usize,
    pub events: Vec<Event<'static>>,
}

impl Footnote {
    pub fn id(&self) -> String {
        format!("fn-{}", self.number)
    }
}

/// The id of the `k`-th (from 1) marker of footnote `number`.
pub fn footnote_ref_id(number: usize, k: usize) -> String {
    if k <= 1 {
        format!("fnref-{number}")
    } else {
        format!("fnref-{number}-{k}")
    }
}

/// A stand-off editorial note (`content/notes/*.yaml`): it points at text
/// with a quote selector (`exact`, with `prefix`/`suffix`/`occurrence` to
/// tell repeated passages apart), as the W3C Web Annotation
/// TextQuoteSelector does, so notes survive edits and re-imports.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StandOffNote {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The chapter's slug.
    pub chapter: String,
    /// source, gloss, emendation, commentary, cross-reference.
    #[serde(rename = "type")]
    pub kind: String,
    pub exact: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub suffix: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<usize>,
    /// For an emendation: the reading of the source, and the reading
    /// adopted (which is what `exact` finds in the chapter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
    /// The note itself, in Markdown.
    pub body: String,
    /// Where in the raw source the matter arose (set by import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<usize>,
}

/// A file of stand-off notes.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NoteFile {
    pub notes: Vec<StandOffNote>,
}

#[cfg(test)]
mod tests {
    use super::FrontMatter;

    fn front(title: &str, short: Option<&str>) -> FrontMatter {
        FrontMatter {
            title: title.to_owned(),
            short_title: short.map(str::to_owned),
            ..FrontMatter::default()
        }
    }

    #[test]
    fn a_brief_title_is_the_short_title_or_the_title_before_its_subtitle() {
        assert_eq!(
            front("习近平与办公室", Some("与办公室")).brief_title(),
            "与办公室"
        );
        assert_eq!(
            front("秘书工作的风范——与地县办公室干部谈心", None).brief_title(),
            "秘书工作的风范"
        );
        assert_eq!(front("风范：谈心", None).brief_title(), "风范");
        assert_eq!(
            front("Working Papers: A Study", None).brief_title(),
            "Working Papers"
        );
        assert_eq!(front("——副题", None).brief_title(), "——副题");
        assert_eq!(
            front("习近平谈办公室地位", Some("  ")).brief_title(),
            "习近平谈办公室地位"
        );
    }
}

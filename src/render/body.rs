//! A chapter's `Document` → HTML: paragraph anchors and numbers, speaker
//! labels, note markers (footnotes and stand-off notes, numbered together
//! in reading order, each followed by its sidenote), emended readings,
//! wrapped tables and highlighted code. Everything else is pulldown-cmark's
//! own HTML writer.

use super::escape_html;
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::iter::Peekable;

use crate::model::{Document, Paragraph, footnote_ref_id};
use crate::render::highlight;
use crate::render::raw_html::{self, RawHtml};

/// A note of the chapter: one of its footnotes (index into
/// `Document::footnotes`) or a stand-off note (index into the edition's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoteKey {
    Footnote(usize),
    StandOff(usize),
}

/// A stand-off note's place: characters `start..end` of the text of the
/// unit (paragraph or heading) whose events are `events`.
#[derive(Debug, Clone)]
pub struct Mark {
    pub events: std::ops::Range<usize>,
    pub start: usize,
    pub end: usize,
    pub kind: MarkKind,
}

#[derive(Debug, Clone)]
pub enum MarkKind {
    /// A note's marker after the stretch; an emended reading is also
    /// wrapped, to be marked.
    Note { key: NoteKey, emended: bool },
    /// Any other stretch: wrapped in `open` … `close` (a span unless said
    /// otherwise), followed by `after`.
    Wrap {
        open: String,
        close: Option<String>,
        after: String,
    },
}

/// What to cut into a text event at a character offset. At one offset,
/// spans close before markers go in and before new spans open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cut {
    /// Index into the prepared HTML pieces, and where the span opened.
    Close(usize, usize),
    Marker(NoteKey),
    /// Index into the prepared HTML pieces.
    Insert(usize),
    /// Index into the prepared HTML pieces, and where the span closes.
    Open(usize, usize),
}

#[derive(Clone, Copy)]
pub struct BodyOptions<'a> {
    pub paragraph_numbers: bool,
    /// Accessible name of a paragraph number, `{n}` replaced: `第{n}段`.
    pub paragraph_label: &'a str,
    /// Chapter file name (`03-x.md`) → its page (`x.html`), so that authors
    /// can link chapters by the files they see.
    pub chapter_pages: &'a HashMap<String, String>,
    /// What becomes of HTML written in the chapter itself.
    pub raw_html: RawHtml,
    /// The printed book's page marks: the accessible name of one (`第{n}页`),
    /// what an inferred one says of itself, and what one whose page is
    /// not known says.
    pub page_label: &'a str,
    pub page_inferred: &'a str,
    pub page_unknown: &'a str,
    /// The page each of the document's breaks begins, where known
    /// (`Document::break_pages`); none given, none known.
    pub pages: &'a [Option<u32>],
}

pub struct RenderedBody {
    pub html: String,
    /// The chapter's notes in number order (from 1), each with the ids of
    /// its markers in the text.
    pub notes: Vec<(NoteKey, Vec<String>)>,
}

/// Numbers notes as the reader meets them and writes their markers.
struct Numbering<'a> {
    order: Vec<(NoteKey, Vec<String>)>,
    index: HashMap<NoteKey, usize>,
    sidenotes: &'a HashMap<NoteKey, String>,
}

impl Numbering<'_> {
    /// The marker of a note, and its sidenote when this is the note's
    /// first marker (else an empty string). The marker opens with a word
    /// joiner (U+2060), so that a line never starts with a note number:
    /// the number stays with the character it follows (GB/T 15834's rule
    /// for marks that belong to the preceding character).
    fn marker(&mut self, key: NoteKey) -> (String, String) {
        let position = *self.index.entry(key).or_insert_with(|| {
            self.order.push((key, Vec::new()));
            self.order.len() - 1
        });
        let n = position + 1;
        let refs = &mut self.order[position].1;
        let id = footnote_ref_id(n, refs.len() + 1);
        refs.push(id.clone());
        let html = format!(
            "<sup class=\"noteref\">&#x2060;<a id=\"{id}\" href=\"#fn-{n}\" role=\"doc-noteref\">{n}</a></sup>"
        );
        // The sidenote follows the first marker only.
        let side = match (refs.len(), self.sidenotes.get(&key)) {
            (1, Some(inline)) => format!(
                "<span class=\"sidenote\" id=\"sn-{n}\"><span class=\"sidenote-number\">{n}</span> {inline}</span>"
            ),
            _ => String::new(),
        };
        (html, side)
    }
}

/// The words of each cell of a table's head, from the events that start
/// with the table.
fn column_names(events: &[Event]) -> Vec<String> {
    let mut names = Vec::new();
    for event in events {
        match event {
            Event::Start(Tag::TableCell) => names.push(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(name) = names.last_mut() {
                    name.push_str(t);
                }
            }
            Event::End(TagEnd::TableHead) => break,
            _ => {}
        }
    }
    names.iter().map(|n| n.trim().to_owned()).collect()
}

/// Marks that may not begin a line (GB/T 15834, JIS X 4051): closing
/// brackets and quotation marks and the pause and stop marks, full- and
/// half-width.
fn is_closing(c: char) -> bool {
    "，。、；：？！）」』》〉】〕〗｝］’”,.;:?!)]".contains(c)
}

/// The length in bytes of the closing marks that begin `text`. A sidenote
/// goes after them: opened in place it is a block, which would otherwise
/// leave them to start the next line.
fn closing_prefix(text: &str) -> usize {
    text.chars()
        .take_while(|&c| is_closing(c))
        .map(char::len_utf8)
        .sum()
}

pub fn render(
    document: &Document,
    options: &BodyOptions,
    marks: &[Mark],
    sidenotes: &HashMap<NoteKey, String>,
) -> RenderedBody {
    let events = document.events();
    let mut writer = Writer::new(document, &events, options, marks, sidenotes);
    for (i, event) in events.iter().enumerate() {
        writer.event(i, event);
    }
    writer.finish()
}

/// One body being written, event by event: pulldown-cmark's events, with
/// what zhushu adds put in as HTML events, for its HTML writer.
struct Writer<'d> {
    document: &'d Document,
    /// The document's events, made once for the whole body.
    events: &'d [Event<'d>],
    options: &'d BodyOptions<'d>,
    footnote_keys: HashMap<&'d str, NoteKey>,
    /// Where marks cut text events, and the HTML they put there.
    cuts: Cuts,
    pieces: Vec<String>,
    numbering: Numbering<'d>,
    paragraphs: Peekable<std::slice::Iter<'d, Paragraph>>,
    rows: Peekable<std::slice::Iter<'d, Paragraph>>,
    /// The anchor of a table row goes into its first cell.
    row_anchor: Option<&'d str>,
    table: Table,
    out: Vec<Event<'d>>,
    /// A code block's language and text, gathered to be highlighted whole.
    code: Option<(String, String)>,
    /// A turn's paragraph has begun: its first bold is the speaker.
    speaker_pending: bool,
    /// Raw HTML events to be written as their words.
    as_text: HashSet<usize>,
    /// A sidenote whose marker ended a text event (a footnote reference, a
    /// note at the end of a run of text), waiting for the closing marks
    /// that begin the next one.
    pending_side: Option<String>,
    /// A sidenote whose marker stands where a mark ends (a quotation's
    /// closing and its marker): written after what those cuts write and
    /// the closing marks that follow them, so that the note never comes
    /// between the text and its ”，.
    side_after_cuts: Option<String>,
}

/// The current table's column names and alignments, and the column of the
/// next cell of a body row: each body cell carries its column's name
/// (`data-label`), which a theme shows when it sets a row as a card on a
/// narrow screen.
#[derive(Default)]
struct Table {
    names: Vec<String>,
    aligns: Vec<Alignment>,
    column: usize,
    in_head: bool,
}

impl<'d> Writer<'d> {
    fn new(
        document: &'d Document,
        events: &'d [Event<'d>],
        options: &'d BodyOptions<'d>,
        marks: &[Mark],
        sidenotes: &'d HashMap<NoteKey, String>,
    ) -> Writer<'d> {
        let (mut cuts, mut pieces) = cuts(document, marks);
        page_cuts(document, options, &mut cuts, &mut pieces);
        Writer {
            document,
            events,
            options,
            footnote_keys: document
                .footnotes
                .iter()
                .enumerate()
                .map(|(i, f)| (f.label.as_str(), NoteKey::Footnote(i)))
                .collect(),
            cuts,
            pieces,
            numbering: Numbering {
                order: Vec::new(),
                index: HashMap::new(),
                sidenotes,
            },
            paragraphs: document.paragraphs().iter().peekable(),
            rows: document.rows().iter().peekable(),
            row_anchor: None,
            table: Table::default(),
            out: Vec::with_capacity(events.len() + 16),
            code: None,
            speaker_pending: false,
            as_text: raw_html::as_text(events, options.raw_html),
            pending_side: None,
            side_after_cuts: None,
        }
    }

    fn event(&mut self, i: usize, event: &Event<'d>) {
        let start_byte = self.place_pending_side(i, event);
        if self.code.is_some() {
            self.code_event(event);
            return;
        }
        match event {
            Event::Start(Tag::Paragraph) => self.paragraph(i, event),
            Event::Start(Tag::Strong) if self.speaker_pending => {
                self.speaker_pending = false;
                self.out
                    .push(Event::Html("<strong class=\"speaker\">".into()));
            }
            Event::Text(text) => {
                self.speaker_pending = false;
                self.cut_text(i, text, start_byte);
            }
            Event::FootnoteReference(label) => self.footnote_reference(label),
            Event::Start(Tag::TableRow | Tag::TableHead) => {
                self.row_anchor = self
                    .rows
                    .next_if(|r| r.events.start == i)
                    .map(|r| r.id.as_str());
                self.table.in_head = matches!(event, Event::Start(Tag::TableHead));
                self.table.column = 0;
                self.out.push(event.clone());
            }
            Event::Start(Tag::TableCell) => self.table_cell(event),
            Event::Start(Tag::Table(aligns)) => {
                self.table.names = column_names(&self.events[i..]);
                self.table.aligns = aligns.clone();
                self.out.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                self.out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                self.out.push(event.clone());
                self.out.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.out.push(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: rewrite_chapter_link(dest_url, self.options.chapter_pages),
                title: title.clone(),
                id: id.clone(),
            })),
            Event::Html(html) | Event::InlineHtml(html) if self.as_text.contains(&i) => {
                self.speaker_pending = false;
                self.out
                    .push(Event::Text(raw_html::words_of_html(html).into()));
            }
            _ => {
                self.speaker_pending = false;
                self.out.push(event.clone());
            }
        }
    }

    /// Text as a text event; none for no text.
    fn push_text(&mut self, text: &str) {
        if !text.is_empty() {
            self.out.push(Event::Text(text.to_owned().into()));
        }
    }

    /// Writes a waiting sidenote before event `i`: after the closing marks
    /// that begin it, when it is text (up to its first cut). Returns where
    /// the rest of the text starts being written (0 when nothing was).
    fn place_pending_side(&mut self, i: usize, event: &Event) -> usize {
        let Some(side) = self.pending_side.take() else {
            return 0;
        };
        let mut start_byte = 0;
        if let Event::Text(t) = event {
            let limit = self
                .cuts
                .get(&i)
                .and_then(|list| list.first())
                .map_or(t.len(), |(o, _)| {
                    t.char_indices().nth(*o).map_or(t.len(), |(b, _)| b)
                });
            start_byte = closing_prefix(&t[..limit]);
            self.push_text(&t[..start_byte]);
        }
        self.out.push(Event::InlineHtml(side.into()));
        start_byte
    }

    /// Inside a code block: its text is gathered, and highlighted whole at
    /// its end.
    fn code_event(&mut self, event: &Event) {
        let Some((lang, text)) = &mut self.code else {
            return;
        };
        match event {
            Event::Text(t) => text.push_str(t),
            Event::End(TagEnd::CodeBlock) => {
                self.out
                    .push(Event::Html(highlight::code_block(lang, text).into()));
                self.code = None;
            }
            _ => {}
        }
    }

    /// A numbered paragraph opens with its anchor, its class when it is a
    /// speaker's turn, and its number; another (in a list item, say) as
    /// pulldown-cmark writes it.
    fn paragraph(&mut self, i: usize, event: &Event<'d>) {
        let Some(p) = self.paragraphs.next_if(|p| p.events.start == i) else {
            self.out.push(event.clone());
            return;
        };
        let mut open = format!("<p id=\"{}\"", p.id);
        if p.speaker.is_some() {
            open.push_str(" class=\"turn\"");
            self.speaker_pending = true;
        }
        open.push('>');
        if self.options.paragraph_numbers {
            let label = self
                .options
                .paragraph_label
                .replace("{n}", &p.number.to_string());
            open.push_str(&format!(
                "<a class=\"pnum\" href=\"#{id}\" aria-label=\"{label}\">{n}</a>",
                id = p.id,
                label = escape_html(&label),
                n = p.number
            ));
        }
        self.out.push(Event::Html(open.into()));
    }

    /// A text event from `start_byte` on: the text between the cuts that
    /// marks make in it, and at each the span, insert or note marker it
    /// calls for.
    fn cut_text(&mut self, i: usize, text: &str, start_byte: usize) {
        let Some(list) = self.cuts.remove(&i) else {
            self.push_text(&text[start_byte..]);
            return;
        };
        let mut at_byte = start_byte;
        let offsets: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        // (Cuts lie within their text: `Positions::place` drops a mark
        // that does not.)
        let byte_of = |offset: usize| offsets[offset];
        for (k, (offset, cut)) in list.iter().enumerate() {
            let byte = byte_of(*offset);
            if byte > at_byte || matches!(cut, Cut::Open(..) | Cut::Marker(_)) {
                at_byte = self.side_after_cuts(text, at_byte, Some(byte));
            }
            // (A sidenote may have taken the closing marks past an empty
            // cut: the text does not go back.)
            if let Some(words) = text.get(at_byte..byte) {
                self.push_text(words);
                at_byte = byte;
            }
            match cut {
                Cut::Open(k, _) | Cut::Insert(k) | Cut::Close(k, _) => {
                    let piece = self.pieces[*k].clone();
                    self.out.push(Event::InlineHtml(piece.into()));
                }
                Cut::Marker(key) => {
                    // The next cut that writes something (a glossary term
                    // leaves an empty insert at its end).
                    let later = list[k + 1..]
                        .iter()
                        .find(
                            |(_, cut)| !matches!(cut, Cut::Insert(p) if self.pieces[*p].is_empty()),
                        )
                        .map(|(o, _)| byte_of(*o));
                    // One where the marker stands (a quotation's marker
                    // after its span) goes before the sidenote.
                    let after_cuts = later == Some(byte);
                    at_byte = self.marker(*key, text, at_byte, later, after_cuts);
                }
            }
        }
        at_byte = self.side_after_cuts(text, at_byte, None);
        self.push_text(&text[at_byte..]);
    }

    /// A note's marker in a text at `at_byte`, then its sidenote (on its
    /// first marker) after the closing marks that follow, up to the next
    /// cut (`next`); at the end of the text, the sidenote waits for the
    /// marks that may begin the next event. Returns where the text goes on.
    /// When `after_cuts`, a mark ends where the marker stands: the
    /// sidenote waits for the cuts there (`side_after_cuts`).
    fn marker(
        &mut self,
        key: NoteKey,
        text: &str,
        at_byte: usize,
        next: Option<usize>,
        after_cuts: bool,
    ) -> usize {
        let (marker, side) = self.numbering.marker(key);
        self.out.push(Event::InlineHtml(marker.into()));
        if side.is_empty() {
            return at_byte;
        }
        if after_cuts {
            self.side_after_cuts = Some(side);
            return at_byte;
        }
        self.side_after_closing(side, text, at_byte, next)
    }

    /// `side` written after the closing marks from `at_byte` up to the next
    /// cut (`next`); at the end of the text it waits for the next event's.
    /// Returns where the text goes on.
    fn side_after_closing(
        &mut self,
        side: String,
        text: &str,
        mut at_byte: usize,
        next: Option<usize>,
    ) -> usize {
        let end = next.unwrap_or(text.len()).max(at_byte);
        let n = closing_prefix(&text[at_byte..end]);
        self.push_text(&text[at_byte..at_byte + n]);
        at_byte += n;
        if at_byte == text.len() && next.is_none() {
            self.pending_side = Some(side);
        } else {
            self.out.push(Event::InlineHtml(side.into()));
        }
        at_byte
    }

    /// A sidenote waiting for the cuts at its marker: written now, after
    /// the closing marks from `at_byte` up to the next cut (`next`); at the
    /// end of the text it waits for the next event's. Returns where the
    /// text goes on.
    fn side_after_cuts(&mut self, text: &str, at_byte: usize, next: Option<usize>) -> usize {
        match self.side_after_cuts.take() {
            Some(side) => self.side_after_closing(side, text, at_byte, next),
            None => at_byte,
        }
    }

    fn footnote_reference(&mut self, label: &str) {
        match self.footnote_keys.get(label) {
            Some(&key) => {
                let (marker, side) = self.numbering.marker(key);
                self.out.push(Event::InlineHtml(marker.into()));
                if !side.is_empty() {
                    self.pending_side = Some(side);
                }
            }
            // A reference to no definition is shown as written.
            None => self.out.push(Event::Text(format!("[^{label}]").into())),
        }
    }

    /// A body cell carries its column's name; the first cell of a row with
    /// an id, the row's anchor.
    fn table_cell(&mut self, event: &Event<'d>) {
        let table = &mut self.table;
        let label = table.names.get(table.column).filter(|l| !l.is_empty());
        match (table.in_head, label) {
            (false, Some(label)) => {
                // As pulldown-cmark writes a cell, with the label.
                let align = match table.aligns.get(table.column) {
                    Some(Alignment::Left) => " style=\"text-align: left\"",
                    Some(Alignment::Center) => " style=\"text-align: center\"",
                    Some(Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                self.out.push(Event::Html(
                    format!("<td data-label=\"{}\"{align}>", escape_html(label)).into(),
                ));
            }
            _ => self.out.push(event.clone()),
        }
        table.column += 1;
        if let Some(id) = self.row_anchor.take() {
            self.out.push(Event::InlineHtml(
                format!("<span class=\"row-anchor\" id=\"{id}\"></span>").into(),
            ));
        }
    }

    fn finish(mut self) -> RenderedBody {
        if let Some(side) = self.pending_side.take() {
            self.out.push(Event::InlineHtml(side.into()));
        }
        let mut html = String::with_capacity(self.events.len() * 24);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
        // Footnotes defined but never referred to still belong to the chapter.
        let numbering = &mut self.numbering;
        for i in 0..self.document.footnotes.len() {
            let key = NoteKey::Footnote(i);
            if !numbering.index.contains_key(&key) {
                numbering.index.insert(key, numbering.order.len());
                numbering.order.push((key, Vec::new()));
            }
        }
        RenderedBody {
            html,
            notes: self.numbering.order,
        }
    }
}

/// Where each mark cuts the text events of its unit: for every Text event,
/// the character offsets (within the event) and what goes there, in order.
type Cuts = HashMap<usize, Vec<(usize, Cut)>>;

fn cuts(document: &Document, marks: &[Mark]) -> (Cuts, Vec<String>) {
    let mut cuts: Cuts = HashMap::new();
    let mut pieces: Vec<String> = Vec::new();
    let positions = Positions::new(document);
    for mark in marks {
        let Some((start_at, end_event)) = positions.place(document, mark) else {
            continue;
        };
        // A stretch is wrapped only when it lies in one run of text (one
        // text event, or text events with nothing between them, as a line
        // break joined in CJK leaves them), so that the span never crosses
        // other markup. (Spans cut into the same text always balance: every
        // one closes with `</span>`.)
        let (open, close, after) = wrapping(&mark.kind);
        let one_run = start_at.is_some_and(|(i, _)| {
            i <= end_event.0 && (i..=end_event.0).all(|e| document.is_text(e))
        });
        if let (Some(open), true) = (open, one_run) {
            let (i, o) = start_at.unwrap_or_default();
            // Across events, the span is the outermost of those opening at
            // its start and closing at its end.
            let across = i != end_event.0;
            pieces.push(open);
            let closes = if across { usize::MAX } else { end_event.1 };
            cuts.entry(i)
                .or_default()
                .push((o, Cut::Open(pieces.len() - 1, closes)));
            pieces.push(close);
            let opened = if across { 0 } else { o };
            cuts.entry(end_event.0)
                .or_default()
                .push((end_event.1, Cut::Close(pieces.len() - 1, opened)));
        }
        let marker = match (&mark.kind, after) {
            (MarkKind::Note { key, .. }, _) => Cut::Marker(*key),
            (MarkKind::Wrap { .. }, Some(after)) => {
                pieces.push(after);
                Cut::Insert(pieces.len() - 1)
            }
            (MarkKind::Wrap { .. }, None) => continue,
        };
        cuts.entry(end_event.0)
            .or_default()
            .push((end_event.1, marker));
    }
    for list in cuts.values_mut() {
        order_cuts(list);
    }
    (cuts, pieces)
}

/// The printed book's page breaks, each an insert at its place: in the
/// text event that holds it (the later one where two meet, so that a break
/// between paragraphs opens the next).
fn page_cuts(
    document: &Document,
    options: &BodyOptions,
    cuts: &mut Cuts,
    pieces: &mut Vec<String>,
) {
    if document.page_breaks.is_empty() {
        return;
    }
    let (begins, lengths) = (document.char_begins(), document.char_lengths());
    let texts: Vec<(usize, usize, usize)> = (0..document.event_count())
        .filter(|&i| document.is_text(i))
        .map(|i| (i, begins[i], lengths[i]))
        .collect();
    let mut named: HashSet<u32> = HashSet::new();
    for (k, b) in document.page_breaks.iter().enumerate() {
        let after = texts.partition_point(|&(_, begin, _)| begin <= b.at);
        let Some(&(i, begin, length)) = after.checked_sub(1).and_then(|j| texts.get(j)) else {
            continue;
        };
        let offset = (b.at - begin).min(length);
        let page = options.pages.get(k).copied().flatten().or(b.page);
        pieces.push(page_mark_html(page, b.inferred, options, &mut named));
        // In the order `order_cuts` gives (which is not to be run twice:
        // its ties go by position): after the spans that close and the
        // markers there, before the spans that open.
        let list = cuts.entry(i).or_default();
        let at = list
            .iter()
            .position(|&(o, cut)| o > offset || o == offset && matches!(cut, Cut::Open(..)))
            .unwrap_or(list.len());
        list.insert(at, (offset, Cut::Insert(pieces.len() - 1)));
    }
}

/// A page mark: the number of the page that begins, with its name for
/// screen readers in a visually hidden span (`.vh`) and an id (`page-12`)
/// the first time the number stands in the piece. (No `role`: axe accepts
/// `doc-pagebreak` on `<hr>` only, which cannot stand inside a paragraph;
/// the EPUB's copy gets its role and `epub:type` in `epub::chapter_xhtml`.)
fn page_mark_html(
    page: Option<u32>,
    inferred: bool,
    options: &BodyOptions,
    named: &mut HashSet<u32>,
) -> String {
    let class = if inferred { "pb inferred" } else { "pb" };
    let Some(n) = page else {
        let unknown = escape_html(options.page_unknown);
        return format!(
            "<span class=\"{class} unknown\" title=\"{unknown}\"><span class=\"vh\">{unknown}</span><span class=\"pb-n\" aria-hidden=\"true\">?</span></span>"
        );
    };
    let id = if named.insert(n) {
        format!(" id=\"page-{n}\"")
    } else {
        String::new()
    };
    let title = if inferred {
        format!(" title=\"{}\"", escape_html(options.page_inferred))
    } else {
        String::new()
    };
    let label = escape_html(&options.page_label.replace("{n}", &n.to_string()));
    format!(
        "<span class=\"{class}\"{id}{title}><span class=\"vh\">{label}</span><span class=\"pb-n\" aria-hidden=\"true\">{n}</span></span>"
    )
}

/// What a mark puts around its stretch: the opening and closing HTML
/// (none for a plain note), and what follows it (a note's marker is a
/// `Cut::Marker` instead).
fn wrapping(kind: &MarkKind) -> (Option<String>, String, Option<String>) {
    match kind {
        MarkKind::Note { emended: true, .. } => (
            Some("<span class=\"emended\">".to_owned()),
            "</span>".to_owned(),
            None,
        ),
        MarkKind::Note { .. } => (None, String::new(), None),
        MarkKind::Wrap { open, close, after } => (
            Some(open.clone()),
            close.clone().unwrap_or_else(|| "</span>".to_owned()),
            Some(after.clone()),
        ),
    }
}

/// At one offset: spans close (the one opened last first), then markers go
/// in, then spans open (the one closing last first), so that nested marks
/// always nest in the markup.
fn order_cuts(list: &mut [(usize, Cut)]) {
    let order: Vec<(usize, Cut)> = list.to_vec();
    list.sort_by_key(|&(offset, cut)| {
        let seq = order
            .iter()
            .position(|&(o, c)| o == offset && c == cut)
            .unwrap_or(0);
        let (rank, inner) = match cut {
            Cut::Close(_, opened) => (0, usize::MAX - opened),
            Cut::Marker(_) => (1, 0),
            Cut::Insert(_) => (2, 0),
            Cut::Open(_, closes) => (3, usize::MAX - closes),
        };
        let tie = if rank == 0 { usize::MAX - seq } else { seq };
        (offset, rank, inner, tie)
    });
}

/// Each event's length in characters, and where it begins counted from the
/// document's start: a mark's place is found by bisection, not by counting
/// its unit's text again for every mark (a paragraph that is a whole book
/// may hold thousands).
struct Positions {
    lengths: Vec<usize>,
    begins: Vec<usize>,
}

/// Where a mark starts (the text event that holds its start and the offset
/// there, if one does) and ends (the text event to cut and the offset), or
/// None when its end is in no event.
type Placed = Option<(Option<(usize, usize)>, (usize, usize))>;

impl Positions {
    fn new(document: &Document) -> Positions {
        let lengths = document.char_lengths();
        let begins: Vec<usize> = lengths
            .iter()
            .scan(0, |at, &length| {
                let begin = *at;
                *at += length;
                Some(begin)
            })
            .collect();
        Positions { lengths, begins }
    }

    /// Where a mark starts (a text event and the offset in it, if a text
    /// event holds its start) and where it ends (the text event to cut and
    /// the offset), or None when its end is in no event.
    fn place(&self, document: &Document, mark: &Mark) -> Placed {
        let (lengths, begins) = (&self.lengths, &self.begins);
        let is_text = |i: usize| document.is_text(i);
        let range = mark.events.clone();
        let &base = begins.get(range.start)?;
        let (start, end) = (base + mark.start, base + mark.end);
        let events = &begins[range.clone()];
        // The first text event that holds the mark's start.
        let first = range.start + events.partition_point(|&b| b <= start).saturating_sub(1);
        let start_at = (first..range.end)
            .take_while(|&i| begins[i] <= start)
            .find(|&i| is_text(i) && start < begins[i] + lengths[i])
            .map(|i| (i, start - begins[i]));
        // The first event with text that holds the mark's end: inside a
        // text event, cut it; at the end of code or a break, mark the next
        // text event's start instead.
        let from = range.start + events.partition_point(|&b| b < end).saturating_sub(1);
        let (end_event, end_offset) = (from..range.end)
            .take_while(|&i| begins[i] < end)
            .find(|&i| lengths[i] > 0 && end <= begins[i] + lengths[i])
            .map(|i| {
                if is_text(i) {
                    (i, end - begins[i])
                } else {
                    (i + 1, 0)
                }
            })?;
        let end_at = (end_event..mark.events.end)
            .find(|&i| is_text(i))
            .map_or((end_event, end_offset), |i| {
                (i, if i == end_event { end_offset } else { 0 })
            });
        Some((start_at, end_at))
    }
}

/// A note's Markdown events as HTML.
pub fn note_html(events: &[Event<'static>]) -> String {
    note_html_with(events, RawHtml::Keep)
}

/// A note's HTML, its author's own HTML treated as `raw_html` says.
pub fn note_html_with(events: &[Event<'_>], raw_html: RawHtml) -> String {
    let as_text = raw_html::as_text(events, raw_html);
    let mut html = String::new();
    let events = events.iter().enumerate().map(|(i, event)| match event {
        Event::Html(raw) | Event::InlineHtml(raw) if as_text.contains(&i) => {
            Event::Text(raw_html::words_of_html(raw).into())
        }
        _ => event.clone(),
    });
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// The same note inline, for a sidenote inside a paragraph: one paragraph's
/// content, or several joined by line breaks; None when it holds blocks
/// (lists, code, tables) that cannot stand inside a paragraph.
pub fn inline_note_html(block_html: &str) -> Option<String> {
    let trimmed = block_html.trim();
    let inner = trimmed.strip_prefix("<p>")?.strip_suffix("</p>")?;
    let parts: Vec<&str> = inner.split("</p>\n<p>").collect();
    let blocky = [
        "<ul",
        "<ol",
        "<pre",
        "<table",
        "<blockquote",
        "<div",
        "<h",
        "<p",
    ];
    if parts.iter().any(|p| blocky.iter().any(|b| p.contains(b))) {
        return None;
    }
    Some(parts.join("<br>"))
}

/// `other.md#p3` → `other.html#p3` when `other.md` is a chapter.
fn rewrite_chapter_link<'a>(dest: &CowStr<'a>, pages: &HashMap<String, String>) -> CowStr<'a> {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest.as_ref(), None),
    };
    let file = path.rsplit('/').next().unwrap_or(path);
    if !path.ends_with(".md") || path.contains("://") {
        return dest.clone();
    }
    match pages.get(file) {
        Some(page) => {
            let mut url = page.clone();
            if let Some(f) = fragment {
                url.push('#');
                url.push_str(f);
            }
            url.into()
        }
        None => dest.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn render_md(md: &str) -> RenderedBody {
        let pages = HashMap::from([("02-other.md".to_owned(), "other.html".to_owned())]);
        render(
            &parse(md),
            &BodyOptions {
                paragraph_numbers: true,
                paragraph_label: "第{n}段",
                chapter_pages: &pages,
                raw_html: RawHtml::Keep,
                page_label: "第{n}页",
                page_inferred: "",
                page_unknown: "",
                pages: &[],
            },
            &[],
            &HashMap::new(),
        )
    }

    #[test]
    fn a_page_mark_goes_in_at_its_place_and_leaves_spans_nested() {
        let doc = parse("甲乙<!-- page 2 -->丙丁戊己。\n");
        let p = &doc.paragraphs()[0];
        // Two stretches with the same ends (a term that is all of a
        // quotation), in the text event the page mark cuts.
        let wrap = |open: &str, close: &str| Mark {
            events: p.events.clone(),
            start: 3,
            end: 5,
            kind: MarkKind::Wrap {
                open: open.into(),
                close: Some(close.into()),
                after: String::new(),
            },
        };
        let marks = [
            wrap("<span class=\"q\">", "</span>"),
            wrap("<a class=\"term\">", "</a>"),
        ];
        let pages = HashMap::new();
        let html = render(
            &doc,
            &BodyOptions {
                paragraph_numbers: false,
                paragraph_label: "{n}",
                chapter_pages: &pages,
                raw_html: RawHtml::Keep,
                page_label: "第{n}页",
                page_inferred: "",
                page_unknown: "",
                pages: &[],
            },
            &marks,
            &HashMap::new(),
        )
        .html;
        assert_eq!(
            html,
            "<p id=\"p1\">甲乙<span class=\"pb\" id=\"page-2\"><span class=\"vh\">第2页</span><span class=\"pb-n\" aria-hidden=\"true\">2</span></span>丙<span class=\"q\"><a class=\"term\">丁戊</a></span>己。</p>\n"
        );
    }

    #[test]
    fn raw_html_as_text_keeps_the_words_only() {
        assert_eq!(
            raw_html::words_of_html("a <span class=\"x\">b</span> c <div"),
            "a b c "
        );
        let doc = parse("One <span>two\n\n<div>three</div>\n\nA<sup>2</sup>.\n");
        assert!(raw_html::has_raw_html(&doc));
        let pages = HashMap::new();
        let render_with = |raw_html| {
            let options = BodyOptions {
                paragraph_numbers: false,
                paragraph_label: "{n}",
                chapter_pages: &pages,
                raw_html,
                page_label: "{n}",
                page_inferred: "",
                page_unknown: "",
                pages: &[],
            };
            render(&doc, &options, &[], &HashMap::new()).html
        };
        let html = render_with(RawHtml::Text);
        assert!(!html.contains("<span") && !html.contains("<div"), "{html}");
        assert!(!html.contains("<sup>"), "{html}");
        assert!(html.contains("two") && html.contains("three"), "{html}");
        // Only the paragraph whose HTML is not well-formed loses its tags.
        let html = render_with(RawHtml::TextWhereIllFormed);
        assert!(!html.contains("<span"), "{html}");
        assert!(html.contains("<div>three</div>"), "{html}");
        assert!(html.contains("A<sup>2</sup>."), "{html}");
        assert!(!raw_html::has_raw_html(&parse("No *markup* of its own.")));
    }

    /// 他说“甲乙丙丁”，好。 with `wraps` over 甲乙丙丁, then a note on the
    /// same words (its sidenote 注).
    fn quoted_and_noted(wraps: Vec<MarkKind>) -> String {
        let doc = parse("他说“甲乙丙丁”，好。\n");
        let unit = &doc.units()[0];
        let stretch = |kind| Mark {
            events: unit.events.clone(),
            start: 3,
            end: 7,
            kind,
        };
        let key = NoteKey::StandOff(0);
        let marks: Vec<Mark> = wraps
            .into_iter()
            .chain([MarkKind::Note {
                key,
                emended: false,
            }])
            .map(stretch)
            .collect();
        let sidenotes = HashMap::from([(key, "注".to_owned())]);
        let pages = HashMap::new();
        render(&doc, &plain_options(&pages), &marks, &sidenotes).html
    }

    #[test]
    fn a_sidenote_follows_the_quotation_marker_and_closing_marks_at_its_marker() {
        // A note on 甲乙丙丁, which is also a recurring quotation: its marker,
        // the quotation's marker, then ”，, and only then the note.
        let html = quoted_and_noted(vec![MarkKind::Wrap {
            open: "<span class=\"q\">".to_owned(),
            close: None,
            after: "<i>引</i>".to_owned(),
        }]);
        let (marker, side, quote, comma) = (
            html.find("fnref-1").unwrap(),
            html.find("class=\"sidenote\"").unwrap(),
            html.find("<i>引</i>").unwrap(),
            html.find("”，").unwrap(),
        );
        assert!(marker < quote && quote < comma && comma < side, "{html}");
        assert!(html.contains("”，<span class=\"sidenote\""), "{html}");
    }

    fn plain_options(pages: &HashMap<String, String>) -> BodyOptions<'_> {
        BodyOptions {
            paragraph_numbers: false,
            paragraph_label: "{n}",
            chapter_pages: pages,
            raw_html: RawHtml::Keep,
            page_label: "{n}",
            page_inferred: "",
            page_unknown: "",
            pages: &[],
        }
    }

    #[test]
    fn a_term_ending_with_the_quotation_keeps_the_sidenote_after_the_closing_marks() {
        // 甲乙丙丁 is a glossary term (an empty insert at its end), a
        // recurring quotation (its marker at its end) and a note's words.
        let wrap = |open: &str, after: &str| MarkKind::Wrap {
            open: open.to_owned(),
            close: Some("</span>".to_owned()),
            after: after.to_owned(),
        };
        let html = quoted_and_noted(vec![
            wrap("<span class=\"term\">", ""),
            wrap("<span class=\"q\">", "<i>引</i>"),
        ]);
        assert!(
            html.contains("<i>引</i>”，<span class=\"sidenote\" id=\"sn-1\">"),
            "{html}"
        );
        // Every word once, in order.
        assert_eq!(
            raw_html::words_of_html(&html),
            "他说“甲乙丙丁&#x2060;1引”，1 注好。\n"
        );
    }

    #[test]
    fn a_mark_past_the_end_of_its_text_is_dropped_and_the_text_stands_whole() {
        let doc = parse("甲乙丙。\n");
        let unit = &doc.units()[0];
        let marks = [Mark {
            events: unit.events.clone(),
            start: 2,
            end: 40,
            kind: MarkKind::Wrap {
                open: "<b>".to_owned(),
                close: Some("</b>".to_owned()),
                after: String::new(),
            },
        }];
        let pages = HashMap::new();
        let html = render(&doc, &plain_options(&pages), &marks, &HashMap::new()).html;
        assert_eq!(html, "<p id=\"p1\">甲乙丙。</p>\n");
    }

    /// `md` rendered with a span (`<b>`…`</b>`, or `<i>`) over characters
    /// `start..end` of its first unit, for each of `spans`.
    fn with_spans(md: &str, spans: &[(usize, usize, &str)]) -> String {
        let doc = parse(md);
        let unit = &doc.units()[0];
        let marks: Vec<Mark> = spans
            .iter()
            .map(|&(start, end, tag)| Mark {
                events: unit.events.clone(),
                start,
                end,
                kind: MarkKind::Wrap {
                    open: format!("<{tag}>"),
                    close: Some(format!("</{tag}>")),
                    after: String::new(),
                },
            })
            .collect();
        let pages = HashMap::new();
        render(&doc, &plain_options(&pages), &marks, &HashMap::new()).html
    }

    #[test]
    fn spans_in_one_text_nest_whatever_order_the_marks_come_in() {
        // The inner mark first: the outer one still opens first and closes
        // last, at both ends.
        assert_eq!(
            with_spans("甲乙丙丁戊。\n", &[(0, 2, "i"), (0, 4, "b")]),
            "<p id=\"p1\"><b><i>甲乙</i>丙丁</b>戊。</p>\n"
        );
        assert_eq!(
            with_spans("甲乙丙丁戊。\n", &[(2, 4, "i"), (0, 4, "b")]),
            "<p id=\"p1\"><b>甲乙<i>丙丁</i></b>戊。</p>\n"
        );
    }

    #[test]
    fn a_span_across_a_line_break_is_one_span_and_one_across_markup_is_none() {
        // CJK lines joined: two text events with nothing between them.
        let joined = with_spans("甲乙\n丙丁。\n", &[(1, 3, "b")]);
        assert_eq!(joined, "<p id=\"p1\">甲<b>乙丙</b>丁。</p>\n");
        // Across emphasis the span would cross its markup: none.
        let across = with_spans("甲*乙*丙。\n", &[(0, 3, "b")]);
        assert_eq!(across, "<p id=\"p1\">甲<em>乙</em>丙。</p>\n");
    }

    #[test]
    fn a_page_mark_where_a_span_ends_stands_after_it_and_one_where_it_begins_before() {
        let html = with_spans("甲乙<!-- page 2 -->丙丁。\n", &[(0, 2, "b"), (2, 4, "i")]);
        let (b_end, pb, i_open) = (
            html.find("</b>").unwrap(),
            html.find("class=\"pb\"").unwrap(),
            html.find("<i>").unwrap(),
        );
        assert!(b_end < pb && pb < i_open, "{html}");
    }

    #[test]
    fn aligned_columns_keep_their_alignment_beside_their_labels() {
        let body = render_md("|左|中|右|无|\n|:-|:-:|-:|-|\n|1|2|3|4|\n");
        for cell in [
            "<td data-label=\"左\" style=\"text-align: left\"><span class=\"row-anchor\" id=\"r2\"></span>1",
            "<td data-label=\"中\" style=\"text-align: center\">2",
            "<td data-label=\"右\" style=\"text-align: right\">3",
            "<td data-label=\"无\">4",
        ] {
            assert!(body.html.contains(cell), "{cell} in {}", body.html);
        }
    }

    /// `Positions::place` read plainly, event by event from the unit's
    /// first: the text event that holds the start, and the first event
    /// with text that holds the end (cut inside a text event; after code
    /// or a break, the next text event's start).
    fn place_by_scanning(document: &Document, mark: &Mark) -> Placed {
        let positions = Positions::new(document);
        let (lengths, begins) = (&positions.lengths, &positions.begins);
        let is_text = |i: usize| document.is_text(i);
        let range = mark.events.clone();
        let base = begins[range.start];
        let (start, end) = (base + mark.start, base + mark.end);
        let start_at = range
            .clone()
            .find(|&i| is_text(i) && begins[i] <= start && start < begins[i] + lengths[i])
            .map(|i| (i, start - begins[i]));
        let (end_event, end_offset) = range
            .clone()
            .find(|&i| lengths[i] > 0 && begins[i] < end && end <= begins[i] + lengths[i])
            .map(|i| {
                if is_text(i) {
                    (i, end - begins[i])
                } else {
                    (i + 1, 0)
                }
            })?;
        let end_at = match (end_event..range.end).find(|&i| is_text(i)) {
            Some(i) if i == end_event => (i, end_offset),
            Some(i) => (i, 0),
            None => (end_event, end_offset),
        };
        Some((start_at, end_at))
    }

    proptest::proptest! {
        #[test]
        fn marks_are_placed_as_a_plain_scan_places_them(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "[甲乙丙丁]{1,4}",
                    proptest::strategy::Just("*戊*".to_owned()),
                    proptest::strategy::Just("`code`".to_owned()),
                    proptest::strategy::Just("\n".to_owned()),
                    proptest::strategy::Just("[己](x.html)".to_owned()),
                    proptest::strategy::Just("<!-- page 3 -->".to_owned()),
                ],
                1..10,
            ),
            bounds in (0usize..40, 0usize..40),
        ) {
            let md = format!("{}。\n", pieces.concat());
            let doc = parse(&md);
            let units = doc.units();
            // (A line that opens with the page comment is an HTML block.)
            proptest::prop_assume!(!units.is_empty());
            let unit = &units[0];
            let length = unit.text.chars().count();
            let (a, b) = (bounds.0 % (length + 1), bounds.1 % (length + 1));
            let mark = Mark {
                events: unit.events.clone(),
                start: a.min(b),
                end: a.max(b),
                kind: MarkKind::Note { key: NoteKey::StandOff(0), emended: false },
            };
            let positions = Positions::new(&doc);
            proptest::prop_assert_eq!(
                positions.place(&doc, &mark),
                place_by_scanning(&doc, &mark),
                "{:?} {}..{}", md, mark.start, mark.end
            );
        }
    }

    #[test]
    fn paragraphs_carry_ids_and_numbers() {
        let body = render_md("甲。\n\n乙。\n");
        assert_eq!(
            body.html,
            "<p id=\"p1\"><a class=\"pnum\" href=\"#p1\" aria-label=\"第1段\">1</a>甲。</p>\n\
             <p id=\"p2\"><a class=\"pnum\" href=\"#p2\" aria-label=\"第2段\">2</a>乙。</p>\n"
        );
    }

    #[test]
    fn turns_and_footnotes() {
        let body = render_md("**采访组：**您好[^1]，再见[^1]。\n\n[^1]: 注。\n");
        assert!(
            body.html.starts_with("<p id=\"p1\" class=\"turn\">"),
            "{}",
            body.html
        );
        assert!(
            body.html
                .contains("<strong class=\"speaker\">采访组：</strong>")
        );
        assert!(body.html.contains("id=\"fnref-1\" href=\"#fn-1\""));
        assert!(body.html.contains("id=\"fnref-1-2\" href=\"#fn-1\""));
        assert_eq!(
            body.notes,
            [(
                NoteKey::Footnote(0),
                vec!["fnref-1".to_owned(), "fnref-1-2".to_owned()]
            )]
        );
    }

    #[test]
    fn a_notes_own_html_is_kept_or_read_as_its_words() {
        let doc = parse("甲<b>乙</b>丙。\n");
        let note = doc.events();
        assert_eq!(
            note_html_with(&note, RawHtml::Keep),
            "<p>甲<b>乙</b>丙。</p>\n"
        );
        assert_eq!(note_html_with(&note, RawHtml::Text), "<p>甲乙丙。</p>\n");
    }

    #[test]
    fn tables_are_wrapped_and_chapter_links_rewritten() {
        let body = render_md(
            "|a|b|\n|-|-|\n|1|2|\n\n[见](02-other.md#p3) [外](https://x.org/a.md) \
             [同名](https://x.org/02-other.md) [页](02-other.html)\n",
        );
        assert!(
            body.html
                .starts_with("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
            "{}",
            body.html
        );
        assert!(body.html.contains("href=\"other.html#p3\""));
        assert!(body.html.contains("href=\"https://x.org/a.md\""));
        // An address elsewhere keeps its file, whatever its name.
        assert!(body.html.contains("href=\"https://x.org/02-other.md\""));
        assert!(body.html.contains("href=\"02-other.html\""));
    }
}

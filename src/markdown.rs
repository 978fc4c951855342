//! Markdown body → `Document`: events with paragraph ids, heading ids,
//! footnotes collected and numbered, interview speakers recognised and
//! CJK line breaks made invisible. Knows nothing of HTML templates.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

use crate::model::{Document, Footnote, Heading, PageBreak, Paragraph, Units};

pub fn options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
}

pub fn parse(body: &str) -> Document {
    let mut events: Vec<Event<'static>> = Vec::new();
    let mut definitions: HashMap<String, Vec<Event<'static>>> = HashMap::new();
    let mut definition_order: Vec<String> = Vec::new();
    let mut current_definition: Option<(String, Vec<Event<'static>>)> = None;
    let mut pages = PageMarkReader::default();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        // An asterisk the author escaped (`\*`) must stay an asterisk when
        // `recover_cjk_strong` looks for literal `**` pairs: hide it as a
        // private-use character until then.
        // pulldown-cmark starts a text event at the escaped character, just
        // after its backslash.
        let escaped = range.start > 0 && body.as_bytes()[range.start - 1] == b'\\';
        let event = match event {
            Event::Text(t) if escaped && t.starts_with('*') => {
                Event::Text(CowStr::from(format!("{ESCAPED_ASTERISK}{}", &t[1..])))
            }
            event => event,
        };
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                current_definition = Some((label.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, body)) = current_definition.take() {
                    // The first definition of a label wins, as in CommonMark
                    // link reference definitions.
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        definitions.entry(label)
                    {
                        definition_order.push(slot.key().clone());
                        slot.insert(body);
                    }
                }
            }
            event => match &mut current_definition {
                Some((_, body)) => body.push(event.into_static()),
                None => pages.push(&mut events, event.into_static()),
            },
        }
    }
    pages.finish(&mut events);
    for events in std::iter::once(&mut events).chain(definitions.values_mut()) {
        merge_adjacent_text(events);
        recover_cjk_strong(events);
        restore_escaped_asterisks(events);
        join_cjk_line_breaks(events);
    }

    let page_breaks = pages.take(&mut events);
    let headings = name_headings(&mut events);
    let paragraphs = number_paragraphs(&events);
    let rows = number_rows(&events);
    let footnotes = number_footnotes(&events, definitions, definition_order);
    let units = Units {
        paragraphs,
        headings,
        rows,
    };
    Document::new(events, units, footnotes, page_breaks)
}

/// A page mark as the body writes it: `<!-- page 12 -->`, `<!-- page 12
/// inferred -->`, `<!-- page ? inferred -->` (a break whose page is not
/// known). An HTML comment, so that other Markdown tools show nothing.
pub fn page_mark(html: &str) -> Option<(Option<u32>, bool)> {
    let inner = html.trim().strip_prefix("<!--")?.strip_suffix("-->")?;
    let mut words = inner.split_whitespace();
    if words.next()? != "page" {
        return None;
    }
    let page = match words.next()? {
        "?" => None,
        n if n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()) => Some(n.parse().ok()?),
        _ => return None,
    };
    let inferred = match words.next() {
        None => false,
        Some("inferred") => true,
        Some(_) => return None,
    };
    words.next().is_none().then_some((page, inferred))
}

/// Stands for a page mark in the text until the passes that join and split
/// text events are done; then `take` notes where each stood.
const PAGE_MARK: char = '\u{F0B0}';

/// Page marks read out of the events as they come: an inline one becomes
/// `PAGE_MARK` in the text; one on a line of its own (an HTML block) goes
/// before the next text, the start of the block after it.
#[derive(Default)]
struct PageMarkReader {
    marks: Vec<(Option<u32>, bool)>,
    waiting: usize,
    in_block: bool,
}

impl PageMarkReader {
    fn push(&mut self, events: &mut Vec<Event<'static>>, event: Event<'static>) {
        match &event {
            Event::InlineHtml(html) if let Some(mark) = page_mark(html) => {
                self.marks.push(mark);
                events.push(Event::Text(PAGE_MARK.to_string().into()));
                return;
            }
            Event::Html(html) if let Some(mark) = page_mark(html) => {
                self.marks.push(mark);
                self.waiting += 1;
                if matches!(events.last(), Some(Event::Start(Tag::HtmlBlock))) {
                    events.pop();
                    self.in_block = true;
                }
                return;
            }
            Event::End(TagEnd::HtmlBlock) if self.in_block => {
                self.in_block = false;
                return;
            }
            Event::Text(_) if self.waiting > 0 => {
                let marks: String = std::iter::repeat_n(PAGE_MARK, self.waiting).collect();
                self.waiting = 0;
                events.push(Event::Text(marks.into()));
            }
            _ => {}
        }
        events.push(event);
    }

    /// Marks after the last text stand at the end.
    fn finish(&mut self, events: &mut Vec<Event<'static>>) {
        if self.waiting > 0 {
            let marks: String = std::iter::repeat_n(PAGE_MARK, self.waiting).collect();
            events.push(Event::Text(marks.into()));
        }
    }

    /// The marks out of the text, each with its place (`PageBreak::at`).
    fn take(self, events: &mut Vec<Event<'static>>) -> Vec<PageBreak> {
        if self.marks.is_empty() {
            return Vec::new();
        }
        let mut marks = self.marks.into_iter();
        let mut breaks = Vec::new();
        let mut at = 0;
        events.retain_mut(|event| {
            match event {
                Event::Text(t) if t.contains(PAGE_MARK) => {
                    let mut kept = String::with_capacity(t.len());
                    for c in t.chars() {
                        if c == PAGE_MARK {
                            if let Some((page, inferred)) = marks.next() {
                                breaks.push(PageBreak { at, page, inferred });
                            }
                        } else {
                            kept.push(c);
                            at += 1;
                        }
                    }
                    if kept.is_empty() {
                        return false;
                    }
                    *t = CowStr::from(kept);
                }
                Event::Text(t) | Event::Code(t) => at += t.chars().count(),
                Event::SoftBreak | Event::HardBreak => at += 1,
                _ => {}
            }
            true
        });
        breaks
    }
}

const ESCAPED_ASTERISK: char = '\u{F02A}';

fn restore_escaped_asterisks(events: &mut [Event<'static>]) {
    for event in events {
        if let Event::Text(t) = event
            && t.contains(ESCAPED_ASTERISK)
        {
            *t = CowStr::from(t.replace(ESCAPED_ASTERISK, "*"));
        }
    }
}

/// pulldown-cmark splits text at every potential delimiter; one Text event
/// per run of text keeps the later passes simple.
fn merge_adjacent_text(events: &mut Vec<Event<'static>>) {
    let mut merged: Vec<Event<'static>> = Vec::with_capacity(events.len());
    // A run is gathered in one growing string, not joined pairwise: a
    // paragraph of a whole book is thousands of pieces, and copying what
    // was joined so far at each piece made its parse quadratic.
    let mut run: Option<String> = None;
    for event in events.drain(..) {
        match event {
            Event::Text(next) => match (&mut run, merged.last()) {
                (Some(text), _) => text.push_str(&next),
                (None, Some(Event::Text(_))) => {
                    let Some(Event::Text(previous)) = merged.pop() else {
                        unreachable!("the last event is a text");
                    };
                    let mut text = previous.into_string();
                    text.push_str(&next);
                    run = Some(text);
                }
                (None, _) => merged.push(Event::Text(next)),
            },
            event => {
                if let Some(text) = run.take() {
                    merged.push(Event::Text(CowStr::from(text)));
                }
                merged.push(event);
            }
        }
    }
    if let Some(text) = run.take() {
        merged.push(Event::Text(CowStr::from(text)));
    }
    *events = merged;
}

/// CommonMark will not close `**` after punctuation when a letter follows,
/// so `**采访组：**您好` stays literal in Chinese, where no space follows
/// punctuation. A `**...**` pair left literal within one run of text, around
/// text that holds CJK, is read as the strong emphasis the author meant.
fn recover_cjk_strong(events: &mut Vec<Event<'static>>) {
    let mut i = 0;
    while i < events.len() {
        let Event::Text(text) = &events[i] else {
            i += 1;
            continue;
        };
        let Some((before, inner, after)) = literal_strong(text) else {
            i += 1;
            continue;
        };
        let (before, inner, after) = (before.to_owned(), inner.to_owned(), after.to_owned());
        let mut replacement = Vec::with_capacity(5);
        if !before.is_empty() {
            replacement.push(Event::Text(before.into()));
        }
        replacement.push(Event::Start(Tag::Strong));
        replacement.push(Event::Text(inner.into()));
        replacement.push(Event::End(TagEnd::Strong));
        let step = replacement.len();
        if !after.is_empty() {
            replacement.push(Event::Text(after.into()));
        }
        events.splice(i..i + 1, replacement);
        // Continue with the text after the pair, which may hold another.
        i += step;
    }
}

fn literal_strong(text: &str) -> Option<(&str, &str, &str)> {
    let open = text.find("**")?;
    let rest = &text[open + 2..];
    let close = rest.find("**")?;
    let inner = &rest[..close];
    let tight = !inner.is_empty()
        && !inner.starts_with(char::is_whitespace)
        && !inner.ends_with(char::is_whitespace)
        && !inner.contains('*');
    (tight && inner.chars().any(is_cjk)).then(|| (&text[..open], inner, &rest[close + 2..]))
}

/// A soft line break between two CJK characters is no space at all (as in
/// pandoc's east_asian_line_breaks); elsewhere it stays a space.
fn join_cjk_line_breaks(events: &mut Vec<Event<'static>>) {
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::SoftBreak) && i > 0 {
            let before = last_char(&events[i - 1]);
            let after = events.get(i + 1).and_then(first_char);
            if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) {
                events.remove(i);
                continue;
            }
        }
        i += 1;
    }
}

fn last_char(event: &Event) -> Option<char> {
    match event {
        Event::Text(t) | Event::Code(t) => t.chars().next_back(),
        _ => None,
    }
}

fn first_char(event: &Event) -> Option<char> {
    match event {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    }
}

/// Han, kana, hangul, and the full-width punctuation that goes with them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F
        | 0x3190..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// `char::is_alphanumeric`, answered without a table lookup for ASCII and
/// the CJK Unified Ideographs block (all letters), which are nearly every
/// character of a Chinese edition and hot in tokenizing and diffing.
#[inline]
pub fn is_letter_or_digit(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0x4E00..=0x9FFF => true,
        // The commonest Chinese punctuation: neither letter nor digit.
        0x3001 | 0x3002 | 0x201C | 0x201D | 0xFF0C | 0xFF1A | 0xFF1B | 0xFF01 | 0xFF1F => false,
        _ => c.is_alphanumeric(),
    }
}

/// Gives every heading an id: its own `{#id}` if it has one, else one made
/// from its text, made unique within the chapter.
fn name_headings(events: &mut [Event<'static>]) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level as u8;
            let explicit = id.as_ref().map(|s| s.to_string());
            let end = (i..events.len())
                .find(|&j| matches!(events[j], Event::End(TagEnd::Heading(_))))
                .unwrap_or(events.len());
            let text = plain_text(&events[i + 1..end]);
            let base = explicit.unwrap_or_else(|| {
                let made = slugify(&text);
                if made.is_empty() {
                    format!("section-{}", headings.len() + 1)
                } else {
                    made
                }
            });
            let mut unique = base.clone();
            let mut n = 2;
            // Paragraph ids (`p1`...) and footnote ids share the page.
            while taken.contains(&unique) || looks_generated(&unique) {
                unique = format!("{base}-{n}");
                // `fnref-1` numbered on is `fnref-1-2`, a note reference's
                // id again, and so on forever: a letter ends it.
                if looks_generated(&unique) {
                    unique = format!("{base}-h{n}");
                }
                n += 1;
            }
            taken.insert(unique.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            headings.push(Heading {
                level,
                id: unique,
                text,
                events: i..end + 1,
            });
            i = end;
        }
        i += 1;
    }
    headings
}

fn looks_generated(id: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let numbered = |prefix: &str| id.strip_prefix(prefix).is_some_and(digits);
    let fnref = id
        .strip_prefix("fnref-")
        .is_some_and(|rest| rest.split('-').all(digits));
    numbered("p") || numbered("r") || numbered("fn-") || numbered("sn-") || fnref
}

/// An id from heading text: letters and digits of any script kept,
/// ASCII lowercased, everything else folded into single hyphens.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    out
}

/// The text a reader sees in these events, without markup.
pub fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Numbers the paragraphs of the body, `p1`, `p2`, ..., in reading order,
/// including those in block quotes and loose lists.
fn number_paragraphs(events: &[Event<'static>]) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    let mut start = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph) => start = Some(i),
            Event::End(TagEnd::Paragraph) => {
                if let Some(s) = start.take() {
                    let inner = &events[s + 1..i];
                    let number = paragraphs.len() + 1;
                    paragraphs.push(Paragraph {
                        id: format!("p{number}"),
                        number,
                        text: plain_text(inner),
                        speaker: speaker(inner),
                        events: s..i + 1,
                    });
                }
            }
            _ => {}
        }
    }
    paragraphs
}

/// Numbers table rows, `r1`, `r2`, ..., head rows included, in reading order.
fn number_rows(events: &[Event<'static>]) -> Vec<Paragraph> {
    let mut rows = Vec::new();
    let mut start = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::TableRow | Tag::TableHead) => start = Some(i),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                if let Some(s) = start.take() {
                    let number = rows.len() + 1;
                    rows.push(Paragraph {
                        id: format!("r{number}"),
                        number,
                        text: plain_text(&events[s + 1..i]),
                        speaker: None,
                        events: s..i + 1,
                    });
                }
            }
            _ => {}
        }
    }
    rows
}

/// An interview turn starts with its speaker in bold, the colon inside or
/// right after the bold: `**采访组：**...`, `**Q:** ...`, `**胡庆国**：...`.
fn speaker(inner: &[Event]) -> Option<String> {
    if !matches!(inner.first(), Some(Event::Start(Tag::Strong))) {
        return None;
    }
    let end = inner
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Strong)))?;
    let label = plain_text(&inner[1..end]);
    let label = label.trim();
    let is_colon = |c: char| c == '：' || c == ':';
    let name = if let Some(name) = label.strip_suffix(is_colon) {
        name
    } else if first_char(inner.get(end + 1)?).is_some_and(is_colon) {
        label
    } else {
        return None;
    };
    let name = name.trim();
    // A whole bold sentence that happens to end in a colon is not a name.
    (!name.is_empty() && name.chars().count() <= 24).then(|| name.to_owned())
}

fn number_footnotes(
    events: &[Event<'static>],
    mut definitions: HashMap<String, Vec<Event<'static>>>,
    definition_order: Vec<String>,
) -> Vec<Footnote> {
    let mut footnotes: Vec<Footnote> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for event in events {
        if let Event::FootnoteReference(label) = event {
            let label = label.to_string();
            if let Some(&i) = index.get(&label) {
                footnotes[i].references += 1;
            } else if let Some(body) = definitions.remove(&label) {
                index.insert(label.clone(), footnotes.len());
                footnotes.push(Footnote {
                    label,
                    number: footnotes.len() + 1,
                    references: 1,
                    events: body,
                });
            }
        }
    }
    for label in definition_order {
        if let Some(body) = definitions.remove(&label) {
            footnotes.push(Footnote {
                label,
                number: footnotes.len() + 1,
                references: 0,
                events: body,
            });
        }
    }
    footnotes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_units_text_events_borrow_its_text_and_a_copy_keeps_them() {
        let body = "## 第一部分的标题，足够长以免内联存放\n\n\
                    这是第一段，它的文字足够长，\n跨过一个换行，还有`代码片段也要够长才行`和**加粗的说法也要够长**。\n\n\
                    An English paragraph long enough to be boxed,\nwrapped once, with \\*an escaped star.\n\n\
                    前半段文字足够长足够长<!-- page 12 -->后半段文字也足够长足够长。\n\n\
                    | 第一列的表头足够长足够长 | 第二列 |\n|---|---|\n| 单元格的内容足够长足够长足够长 | 二 |\n\n\
                    - 紧凑列表项的文字不在段落之内所以自己保存\n";
        let doc = parse(body);
        let units = doc.units();
        assert_eq!(units.len(), 6, "{units:?}");
        let mut borrowed = 0;
        for unit in &units {
            let events = &doc.events()[unit.events.clone()];
            assert_eq!(plain_text(events), unit.text, "{}", unit.id);
            let span = unit.text.as_bytes().as_ptr_range();
            for event in events {
                if let Event::Text(t) | Event::Code(t) = event {
                    assert!(
                        !matches!(t, CowStr::Boxed(_)),
                        "{}: {t:?} is a copy",
                        unit.id
                    );
                    if let CowStr::Borrowed(b) = t {
                        assert!(span.contains(&b.as_ptr()), "{}: {b:?}", unit.id);
                        borrowed += 1;
                    }
                }
            }
        }
        assert!(borrowed >= 8, "{borrowed}");
        // Outside any unit (a tight list item) text keeps its own copy.
        let in_a_unit = |t: &str| {
            units
                .iter()
                .any(|u| u.text.as_bytes().as_ptr_range().contains(&t.as_ptr()))
        };
        assert!(
            doc.events()
                .iter()
                .any(|e| matches!(e, Event::Text(t) if t.contains("紧凑列表项") && !in_a_unit(t)))
        );
        // A copy's events borrow the copy's text, and say the same.
        let copy = doc.clone();
        drop(doc);
        let again = parse(body);
        assert_eq!(copy.events(), again.events());
        for unit in copy.units() {
            let span = unit.text.as_bytes().as_ptr_range();
            for event in &copy.events()[unit.events.clone()] {
                if let Event::Text(CowStr::Borrowed(b)) = event {
                    assert!(span.contains(&b.as_ptr()), "{}: {b:?}", unit.id);
                }
            }
        }
    }

    #[test]
    fn paragraphs_are_numbered_in_order() {
        let doc = parse("# T\n\n一段。\n\n> 引文。\n\n- a\n\n- b\n");
        let ids: Vec<_> = doc.paragraphs().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["p1", "p2", "p3", "p4"]);
        assert_eq!(doc.paragraphs()[1].text, "引文。");
    }

    #[test]
    fn cjk_soft_breaks_vanish_but_latin_ones_stay() {
        let doc = parse("中文\n断行\n\nEnglish\nwords\n\n中文\nand English\n\nEnglish and\n中文\n");
        let texts: Vec<_> = doc.paragraphs().iter().map(|p| p.text.as_str()).collect();
        // A break vanishes only with CJK on both sides: the character
        // before it and the one after.
        assert_eq!(
            texts,
            [
                "中文断行",
                "English words",
                "中文 and English",
                "English and 中文"
            ]
        );
    }

    #[test]
    fn speakers_are_recognised_in_both_forms() {
        let doc = parse(
            "**采访组：**您好！\n\n**胡庆国**：您好。\n\n**重要**的话\n\n**Q:** why?\n\n**：**无名\n\n**这是一个很长很长的加粗句子而且它恰好以冒号结尾就像这样：**后文\n",
        );
        let speakers: Vec<_> = doc
            .paragraphs()
            .iter()
            .map(|p| p.speaker.as_deref())
            .collect();
        // No name before the colon, or a whole bold sentence: no speaker.
        assert_eq!(
            speakers,
            [Some("采访组"), Some("胡庆国"), None, Some("Q"), None, None]
        );
        // Each paragraph's events run from its start to its end, both in.
        for p in doc.paragraphs() {
            assert!(matches!(
                doc.events()[p.events.start],
                Event::Start(Tag::Paragraph)
            ));
            assert!(matches!(
                doc.events()[p.events.end - 1],
                Event::End(TagEnd::Paragraph)
            ));
        }
    }

    #[test]
    fn table_rows_are_numbered_head_first() {
        let doc = parse("| 年份 | 事项 |\n|---|---|\n| 2012 | 甲 |\n| 2013 | 乙 |\n");
        let rows: Vec<(&str, usize, &str)> = doc
            .rows()
            .iter()
            .map(|r| (r.id.as_str(), r.number, r.text.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("r1", 1, "年份事项"),
                ("r2", 2, "2012甲"),
                ("r3", 3, "2013乙")
            ]
        );
        for r in doc.rows() {
            assert!(matches!(
                doc.events()[r.events.start],
                Event::Start(Tag::TableHead | Tag::TableRow)
            ));
            assert!(matches!(
                doc.events()[r.events.end - 1],
                Event::End(TagEnd::TableHead | TagEnd::TableRow)
            ));
        }
    }

    #[test]
    fn strong_after_cjk_punctuation_is_recovered() {
        let doc = parse("**采访组：**您好，**注意：**这里。\n\n2**3**4 and ** x **\n");
        let strong = doc
            .events()
            .iter()
            .filter(|e| matches!(e, Event::Start(Tag::Strong)))
            .count();
        assert_eq!(strong, 3, "{:?}", doc.events());
        assert_eq!(doc.paragraphs()[0].text, "采访组：您好，注意：这里。");
        assert_eq!(doc.paragraphs()[0].speaker.as_deref(), Some("采访组"));
        assert_eq!(doc.paragraphs()[1].text, "234 and ** x **");
        let escaped = parse("写作\\*\\*重点\\*\\*，\n");
        assert_eq!(escaped.paragraphs()[0].text, "写作**重点**，");
        assert!(
            !escaped
                .events()
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::Strong)))
        );
        // Asterisks around words that begin or end with a space are no
        // emphasis, CJK or not.
        for source in [
            "写作** 重点**，\n",
            "写作**重点 **，\n",
            "写作** 重点 **，\n",
        ] {
            let loose = parse(source);
            assert!(
                !loose
                    .events()
                    .iter()
                    .any(|e| matches!(e, Event::Start(Tag::Strong))),
                "{source}: {:?}",
                loose.events()
            );
            assert_eq!(loose.paragraphs()[0].text, source.trim_end(), "{source}");
        }
        // An escaped asterisk right before a bare one makes no pair with
        // it: `\**采访组：**` is an asterisk and a lone `*…**`, all literal.
        let before_bare = parse("\\**采访组：**您好\n");
        assert_eq!(before_bare.paragraphs()[0].text, "**采访组：**您好");
        assert!(
            !before_bare
                .events()
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::Strong))),
            "{:?}",
            before_bare.events()
        );
    }

    #[test]
    fn footnotes_numbered_by_first_reference() {
        let doc = parse("甲[^b]乙[^a]丙[^b]\n\n[^a]: 注甲\n[^b]: 注乙\n[^c]: 未引\n");
        let got: Vec<_> = doc
            .footnotes
            .iter()
            .map(|f| (f.label.as_str(), f.number, f.references))
            .collect();
        assert_eq!(got, [("b", 1, 2), ("a", 2, 1), ("c", 3, 0)]);
        assert_eq!(
            doc.paragraphs().len(),
            1,
            "definitions are not body paragraphs"
        );
    }

    #[test]
    fn heading_ids_are_unique_and_keep_cjk() {
        let doc = parse(
            "## 一、办公室工作\n\n## 一、办公室工作\n\n## Hello, World!\n\n## p1\n\n## 段 {#custom}\n\n## 一、办公室工作\n\n## ……\n\n## r3\n\n## fn-1\n\n## sn-2\n\n## fnref 1\n\n## fnref-1-2\n\n## P\n\n## Pa\n",
        );
        let ids: Vec<_> = doc.headings().iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "一-办公室工作",
                "一-办公室工作-2",
                "hello-world",
                "p1-2",
                "custom",
                "一-办公室工作-3",
                // No letter or digit to make an id of: its place among
                // the headings, counted from one.
                "section-7",
                // Ids of the kinds made for rows and notes are left to them.
                "r3-2",
                "fn-1-2",
                "sn-2-2",
                "fnref-1-h2",
                "fnref-1-2-h2",
                // A prefix alone, or with no number after it, is free.
                "p",
                "pa"
            ]
        );
        // Each heading's events run from its start to its end, both in.
        for h in doc.headings() {
            assert!(matches!(
                doc.events()[h.events.start],
                Event::Start(Tag::Heading { .. })
            ));
            assert!(matches!(
                doc.events()[h.events.end - 1],
                Event::End(TagEnd::Heading(_))
            ));
        }
    }

    #[test]
    fn page_marks_are_read_out_of_the_text_at_their_place() {
        use crate::model::{PageBreak, PageFrame, PageMarks, Pages};
        let doc = parse(
            "甲乙<!-- page 12 -->丙丁。\n\n<!-- page 13 inferred -->\n\n**问：**戊<!-- page ? inferred -->己。\n\n庚<!-- a comment -->辛。\n",
        );
        // The words are as if the marks were not there; an HTML comment
        // that is no page mark stays the author's HTML.
        let texts: Vec<&str> = doc.paragraphs().iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["甲乙丙丁。", "问：戊己。", "庚辛。"]);
        assert_eq!(doc.paragraphs()[1].speaker.as_deref(), Some("问"));
        let at = |at, page, inferred| PageBreak { at, page, inferred };
        assert_eq!(
            doc.page_breaks,
            [
                at(2, Some(12), false),
                at(5, Some(13), true),
                at(8, None, true)
            ]
        );
        // Every break marked: pages counted on from the last number.
        let frame = PageFrame {
            first: Some(11),
            marks: PageMarks::All,
            limit: None,
        };
        let pages = |first, last| Some(Pages { first, last });
        assert_eq!(doc.break_pages(frame), [Some(12), Some(13), Some(14)]);
        assert_eq!(
            doc.paragraph_pages(frame),
            [pages(11, 12), pages(13, 14), pages(14, 14)]
        );
        // Only the breaks inside paragraphs: a paragraph between two whose
        // pages leave room for a break unmarked has no page.
        let inside = PageFrame {
            marks: PageMarks::InsideParagraphs,
            ..frame
        };
        assert_eq!(doc.break_pages(inside), [Some(12), Some(13), None]);
        assert_eq!(
            doc.paragraph_pages(inside),
            [pages(11, 12), pages(13, 14), None]
        );
        // The next piece's page closes the room: the last is settled too.
        let closed = PageFrame {
            limit: Some(14),
            ..inside
        };
        assert_eq!(doc.break_pages(closed), [Some(12), Some(13), Some(14)]);
        assert_eq!(doc.paragraph_pages(closed)[2], pages(14, 14));
        // Headings and table rows are counted as paragraphs are.
        let doc = parse(
            "甲乙<!-- page 12 -->丙丁。\n\n## 一、标题\n\n| 年 | 事 |\n|---|---|\n| 1990 | 戊<!-- page 13 -->己 |\n",
        );
        assert_eq!(doc.heading_pages(frame), [pages(12, 12)]);
        assert_eq!(doc.row_pages(frame)[1..], [pages(12, 13)]);
    }

    #[test]
    fn only_a_well_formed_page_mark_is_one() {
        assert_eq!(page_mark("<!-- page 3 -->"), Some((Some(3), false)));
        assert_eq!(page_mark("<!--page 3 inferred-->\n"), Some((Some(3), true)));
        assert_eq!(page_mark("<!-- page ? inferred -->"), Some((None, true)));
        for not in [
            "<!-- page -->",
            "<!-- page three -->",
            "<!-- page 3 guessed -->",
            "<!-- pages 3 -->",
            "<!-- page 3 inferred x -->",
            "<!-- page +3 -->",
            "<!-- page 1234567 -->",
            "<span>",
        ] {
            assert_eq!(page_mark(not), None, "{not}");
        }
        assert_eq!(
            page_mark("<!-- page 123456 -->"),
            Some((Some(123456), false))
        );
    }

    #[test]
    fn a_page_mark_after_the_last_words_stands_at_their_end_and_leaves_no_html() {
        let doc = parse("甲乙。\n\n<!-- page 4 -->\n");
        assert_eq!(
            doc.page_breaks,
            [crate::model::PageBreak {
                at: 3,
                page: Some(4),
                inferred: false
            }]
        );
        // The mark's HTML block is gone, start and end; the author's own
        // HTML block keeps both.
        let doc = parse("<!-- page 4 -->\n\n甲乙。\n\n<div>丙</div>\n");
        let starts = doc
            .events()
            .iter()
            .filter(|e| matches!(e, Event::Start(Tag::HtmlBlock)))
            .count();
        let ends = doc
            .events()
            .iter()
            .filter(|e| matches!(e, Event::End(TagEnd::HtmlBlock)))
            .count();
        assert_eq!((starts, ends), (1, 1));
    }
}

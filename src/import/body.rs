//! A piece's blocks → Markdown. Paragraphs cut by a page break are joined
//! again; a character repeated across the break is dropped (with an
//! emendation note) unless the doubling occurs elsewhere in the book;
//! headings are read from their numbering and shape; interview turns get
//! their speaker in bold; tab-separated rows become a table. The words are
//! the source's: Markdown syntax characters are escaped, never dropped.

use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::import::text::{Block, char_count, ends_sentence, has_sentence_punctuation};
use crate::import::{Emendation, HeadingNote, Judgement, Language};
use crate::model::Interview;

pub struct BodyContext {
    pub language: Language,
    /// Every run of 1 to 4 characters that stands doubled (常常, 谢谢) within
    /// a block of the source: a doubling across a page break that is also
    /// attested here is the author's, not the printer's.
    doubled: HashSet<String>,
    /// The source marks its page breaks (form feeds): a paragraph is then
    /// joined to the next block only across one, never across a blank line
    /// that no page break explains.
    pages_marked: bool,
}

impl BodyContext {
    pub fn new(blocks: &[Block], language: Language) -> BodyContext {
        let mut doubled = HashSet::new();
        for block in blocks {
            let chars: Vec<char> = block.text().chars().collect();
            for i in 0..chars.len() {
                for n in 1..=MAX_DOUBLED.min((chars.len() - i) / 2) {
                    if chars[i..i + n] == chars[i + n..i + 2 * n] {
                        doubled.insert(chars[i..i + n].iter().collect());
                    }
                }
            }
        }
        BodyContext {
            language,
            doubled,
            pages_marked: blocks.iter().any(|b| b.at_page_foot),
        }
    }
}

/// Where the source's page breaks stand in the Markdown until
/// `pieces::number_pages` writes them as page marks: inside a paragraph
/// that a break cut, and on a line of their own between blocks.
pub const BREAK_IN_PARAGRAPH: char = '\u{F0B1}';
pub const BREAK_BETWEEN: char = '\u{F0B2}';

impl BodyContext {
    /// Whether the source marks its page breaks (form feeds, page numbers
    /// and running heads): its breaks are then exact, every one of them.
    pub fn pages_marked(&self) -> bool {
        self.pages_marked
    }
}

/// The longest repeated run looked for at a page break.
const MAX_DOUBLED: usize = 4;

pub struct Converted {
    pub markdown: String,
    pub paragraphs: usize,
    pub turns: usize,
    /// Turns opened by a question label (Question:, Q:, 问：, 记者：).
    pub question_turns: usize,
    pub table_rows: usize,
    pub first_person_per_thousand: f64,
    pub judgements: Vec<Judgement>,
    pub emendations: Vec<Emendation>,
    pub headings: Vec<HeadingNote>,
    /// The source line of each page break in the Markdown (the foot of the
    /// page that ends), in order.
    pub breaks: Vec<usize>,
}

#[derive(Debug)]
enum Part {
    Paragraph {
        text: String,
        last_line: usize,
    },
    Heading {
        level: usize,
        text: String,
    },
    Table(Vec<Vec<String>>),
    /// A page break between blocks.
    Break,
}

static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:([一二三四五六七八九十百]+、)|([（(][一二三四五六七八九十百]+[）)])|(第[一二三四五六七八九十百]+[章节部分篇])|([IVXLC]+\.\s)|(\d{1,2}\.\s?\D))").unwrap()
});

/// A short line numbered as a heading is (一、, （一）, 第一章, I., 1.).
pub fn is_numbered_heading(text: &str) -> bool {
    NUMBERED_HEADING.is_match(text) && char_count(text) <= 40
}

/// `speaker_labels`: labels known to open turns (the interviewers' group
/// label as the particulars give it), besides the names of the particulars.
/// `header_breaks`: the page breaks in the piece's title and header (their
/// lines), which stand before its first block.
pub fn convert(
    blocks: &[Block],
    interview: Option<&Interview>,
    speaker_labels: &[String],
    context: &BodyContext,
    header_breaks: &[usize],
) -> Converted {
    let mut parts: Vec<Part> = header_breaks.iter().map(|_| Part::Break).collect();
    let mut breaks: Vec<usize> = header_breaks.to_vec();
    let mut judgements = Vec::new();
    let mut emendations = Vec::new();
    let mut headings = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        // The source marks a page break before this block.
        let page_before = context.pages_marked && i > 0 && blocks[i - 1].at_page_foot;
        if block.lines.iter().filter(|l| l.contains('\t')).count() * 2 > block.lines.len() {
            let rows = block
                .lines
                .iter()
                .map(|l| l.split('\t').map(|c| c.trim().to_owned()).collect())
                .collect();
            judgements.push(Judgement {
                line: block.line,
                text: format!(
                    "lines {}–{}: tab-separated rows read as a table",
                    block.line,
                    block.last_line()
                ),
            });
            parts.push(Part::Table(rows));
            continue;
        }
        let text = block.text();
        if block.lines.len() > 1 {
            judgements.push(Judgement {
                line: block.line,
                text: format!(
                    "lines {}–{}: wrapped lines joined into one paragraph",
                    block.line,
                    block.last_line()
                ),
            });
        }
        let numbered = NUMBERED_HEADING.captures(&text);
        let numbered_heading = numbered.is_some() && char_count(&text) <= 40;
        // A paragraph cut by a page break goes on in this block.
        let paragraphs_so_far = parts
            .iter()
            .filter(|p| matches!(p, Part::Paragraph { .. }))
            .count();
        if let Some(Part::Paragraph {
            text: previous,
            last_line,
            ..
        }) = parts.last_mut()
        {
            // Where the source marks its pages, only a page break may cut
            // a paragraph. (A paragraph stands before: so does a block.)
            let across_page = !context.pages_marked || blocks[i - 1].at_page_foot;
            if !ends_sentence(previous) && !numbered_heading && across_page {
                let (joined, emendation) =
                    join_across_break(previous, &text, *last_line, block.line, context);
                judgements.push(Judgement {
                    line: *last_line,
                    text: format!(
                        "lines {} and {}: paragraph cut mid-sentence (“…{}” / “{}…”) joined",
                        last_line,
                        block.line,
                        tail(previous, 6),
                        head(&text, 6)
                    ),
                });
                if let Some(mut e) = emendation {
                    e.paragraph = paragraphs_so_far - 1;
                    emendations.push(e);
                }
                breaks.push(*last_line);
                *previous = joined;
                *last_line = block.last_line();
                continue;
            }
        }
        if page_before {
            breaks.push(blocks[i - 1].last_line());
            parts.push(Part::Break);
        }
        if numbered_heading {
            judgements.push(Judgement {
                line: block.line,
                text: format!(
                    "line {}: “{}” read as a heading (numbered)",
                    block.line, text
                ),
            });
            let caps = numbered.unwrap();
            let level = if caps.get(1).is_some() || caps.get(3).is_some() || caps.get(4).is_some() {
                2
            } else {
                3
            };
            parts.push(Part::Heading { level, text });
            continue;
        }
        let is_last = i + 1 == blocks.len();
        // A short line of its own with no punctuation but quotes and
        // brackets is a heading; a page-break fragment has commas.
        let heading_shaped = char_count(&text) <= 40
            && block.lines.len() == 1
            && !text.contains(['，', '、', '；', '：', '。', '！', '？', ',', ';', ':'])
            && !has_sentence_punctuation(&text)
            && !ends_sentence(&text)
            && !is_last
            && !block.at_page_foot
            && !text.contains('\t');
        if heading_shaped {
            judgements.push(Judgement {
                line: block.line,
                text: format!("line {}: “{}” read as a heading (a short line of its own, no sentence punctuation, not numbered)", block.line, text),
            });
            headings.push(HeadingNote {
                line: block.line,
                text: text.clone(),
                reason: context.language.heading_reason(block.line),
            });
            parts.push(Part::Heading { level: 2, text });
            continue;
        }
        parts.push(Part::Paragraph {
            text,
            last_line: block.last_line(),
        });
    }
    if let Some(Part::Paragraph {
        text, last_line, ..
    }) = parts.last()
        && !ends_sentence(text)
    {
        judgements.push(Judgement {
                line: *last_line,
                text: format!("line {last_line}: the piece's last paragraph ends without sentence punctuation (“…{}”); left as it is", tail(text, 8)),
            });
    }

    let speakers = speakers(&parts, interview, speaker_labels);
    let mut markdown = String::new();
    let (mut paragraphs, mut turns, mut table_rows) = (0, 0, 0);
    let mut question_turns = 0;
    let mut first_person = 0usize;
    let mut chars = 0usize;
    for part in &parts {
        if !markdown.is_empty() {
            markdown.push('\n');
        }
        match part {
            Part::Break => {
                markdown.push(BREAK_BETWEEN);
                markdown.push('\n');
            }
            Part::Heading { level, text } => {
                markdown.push_str(&"#".repeat(*level));
                markdown.push(' ');
                markdown.push_str(&escape(text));
                markdown.push('\n');
            }
            Part::Paragraph { text, .. } => {
                paragraphs += 1;
                chars += char_count(text) - text.matches(BREAK_IN_PARAGRAPH).count();
                first_person += context.language.first_person_count(text);
                match speaker_of(text, &speakers) {
                    Some(label_end) => {
                        turns += 1;
                        if label_of(text).is_some_and(is_question_label) {
                            question_turns += 1;
                        }
                        markdown.push_str("**");
                        markdown.push_str(&escape(&text[..label_end]));
                        markdown.push_str("**");
                        markdown.push_str(&escape_inline(&text[label_end..]));
                    }
                    None => markdown.push_str(&escape(text)),
                }
                markdown.push('\n');
            }
            Part::Table(rows) => {
                table_rows += rows.len().saturating_sub(1);
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                for (r, row) in rows.iter().enumerate() {
                    markdown.push('|');
                    for c in 0..width {
                        markdown.push(' ');
                        markdown.push_str(
                            &escape_inline(row.get(c).map_or("", String::as_str))
                                .replace('|', "\\|"),
                        );
                        markdown.push_str(" |");
                    }
                    markdown.push('\n');
                    if r == 0 {
                        markdown.push('|');
                        markdown.push_str(&"---|".repeat(width));
                        markdown.push('\n');
                    }
                }
            }
        }
    }
    Converted {
        markdown,
        paragraphs,
        turns,
        question_turns,
        table_rows,
        first_person_per_thousand: if chars == 0 {
            0.0
        } else {
            first_person as f64 * 1000.0 / chars as f64
        },
        judgements,
        emendations,
        headings,
        breaks,
    }
}

/// Joins `next` to `previous` across a page break; when the break repeats
/// the last characters of the page at the top of the next (对中 / 中国特色),
/// and that doubling occurs nowhere else in the book, one copy is dropped.
fn join_across_break(
    previous: &str,
    next: &str,
    previous_line: usize,
    next_line: usize,
    context: &BodyContext,
) -> (String, Option<Emendation>) {
    let prev: Vec<char> = previous.chars().collect();
    let nxt: Vec<char> = next.chars().collect();
    for n in (1..=MAX_DOUBLED).rev() {
        if prev.len() < n || nxt.len() <= n {
            continue;
        }
        let repeated: String = prev[prev.len() - n..].iter().collect();
        let starts: String = nxt[..n].iter().collect();
        if repeated != starts || !repeated.chars().all(|c| c.is_alphanumeric()) {
            continue;
        }
        if context.doubled.contains(&repeated) {
            // A real reduplication (常常, 谢谢): keep both.
            continue;
        }
        let rest: String = nxt[n..].iter().collect();
        // The reading with a character or two around it, as a 校勘记 cites
        // it, and a little more around that to find the place again.
        let before: String = prev[..prev.len() - n].iter().collect();
        let (lead, after) = (tail(&before, 1), head(&rest, 3));
        let emendation = Emendation {
            line: previous_line,
            exact: format!("{lead}{repeated}{after}"),
            original: format!("{lead}{repeated}{repeated}{after}"),
            prefix: tail(&before[..before.len() - lead.len()], 8),
            suffix: head(&rest[after.len()..], 8),
            paragraph: 0,
            reason: context
                .language
                .duplicate_reason(&repeated, previous_line, next_line),
        };
        return (joined_at_break(previous, &rest), Some(emendation));
    }
    (joined_at_break(previous, next), None)
}

/// `previous` and `next` joined, with the page break marked where the
/// next page's words begin.
fn joined_at_break(previous: &str, next: &str) -> String {
    let mut joined = previous.to_owned();
    join_text(&mut joined, next);
    joined.insert(joined.len() - next.len(), BREAK_IN_PARAGRAPH);
    joined
}

fn join_text(text: &mut String, next: &str) {
    crate::import::text::join_wrapped(text, next);
}

/// Speaker labels: the interview's own (its interviewers' group label, the
/// interviewee), and any label that opens two or more paragraphs.
fn speakers(parts: &[Part], interview: Option<&Interview>, labels_given: &[String]) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for part in parts {
        if let Part::Paragraph { text, .. } = part
            && let Some(label) = label_of(text)
        {
            *counts.entry(label.to_owned()).or_insert(0) += 1;
        }
    }
    let mut labels: Vec<String> = counts
        .into_iter()
        .filter(|(l, n)| *n >= 2 || is_question_label(l))
        .map(|(l, _)| l)
        .collect();
    // A question label opens a turn even once (a single question from the
    // floor), and so does the label of the paragraph that answers it.
    if labels.iter().any(|l| is_question_label(l)) {
        let paragraphs: Vec<&str> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Paragraph { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        for pair in paragraphs.windows(2) {
            if label_of(pair[0]).is_some_and(is_question_label)
                && let Some(answer) = label_of(pair[1])
            {
                labels.push(answer.to_owned());
            }
        }
    }
    if let Some(interview) = interview {
        labels.extend(interview.interviewee.clone());
        labels.extend(interview.interviewers.iter().cloned());
    }
    labels.extend(labels_given.iter().cloned());
    labels.sort();
    labels.dedup();
    labels
}

/// A label that marks a question put to somebody: the turns of an
/// interview or of questions from the floor.
pub fn is_question_label(label: &str) -> bool {
    let label = label.trim().to_lowercase();
    matches!(
        label.as_str(),
        "q" | "question" | "interviewer" | "问" | "记者" | "主持人" | "提问"
    )
}

/// The label before a colon at the very start: short, no punctuation.
fn label_of(text: &str) -> Option<&str> {
    let end = text.find(['：', ':'])?;
    let label = &text[..end];
    let n = char_count(label);
    let plain = label
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '.' || c == '·');
    ((1..=12).contains(&n) && plain && !label.chars().all(|c| c.is_ascii_digit())).then_some(label)
}

/// Byte index just past the speaker's colon, when `text` is a turn.
fn speaker_of(text: &str, speakers: &[String]) -> Option<usize> {
    let label = label_of(text)?;
    speakers.iter().any(|s| s == label).then(|| {
        let colon = text[label.len()..].chars().next().map_or(0, char::len_utf8);
        label.len() + colon
    })
}

/// The last `n` characters, page breaks aside.
fn tail(text: &str, n: usize) -> String {
    let chars: Vec<char> = text.chars().filter(|&c| c != BREAK_IN_PARAGRAPH).collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

fn head(text: &str, n: usize) -> String {
    text.chars()
        .filter(|&c| c != BREAK_IN_PARAGRAPH)
        .take(n)
        .collect()
}

/// Escapes what Markdown would read as syntax, so that the text renders
/// exactly as it stands: ASCII punctuation that opens markup, and line
/// starts that would make a list, a heading or a quote.
pub fn escape(text: &str) -> String {
    let inline = escape_inline(text);
    let mut out = String::with_capacity(inline.len() + 2);
    let leading_list = inline
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&i| i > 0 && inline[i..].starts_with(['.', ')']));
    match leading_list {
        Some(i) => {
            out.push_str(&inline[..i]);
            out.push('\\');
            out.push_str(&inline[i..]);
        }
        None if inline.starts_with(['-', '+', '=']) => {
            out.push('\\');
            out.push_str(&inline);
        }
        None => out.push_str(&inline),
    }
    out
}

pub fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*'
                | '_'
                | '`'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '&'
                | '|'
                | '~'
                | '!'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::blocks;

    fn run(src: &str) -> Converted {
        let b = blocks(src);
        let context = BodyContext::new(&b, Language::Chinese);
        convert(&b, None, &[], &context, &[])
    }

    #[test]
    fn a_block_is_a_table_when_most_of_its_lines_hold_tabs() {
        let table = run("项目\t数量\n经费\t100\n人员\t20\n\n下一段。\n");
        assert!(
            table.markdown.starts_with("| 项目 | 数量 |"),
            "{}",
            table.markdown
        );
        // Half the lines only: a paragraph with a stray tab.
        let prose = run("经费\t100万元，\n全部用于修复。\n\n下一段。\n");
        assert!(!prose.markdown.contains('|'), "{}", prose.markdown);
    }

    #[test]
    fn numbered_headings_take_their_level_from_their_numbering() {
        let c = run(
            "第一章 总则\n\n正文。\n\n（一）细则\n\n正文。\n\nII. Scope\n\n正文。\n\n二、分则\n\n正文。\n\n1. 范围\n\n正文。\n",
        );
        let headings: Vec<&str> = c.markdown.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(
            headings,
            [
                "## 第一章 总则",
                "### （一）细则",
                "## II. Scope",
                "## 二、分则",
                "### 1\\. 范围"
            ]
        );
    }

    #[test]
    fn a_short_last_line_is_no_heading() {
        // Heading-shaped (short, no punctuation), but nothing follows it:
        // a closing line, not the start of a part.
        let c = run("同志们，今天就讲这些。\n\n谢谢大家\n");
        assert_eq!(c.markdown, "同志们，今天就讲这些。\n\n谢谢大家\n");
    }

    #[test]
    fn a_paragraph_shorter_than_a_doubling_is_joined_whole() {
        // Shorter than the longest doubling looked for (four characters).
        let c = run("好，\n\n我们开始吧。\n");
        assert_eq!(
            c.markdown,
            format!("好，{BREAK_IN_PARAGRAPH}我们开始吧。\n")
        );
        // A page whose words are just the characters the next one repeats
        // (a page foot, so no heading): one copy goes.
        let c = run("中国\u{c}\n中国特色社会主义的信念。\n");
        assert_eq!(c.emendations.len(), 1, "{}", c.markdown);
        assert_eq!(c.emendations[0].original, "中国中国特色社");
        assert_eq!(c.emendations[0].exact, "中国特色社");
    }

    #[test]
    fn page_break_joins_and_drops_a_doubled_character() {
        let c = run("坚定对马克思主义的信仰、对中\n\n中国特色社会主义的信念。\n\n下一段。\n");
        // The break is kept where the next page's words begin, for its
        // page mark.
        assert_eq!(
            c.markdown,
            format!(
                "坚定对马克思主义的信仰、对中{BREAK_IN_PARAGRAPH}国特色社会主义的信念。\n\n下一段。\n"
            )
        );
        assert_eq!(c.breaks, [1]);
        assert_eq!(c.emendations.len(), 1);
        assert_eq!(c.emendations[0].original, "对中中国特色");
        assert_eq!(c.emendations[0].exact, "对中国特色");
        assert_eq!(c.emendations[0].prefix, "克思主义的信仰、");
        assert_eq!(c.emendations[0].suffix, "社会主义的信念。");
        assert_eq!(c.emendations[0].line, 1);
    }

    #[test]
    fn attested_doubling_is_kept() {
        let c = run("他说，他常\n\n常来。\n\n我们常常见面。\n");
        assert!(
            c.markdown
                .starts_with(&format!("他说，他常{BREAK_IN_PARAGRAPH}常来。")),
            "{}",
            c.markdown
        );
        assert!(c.emendations.is_empty());
    }

    #[test]
    fn headings_by_number_and_shape() {
        let c = run(
            "一、办公室工作有四个特点。\n\n正文一段。\n\n（一）核心部门\n\n正文。\n\n运转“总枢纽”\n\n正文。\n",
        );
        assert_eq!(
            c.markdown,
            "## 一、办公室工作有四个特点。\n\n正文一段。\n\n### （一）核心部门\n\n正文。\n\n## 运转“总枢纽”\n\n正文。\n"
        );
        // The unnumbered heading is a recorded judgement of structure, not
        // an emendation: its words are unchanged.
        assert!(c.emendations.is_empty());
        assert_eq!(c.headings.len(), 1);
        assert_eq!(c.headings[0].text, "运转“总枢纽”");
    }

    #[test]
    fn speakers_named_with_dots_and_spaces_open_turns() {
        // A transliterated name (约翰·史密斯), initials (J. K. Lee): each
        // labels two turns.
        let c = run(
            "约翰·史密斯：第一个回答。\n\nJ. K. Lee：第一个问题？\n\n约翰·史密斯：第二个回答。\n\nJ. K. Lee：第二个问题？\n",
        );
        assert!(
            c.markdown.contains("**约翰·史密斯：**第二个回答。"),
            "{}",
            c.markdown
        );
        assert!(
            c.markdown.contains("**J. K. Lee：**第二个问题？"),
            "{}",
            c.markdown
        );
        assert_eq!(c.turns, 4);
    }

    #[test]
    fn a_long_or_punctuated_opening_before_a_colon_is_no_speaker() {
        // Twice each, as a speaker's label would be; but one is a sentence
        // (over twelve characters), the other has a comma in it.
        let c = run(
            "会议对下一阶段的工作提出了明确要求：一要抓学习。\n\n会议对下一阶段的工作提出了明确要求：二要抓落实。\n\n最后，同志们：要团结。\n\n最后，同志们：要奋斗。\n",
        );
        assert_eq!(c.turns, 0, "{}", c.markdown);
        assert!(!c.markdown.contains("**"), "{}", c.markdown);
    }

    #[test]
    fn only_digits_before_a_dot_or_bracket_make_a_list_to_escape() {
        assert_eq!(escape("1. 不是列表"), "1\\. 不是列表");
        assert_eq!(escape("12) 也不是"), "12\\) 也不是");
        // Nothing before the dot: no list, nothing to escape.
        assert_eq!(escape("...而已"), "...而已");
        assert_eq!(escape(")后面"), ")后面");
    }

    #[test]
    fn turns_tables_and_escapes() {
        let c = run(
            "采访组：您好！\n\n胡某：好的。\n\n采访组：再问。\n\n年份\t城市\n1990年\t宁德\n\n1. 不是列表*也不是强调*。\n",
        );
        assert!(c.markdown.contains("**采访组：**您好！"), "{}", c.markdown);
        assert!(
            c.markdown.contains("胡某：好的。"),
            "a label used once is not a speaker"
        );
        assert!(
            c.markdown
                .contains("| 年份 | 城市 |\n|---|---|\n| 1990年 | 宁德 |\n")
        );
        assert!(
            c.markdown.contains("1\\. 不是列表\\*也不是强调\\*。"),
            "{}",
            c.markdown
        );
        assert_eq!(c.turns, 2);
    }
}

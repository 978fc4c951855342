//! A deterministic raw source for `zhushu import`, in the shape of the seed
//! compilation (`content/source/000_3eaf397c993fd86a.txt`): cover lines, `目 录`
//! and its entries with their printed pages (long ones wrapped over two
//! lines), then the pieces as text extracted from a PDF leaves them: title
//! (now and then with stray spaces, the subtitle on the same line or on its
//! own), authors, date line, interview particulars, numbered and unnumbered
//! headings, interview turns, tab-separated tables, and paragraphs cut by page
//! breaks, some with the last character repeated at the top of the next page.
//!
//! Piece *k* is drawn from its own generator, seeded from the seed and *k*, so
//! it is the same in every source of that seed whatever the size; only the
//! pages printed in the contents depend on the size (see [`page_bytes`]).
//! Only integer arithmetic is used: the same size and seed give the same bytes
//! on every platform.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use pinyin::ToPinyin;
use rayon::prelude::*;

use super::synth::{NUMERALS, Rng, person, push_chars, sub_seed, word};

/// Bump whenever the output for a given size and seed changes, so that cached
/// sources under `target/bench/` are regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// A piece (from its title line to its last line) is aimed at a size drawn in
/// this range; the last block overshoots it by less than [`MAX_BLOCK`], which
/// keeps every piece between 5 kB and 20 kB (see the tests).
const PIECE_TARGET: (usize, usize) = (5_000, 18_000);
/// The most a piece grows by at once, in bytes: a heading and a paragraph of
/// up to 12 sentences of 40 characters (some in quotation marks), cut by a
/// page break; a question and its answer; a table row.
const MAX_BLOCK: usize = 2_000;
const _: () = assert!(PIECE_TARGET.1 + MAX_BLOCK <= 20_000);

/// A printed page holds about this many bytes of the source, as in the seed
/// (103 kB for 64 pages) ...
const PAGE_BYTES: u64 = 1_600;
/// ... unless the book would then run past this page: the importer reads page
/// numbers of up to four digits, so larger sources get fuller pages.
pub const MAX_PAGE: u64 = 9_000;

/// A contents entry longer than this, in characters, wraps onto a second line
/// (the seed's lines are up to 31 characters).
const CONTENTS_WIDTH: usize = 30;

/// Characters that never start a line continuing another (the second line of
/// a contents entry, the page after a page break): such a line would read as a
/// new numbered entry or a heading (`三、`, `（一）`, `第二章`, `12.`, `IV.`).
pub const NUMBER_START: &str = "一二三四五六七八九十百千第（(0123456789IVXLC";

/// Streams of the seed: the cover, and piece k at `PIECE_STREAM + k`.
const COVER_STREAM: u64 = 0x434F_5645_5200_0000;
const PIECE_STREAM: u64 = 0x5241_5750_0000_0000;

/// Pieces are generated this many at a time, in parallel.
const BATCH: usize = 128;

const UNITS: &[&str] = &[
    "研究中心",
    "研究室",
    "办公室",
    "委员会",
    "大学",
    "研究院",
    "编辑部",
    "学院",
];
const ROLES: &[&str] = &[
    "研究员",
    "主任",
    "副主任",
    "教授",
    "秘书长",
    "巡视员",
    "党委书记",
    "处长",
];
const SOURCES: &[&str] = &["日报", "晚报", "网", "新闻网", "杂志"];
const VENUES: &[&str] = &["宾馆", "饭店", "会议室", "招待所"];
const COVER_WORDS: &[&str] = &["文集", "文稿", "论集", "选读"];
const CN_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// What a piece is, which decides its header and the shape of its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A speech: a bare name, a date line, numbered headings.
    Speech,
    /// An article: an author with a post (and maybe an affiliation line of its
    /// own), a date line, numbered, sub- and unnumbered headings.
    Article,
    /// An interview: particulars (`采访对象：`...), then turns.
    Interview,
    /// A news item: an ISO date with a source (`2016-12-02 中国青年网`).
    News,
    /// A table: tab-separated rows and nothing else.
    Table,
}

const KINDS: &[(Kind, usize)] = &[
    (Kind::Speech, 30),
    (Kind::Article, 40),
    (Kind::Interview, 15),
    (Kind::News, 12),
    (Kind::Table, 3),
];

/// One piece of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The title as the contents print it; unique (it ends in `（k）`).
    pub title: String,
    /// `——…`, if any.
    pub subtitle: Option<String>,
    pub kind: Kind,
    /// The piece in the source, from its title line to its last line: lines
    /// end in `\n`, blocks are separated by one blank line.
    pub text: String,
}

/// A whole source.
pub struct Source {
    pub text: String,
    pub pieces: Vec<Piece>,
}

fn is_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fa5}').contains(&c)
}

/// Can a line that continues another start with `c`?
fn can_continue(c: char) -> bool {
    is_ideograph(c) && !NUMBER_START.contains(c)
}

/// A word that can open a line of its own (a title, a heading).
fn opening_word(rng: &mut Rng, lo: usize, hi: usize) -> String {
    loop {
        let w = word(rng, lo, hi);
        if w.chars().next().is_some_and(can_continue) {
            return w;
        }
    }
}

/// `二〇二二年四月`.
fn chinese_year_month(year: usize, month: usize) -> String {
    let mut s: String = year
        .to_string()
        .bytes()
        .map(|b| CN_DIGITS[usize::from(b - b'0')])
        .collect();
    s.push('年');
    match month {
        1..=9 => s.push(CN_DIGITS[month]),
        10 => s.push('十'),
        _ => {
            s.push('十');
            s.push(CN_DIGITS[month - 10]);
        }
    }
    s.push('月');
    s
}

/// The cover, `目 录` and the blank line after it.
pub fn cover(seed: u64) -> String {
    let mut rng = Rng::new(sub_seed(seed, COVER_STREAM));
    let place = opening_word(&mut rng, 2, 3);
    let latin: String = place
        .chars()
        .filter_map(|c| c.to_pinyin())
        .map(|p| p.plain().to_ascii_uppercase())
        .collect();
    // Words that would make the title read as a publisher or an editor.
    let title = loop {
        let t = opening_word(&mut rng, 4, 10) + *rng.pick(COVER_WORDS);
        if !["大学", "学院", "出版", "研究", "委员会", "办公厅", "编"]
            .iter()
            .any(|w| t.contains(w))
        {
            break t;
        }
    };
    let date = chinese_year_month(rng.range(2000, 2025), rng.range(1, 12));
    format!("\n\n\n\n{place}大学\n{latin} UNIVERSITY\n\n{title}\n\n{date}\n\n目 录\n\n")
}

/// One sentence of 8–40 characters (not counting quotation marks): clauses
/// separated by `，` and `、`, now and then one in quotation marks or book
/// title marks, ending in `end` or, if none, in `。`, `！` or `？`.
fn sentence(rng: &mut Rng, out: &mut String, end: Option<char>) {
    let len = rng.range(8, 40);
    let mut left = len - 1;
    let mut first = true;
    while left > 0 {
        if !first {
            if left < 3 {
                push_chars(out, rng, left);
                break;
            }
            out.push(if rng.chance(1, 6) { '、' } else { '，' });
            left -= 1;
        }
        let clause = if left <= 13 {
            left
        } else {
            rng.range(2, 12).min(left - 3)
        };
        let marks = match rng.below(16) {
            0 => Some(('“', '”')),
            1 => Some(('《', '》')),
            _ => None,
        };
        if let Some((open, _)) = marks {
            out.push(open);
        }
        push_chars(out, rng, clause);
        if let Some((_, close)) = marks {
            out.push(close);
        }
        first = false;
        left -= clause;
    }
    out.push(end.unwrap_or_else(|| match rng.below(10) {
        0 => '！',
        1 => '？',
        _ => '。',
    }));
}

/// 2–12 sentences.
fn paragraph(rng: &mut Rng, out: &mut String) {
    for _ in 0..rng.range(2, 12) {
        sentence(rng, out, None);
    }
}

/// Appends `text` as a block, cut by a page break one time in four: the first
/// part ends mid-sentence (after its first sentence, between two characters),
/// and one cut in five repeats the last character at the top of the next page.
fn push_paragraph(rng: &mut Rng, text: &str, out: &mut String) {
    if rng.chance(1, 4) {
        let first_end = text.find(['。', '！', '？']).map_or(text.len(), |i| i + 3);
        let cuts: Vec<usize> = text
            .char_indices()
            .skip_while(|&(i, _)| i <= first_end)
            .filter(|&(i, c)| {
                let before = text[..i].chars().next_back();
                can_continue(c) && before.is_some_and(can_continue) && text.len() - i > 6
            })
            .map(|(i, _)| i)
            .collect();
        if !cuts.is_empty() {
            let at = cuts[rng.below(cuts.len())];
            let (head, tail) = text.split_at(at);
            out.push_str(head);
            out.push_str("\n\n");
            if rng.chance(1, 5) {
                out.push(head.chars().next_back().expect("a cut follows a character"));
            }
            out.push_str(tail);
            out.push_str("\n\n");
            return;
        }
    }
    out.push_str(text);
    out.push_str("\n\n");
}

/// Inserts a space or two between CJK characters, as a PDF leaves them in a
/// title.
fn stray_spaces(rng: &mut Rng, title: &str) -> String {
    let chars: Vec<char> = title.chars().collect();
    let gaps: Vec<usize> = (1..chars.len())
        .filter(|&i| is_ideograph(chars[i - 1]) && is_ideograph(chars[i]))
        .collect();
    if gaps.is_empty() {
        return title.to_owned();
    }
    let spaces = [gaps[rng.below(gaps.len())], gaps[rng.below(gaps.len())]];
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if spaces.contains(&i) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn date_line(rng: &mut Rng) -> String {
    let (year, month, day) = (rng.range(1978, 2024), rng.range(1, 12), rng.range(1, 28));
    let (open, close) = if rng.chance(1, 2) {
        ('(', ')')
    } else {
        ('（', '）')
    };
    if rng.chance(1, 6) {
        format!("{open}{year}年{month}月{close}")
    } else {
        format!("{open}{year}年{month}月{day}日{close}")
    }
}

fn unit(rng: &mut Rng) -> String {
    word(rng, 2, 5) + *rng.pick(UNITS)
}

/// The lines between the title and the text.
fn header(rng: &mut Rng, kind: Kind, interviewee: &str, out: &mut String) {
    match kind {
        Kind::Speech => {
            let _ = write!(out, "{}\n\n{}\n\n", person(rng), date_line(rng));
        }
        Kind::Article => {
            match rng.below(4) {
                // An affiliation on its own line, then posts and the name.
                0 => {
                    let _ = write!(
                        out,
                        "{}{}\n\n{}、{}{} {}\n\n",
                        word(rng, 6, 16),
                        rng.pick(UNITS),
                        rng.pick(ROLES),
                        unit(rng),
                        rng.pick(ROLES),
                        person(rng)
                    );
                }
                // An office signs it.
                1 => {
                    let _ = write!(out, "{}\n\n", unit(rng));
                }
                _ => {
                    let _ = write!(out, "{}{} {}\n\n", unit(rng), rng.pick(ROLES), person(rng));
                }
            }
            out.push_str(&date_line(rng));
            out.push_str("\n\n");
        }
        Kind::News => {
            let _ = write!(
                out,
                "{}-{:02}-{:02} {}{}\n\n",
                rng.range(1998, 2024),
                rng.range(1, 12),
                rng.range(1, 28),
                word(rng, 2, 4),
                rng.pick(SOURCES)
            );
        }
        Kind::Interview => {
            let _ = write!(
                out,
                "采访对象：{interviewee}，{}年{}月生，{}人。",
                rng.range(1940, 1975),
                rng.range(1, 12),
                word(rng, 2, 4)
            );
            for _ in 0..rng.range(1, 3) {
                sentence(rng, out, Some('。'));
            }
            let _ = write!(out, "\n\n采访组：{} {}\n\n", person(rng), person(rng));
            let (year, month, day) = (rng.range(2000, 2023), rng.range(1, 12), rng.range(1, 28));
            if rng.chance(1, 2) {
                let _ = write!(out, "采访日期：{year} 年 {month} 月 {day} 日\n\n");
            } else {
                let _ = write!(out, "采访日期：{year}年{month}月{day}日\n\n");
            }
            let _ = write!(out, "采访地点：{}{}\n\n", word(rng, 3, 6), rng.pick(VENUES));
        }
        Kind::Table => {}
    }
}

/// The text of a speech, an article or a news item, to `target` bytes.
fn prose(rng: &mut Rng, kind: Kind, target: usize, out: &mut String) {
    let headings = match kind {
        Kind::News => 0,
        _ => rng.range(0, 4),
    };
    let numbered = kind == Kind::Speech || rng.chance(2, 3);
    let subheadings = kind == Kind::Article && numbered && rng.chance(1, 3);
    let start = out.len();
    let threshold = |h: usize| start + (target - start) * (2 * h + 1) / (2 * headings + 1);
    let mut heading = 0;
    let mut sub = 0;
    let mut since_heading = 0;
    let mut text = String::new();
    while out.len() < target {
        if heading < headings && out.len() >= threshold(heading) {
            if numbered {
                let _ = write!(out, "{}、{}", NUMERALS[heading], word(rng, 4, 14));
                if rng.chance(1, 3) {
                    out.push('。');
                }
            } else {
                // A short line of its own with no sentence punctuation.
                out.push_str(&opening_word(rng, 3, 8));
                if rng.chance(1, 2) {
                    let _ = write!(out, "“{}”", word(rng, 2, 4));
                }
            }
            out.push_str("\n\n");
            heading += 1;
            sub = 0;
            since_heading = 0;
        } else if subheadings && heading > 0 && sub < 9 && since_heading > 0 && rng.chance(1, 4) {
            let _ = write!(out, "（{}）{}\n\n", NUMERALS[sub], word(rng, 4, 14));
            sub += 1;
            since_heading = 0;
        }
        text.clear();
        paragraph(rng, &mut text);
        push_paragraph(rng, &text, out);
        since_heading += 1;
    }
}

/// Questions and answers, to `target` bytes: a question with its answer,
/// then now and then a paragraph or two more of the answer.
fn interview(rng: &mut Rng, interviewee: &str, target: usize, out: &mut String) {
    let mut text = String::new();
    let mut more = 0;
    let mut first = true;
    while out.len() < target {
        text.clear();
        if more > 0 {
            more -= 1;
        } else {
            out.push_str("采访组：");
            if first {
                let _ = write!(out, "{interviewee}同志，您好！");
                first = false;
            }
            for _ in 0..rng.range(0, 2) {
                sentence(rng, out, Some('。'));
            }
            sentence(rng, out, Some('？'));
            out.push_str("\n\n");
            let _ = write!(text, "{interviewee}：");
            more = rng.range(0, 2);
        }
        paragraph(rng, &mut text);
        push_paragraph(rng, &text, out);
    }
}

/// Tab-separated rows in one block, to `target` bytes.
fn table(rng: &mut Rng, target: usize, out: &mut String) {
    let _ = writeln!(out, "年份\t城市\t岗位\t{}", word(rng, 4, 10));
    while out.len() < target {
        let year = rng.range(1949, 2024);
        let _ = write!(
            out,
            "{year}年\t{}\t{}{}\t",
            word(rng, 2, 4),
            word(rng, 2, 4),
            rng.pick(ROLES)
        );
        for _ in 0..rng.range(1, 6) {
            sentence(rng, out, None);
        }
        out.push('\n');
    }
    out.push('\n');
}

/// Piece `k` (1-based) of the sources of `seed`.
pub fn piece(seed: u64, k: usize) -> Piece {
    let mut rng = Rng::new(sub_seed(seed, PIECE_STREAM.wrapping_add(k as u64)));
    let total: usize = KINDS.iter().map(|k| k.1).sum();
    let mut roll = rng.below(total);
    let kind = KINDS
        .iter()
        .find(|(_, w)| {
            if roll < *w {
                true
            } else {
                roll -= w;
                false
            }
        })
        .map(|k| k.0)
        .expect("weights add up");

    let title = format!("{}（{k}）", opening_word(&mut rng, 5, 16));
    let subtitle_odds = if kind == Kind::Interview { 2 } else { 1 };
    let subtitle = rng
        .chance(subtitle_odds, 3)
        .then(|| format!("——{}", word(&mut rng, 6, 18)));
    let mut text = String::new();
    text.push_str(&if rng.chance(1, 5) {
        stray_spaces(&mut rng, &title)
    } else {
        title.clone()
    });
    if let Some(sub) = &subtitle {
        // On the title's line or on its own.
        text.push_str(if rng.chance(1, 2) { "" } else { "\n\n" });
        text.push_str(sub);
    }
    text.push_str("\n\n");
    let interviewee = person(&mut rng);
    header(&mut rng, kind, &interviewee, &mut text);
    let target = rng.range(PIECE_TARGET.0, PIECE_TARGET.1);
    match kind {
        Kind::Interview => interview(&mut rng, &interviewee, target, &mut text),
        Kind::Table => table(&mut rng, target, &mut text),
        _ => prose(&mut rng, kind, target, &mut text),
    }
    // One newline at the end, not a blank line.
    text.pop();
    Piece {
        title,
        subtitle,
        kind,
        text,
    }
}

/// Bytes of source per printed page, for a source of `target` bytes: as in
/// the seed, or more if the last page would pass [`MAX_PAGE`].
pub fn page_bytes(target: u64) -> u64 {
    PAGE_BYTES.max(target.div_ceil(MAX_PAGE))
}

/// How the contents print their entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// `12. title 34`, as in the seed.
    Numbered,
    /// `title 34`. zhushu import (as of d5c0845) reads entry numbers of at
    /// most three digits, so sources of 1,000 pieces or more import only
    /// this way.
    Unnumbered,
}

impl Numbering {
    pub fn name(self) -> &'static str {
        match self {
            Numbering::Numbered => "numbered",
            Numbering::Unnumbered => "unnumbered",
        }
    }
}

/// The contents entry of piece `k` on page `page`: `k. title——subtitle page`,
/// over two lines if it is longer than [`CONTENTS_WIDTH`], cut between two
/// characters the second line can start with.
pub fn contents_entry(k: usize, piece: &Piece, page: u64, numbering: Numbering, out: &mut String) {
    let number = match numbering {
        Numbering::Numbered => format!("{k}. "),
        Numbering::Unnumbered => String::new(),
    };
    let entry = format!(
        "{number}{}{}",
        piece.title,
        piece.subtitle.as_deref().unwrap_or("")
    );
    let chars: Vec<(usize, char)> = entry.char_indices().collect();
    if chars.len() > CONTENTS_WIDTH {
        let wrap = (4..=CONTENTS_WIDTH).rev().find(|&i| {
            let (before, after) = (chars[i - 1].1, chars[i].1);
            is_ideograph(before) && can_continue(after)
        });
        if let Some(i) = wrap {
            let at = chars[i].0;
            let _ = writeln!(out, "{}\n{} {page}", &entry[..at], &entry[at..]);
            return;
        }
    }
    let _ = writeln!(out, "{entry} {page}");
}

/// The source of about `target` bytes (at least one piece; it stops at the
/// first piece that reaches the target, counting the contents as numbered
/// whatever `numbering`, so that both numberings have the same pieces).
pub fn generate(target: u64, seed: u64, numbering: Numbering) -> Source {
    let page = page_bytes(target);
    let head = cover(seed);
    let mut contents = String::new();
    let mut body = String::new();
    let mut pieces = Vec::new();
    let mut numbers = 0;
    'batches: loop {
        let from = pieces.len() + 1;
        let batch: Vec<Piece> = (from..from + BATCH)
            .into_par_iter()
            .map(|k| piece(seed, k))
            .collect();
        for p in batch {
            let k = pieces.len() + 1;
            let page = 1 + body.len() as u64 / page;
            contents_entry(k, &p, page, numbering, &mut contents);
            if numbering == Numbering::Unnumbered {
                // Sized as if numbered, so that both have the same pieces.
                numbers += format!("{k}. ").len();
            }
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(&p.text);
            pieces.push(p);
            if (head.len() + contents.len() + numbers + 1 + body.len()) as u64 >= target {
                break 'batches;
            }
        }
    }
    let mut text = String::with_capacity(head.len() + contents.len() + 1 + body.len());
    text.push_str(&head);
    text.push_str(&contents);
    text.push('\n');
    text.push_str(&body);
    Source { text, pieces }
}

/// Bytes for `--mb` megabytes (10⁶ bytes).
pub fn target_bytes(mb: f64) -> u64 {
    (mb * 1e6).round() as u64
}

/// What a cached source is: its marker file says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub bytes: u64,
    pub pieces: usize,
}

pub fn marker_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".zhushu-bench");
    path.with_file_name(name)
}

fn marker(target: u64, seed: u64, numbering: Numbering, summary: Summary) -> String {
    format!(
        "zhushu-bench source\ngenerator: {GENERATOR_VERSION}\ntarget: {target}\nseed: {seed}\ncontents: {}\nbytes: {}\npieces: {}\n",
        numbering.name(),
        summary.bytes,
        summary.pieces
    )
}

/// The summary of the source at `path` if its marker says it is this
/// generator's output for this size and seed, and its size agrees.
pub fn cached(path: &Path, target: u64, seed: u64, numbering: Numbering) -> Option<Summary> {
    let text = fs::read_to_string(marker_path(path)).ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let summary = Summary {
        bytes: field("bytes")?,
        pieces: usize::try_from(field("pieces")?).ok()?,
    };
    let len = fs::metadata(path).ok()?.len();
    (text == marker(target, seed, numbering, summary) && len == summary.bytes).then_some(summary)
}

/// Writes the source of about `target` bytes to `path` (whole or not at all),
/// with its marker beside it.
pub fn write_source(
    path: &Path,
    target: u64,
    seed: u64,
    numbering: Numbering,
) -> io::Result<Summary> {
    let source = generate(target, seed, numbering);
    let summary = Summary {
        bytes: source.text.len() as u64,
        pieces: source.pieces.len(),
    };
    let marker_file = marker_path(path);
    if marker_file.exists() {
        fs::remove_file(&marker_file)?;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    fs::write(&partial, &source.text)?;
    fs::rename(&partial, path)?;
    fs::write(marker_file, marker(target, seed, numbering, summary))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::Numbering::{Numbered, Unnumbered};
    use super::*;
    use std::collections::HashMap;

    /// The contents of a source: (number, title with subtitle, page) per entry,
    /// wrapped entries joined, and the text after the contents.
    fn contents(text: &str) -> (Vec<(usize, String, u64)>, &str) {
        let start = text.find("\n目 录\n\n").expect("contents heading") + "\n目 录\n\n".len();
        let end = start + text[start..].find("\n\n").expect("end of contents");
        let mut entries = Vec::new();
        let mut pending = String::new();
        for line in text[start..end].lines() {
            pending.push_str(line);
            let Some((entry, page)) = pending.rsplit_once(' ') else {
                continue;
            };
            let Ok(page) = page.parse::<u64>() else {
                continue;
            };
            let (number, title) = entry.split_once(". ").expect("numbered entry");
            entries.push((number.parse().unwrap(), title.to_owned(), page));
            pending.clear();
        }
        assert!(pending.is_empty(), "unfinished entry {pending:?}");
        (entries, &text[end + 2..])
    }

    #[test]
    fn same_size_and_seed_same_bytes() {
        let a = generate(300_000, 7, Numbered);
        assert_eq!(a.text, generate(300_000, 7, Numbered).text);
        assert_ne!(a.text, generate(300_000, 8, Numbered).text);
        assert_ne!(a.text, generate(400_000, 7, Numbered).text);
    }

    #[test]
    fn pieces_do_not_depend_on_the_size() {
        let small = generate(150_000, 3, Numbered);
        let large = generate(600_000, 3, Numbered);
        assert!(large.pieces.len() > small.pieces.len());
        assert_eq!(small.pieces[..], large.pieces[..small.pieces.len()]);
        let (_, small_body) = contents(&small.text);
        let (_, large_body) = contents(&large.text);
        assert!(large_body.starts_with(small_body));
    }

    #[test]
    fn a_contents_entry_per_piece_and_a_title_line_per_entry() {
        for seed in [0, 1, synth_seed()] {
            let source = generate(1_000_000, seed, Numbered);
            let n = source.pieces.len();
            assert!((50..200).contains(&n), "{n} pieces");
            assert!((1_000_000..1_020_000).contains(&source.text.len()));
            let (entries, body) = contents(&source.text);
            assert_eq!(entries.len(), n);
            let mut last_page = 0;
            // Title lines, in order: spaces dropped, a subtitle on its own
            // line joined to the title.
            let lines: Vec<String> = body.lines().map(|l| l.replace(' ', "")).collect();
            let mut at = 0;
            for (i, (number, title, page)) in entries.iter().enumerate() {
                let piece = &source.pieces[i];
                assert_eq!(*number, i + 1);
                let full = format!("{}{}", piece.title, piece.subtitle.as_deref().unwrap_or(""));
                assert_eq!(*title, full);
                assert!(*page >= last_page && *page <= MAX_PAGE);
                last_page = *page;
                let found = (at..lines.len()).find(|&j| {
                    lines[j] == full
                        || lines[j] == piece.title && lines.get(j + 2) == piece.subtitle.as_ref()
                });
                let j = found.unwrap_or_else(|| panic!("no title line for entry {number} {title}"));
                assert_eq!(lines[j..].iter().filter(|l| **l == lines[j]).count(), 1);
                at = j + 1;
            }
        }
    }

    fn synth_seed() -> u64 {
        super::super::synth::DEFAULT_SEED
    }

    #[test]
    fn unnumbered_contents_differ_only_in_the_numbers() {
        let numbered = generate(300_000, 4, Numbered);
        let unnumbered = generate(300_000, 4, Unnumbered);
        assert_eq!(numbered.pieces, unnumbered.pieces);
        let (a, body_a) = contents(&numbered.text);
        let (b, body_b) = contents_unnumbered(&unnumbered.text);
        assert_eq!(body_a, body_b);
        let a: Vec<(String, u64)> = a.into_iter().map(|(_, t, p)| (t, p)).collect();
        assert_eq!(a, b);
    }

    fn contents_unnumbered(text: &str) -> (Vec<(String, u64)>, &str) {
        let start = text.find("\n目 录\n\n").unwrap() + "\n目 录\n\n".len();
        let end = start + text[start..].find("\n\n").unwrap();
        let mut entries = Vec::new();
        let mut pending = String::new();
        for line in text[start..end].lines() {
            assert!(!line.starts_with(|c: char| c.is_ascii_digit()), "{line}");
            pending.push_str(line);
            if let Some((title, page)) = pending.rsplit_once(' ') {
                entries.push((title.to_owned(), page.parse().unwrap()));
                pending.clear();
            }
        }
        (entries, &text[end + 2..])
    }

    #[test]
    fn pieces_are_5_to_20_kb() {
        for seed in [0, 5, u64::MAX] {
            for k in 1..=400 {
                let p = piece(seed, k);
                assert!(
                    (5_000..=20_000).contains(&p.text.len()),
                    "seed {seed} piece {k}: {} bytes",
                    p.text.len()
                );
                assert!(p.text.ends_with('\n') && !p.text.ends_with("\n\n"));
            }
        }
    }

    #[test]
    fn pages_stay_within_four_digits() {
        assert_eq!(page_bytes(100_000), PAGE_BYTES);
        for target in [1_000_000, 14_400_000, 50_000_000, 1_000_000_000] {
            // The last piece starts before the target.
            assert!((target - 1) / page_bytes(target) < MAX_PAGE, "{target}");
        }
        let source = generate(2_000_000, 2, Numbered);
        let (entries, _) = contents(&source.text);
        assert!(entries.last().unwrap().2 > 1_000, "pages as in the seed");
    }

    #[test]
    fn has_every_feature_of_the_seed() {
        let source = generate(1_000_000, synth_seed(), Numbered);
        let text = &source.text;
        let head: Vec<&str> = text.lines().take(12).collect();
        assert!(head[4].ends_with("大学"), "{head:?}");
        assert!(
            head[5].ends_with(" UNIVERSITY")
                && head[5].chars().all(|c| c.is_ascii_uppercase() || c == ' ')
        );
        assert!(head[9].starts_with('二') && head[9].ends_with('月'));
        assert_eq!(head[11], "目 录");

        let mut kinds: HashMap<Kind, usize> = HashMap::new();
        for p in &source.pieces {
            *kinds.entry(p.kind).or_default() += 1;
        }
        assert_eq!(kinds.len(), KINDS.len(), "{kinds:?}");
        let (entries, body) = contents(text);
        let wrapped = text[..text.len() - body.len()]
            .lines()
            .filter(|l| l.chars().next().is_some_and(is_ideograph))
            .count();
        assert!(wrapped > 10, "{wrapped} wrapped contents entries");
        assert!(entries.iter().filter(|e| e.1.contains("——")).count() > 10);

        let blocks: Vec<&str> = body.split("\n\n").collect();
        let ends = |b: &str| b.ends_with(['。', '！', '？']);
        let mut cuts = 0;
        let mut doubled = 0;
        for w in blocks.windows(2) {
            let prose = w[0].chars().count() > 40 && !w[0].contains('\t');
            if prose && !ends(w[0]) && w[0].contains('。') {
                cuts += 1;
                let first = w[1].chars().next().unwrap();
                assert!(can_continue(first), "continuation starts with {first}");
                doubled += usize::from(w[0].ends_with(first));
            }
        }
        assert!(cuts > 100 && doubled > 10, "{cuts} cuts, {doubled} doubled");
        let count = |f: &dyn Fn(&str) -> bool| blocks.iter().filter(|b| f(b)).count();
        assert!(count(&|b| b.starts_with("一、")) > 20);
        assert!(count(&|b| b.starts_with("（一）")) > 3);
        assert!(count(&|b| b.starts_with("——")) > 5);
        assert!(count(&|b| b.starts_with("采访对象：")) > 5);
        assert!(count(&|b| b.starts_with("采访组：") && b.ends_with('？')) > 20);
        assert!(count(&|b| b.starts_with('(') && b.ends_with("日)")) > 10);
        assert!(count(&|b| b.starts_with('（') && b.ends_with("日）")) > 10);
        assert!(count(&|b| b.lines().all(|l| l.contains('\t'))) > 0);
        assert!(count(&|b| b.len() > 4 && b.as_bytes()[4] == b'-' && b.contains(' ')) > 5);
        // Titles with stray spaces.
        assert!(
            source
                .pieces
                .iter()
                .filter(|p| !p.text.starts_with(&p.title))
                .count()
                > 10
        );
        // Lines are paragraphs: the only multi-line blocks are tables.
        assert!(
            blocks
                .iter()
                .all(|b| !b.trim_end().contains('\n') || b.contains('\t'))
        );
    }

    #[test]
    fn the_importer_finds_every_piece() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("raw.txt");
        for numbering in [Numbered, Unnumbered] {
            let summary = write_source(&path, 400_000, 11, numbering).unwrap();
            assert_eq!(cached(&path, 400_000, 11, numbering), Some(summary));
            assert_eq!(cached(&path, 400_000, 12, numbering), None);
            assert_eq!(cached(&path, 400_001, 11, numbering), None);
            let other = [Numbered, Unnumbered].into_iter().find(|&n| n != numbering);
            assert_eq!(cached(&path, 400_000, 11, other.unwrap()), None);
            let outcome = zhushu::import::import(&zhushu::import::ImportOptions {
                source: path.clone(),
                into: dir.path().join("content"),
                dry_run: true,
                force: false,
            })
            .unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(outcome.pieces, summary.pieces);
            // Every title found as it stands, none by similarity.
            assert!(
                !outcome.report.contains("taken to be the title"),
                "{}",
                outcome.report
            );
            assert!(outcome.emendations > 0);
        }
    }
}

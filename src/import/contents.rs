//! The front of the book: the cover lines (title, publisher, date) and the
//! table of contents with its page numbers, found by their shape.

use regex::Regex;
use std::sync::LazyLock;

use crate::date::PartialDate;
use crate::import::text::{Block, join_wrapped, tighten_title};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cover {
    pub title: Option<Located>,
    pub subtitle: Option<Located>,
    pub publisher: Option<Located>,
    pub editors: Vec<Located>,
    pub date: Option<(PartialDate, Located)>,
    /// Lines read as something else (a translation of the publisher's
    /// name, say), for the report.
    pub other: Vec<Located>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's number as printed (`3.`, `三、`), if any.
    pub number: Option<String>,
    /// Title, without the subtitle.
    pub title: String,
    pub subtitle: Option<String>,
    pub page: Option<u32>,
    /// Where the entry starts in the source, and how many lines it took.
    pub line: usize,
    pub lines: usize,
}

impl Entry {
    /// The title before a dash that is not spaced (`Title—Subtitle`): the
    /// piece may set the rest on a line of its own.
    pub fn title_before_dash(&self) -> &str {
        self.title.split(['—', '–']).next().unwrap_or("")
    }
}

#[derive(Debug)]
pub struct Contents {
    pub heading_line: usize,
    pub entries: Vec<Entry>,
    /// Index of the first block after the table of contents.
    pub body_start: usize,
}

static ENTRY_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:\d{1,4}|[一二三四五六七八九十百]{1,4}|[IVXLC]{1,6})\s*[.．、)）]|第[一二三四五六七八九十百\d]+[章篇节部分]|Chapter\s+\d+[.:]?)\s*")
        .unwrap()
});
/// An entry's end: a leader of dots (or spaces) and the page number, the
/// number perhaps in brackets (`……（12）`), an author perhaps between a
/// leader of dots and it (`…… 张  强（1）`, `…… Jane Doe 12`; a dash is
/// a subtitle's, `——副题`, no leader).
static PAGE_AT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<title>.*?\S)(?:\s*[.·…─_]{2,}[.·…─_ ]*(?:(?P<author>[^.·…─—_\d（()）]{1,24}?)\s*)?|\s*[.·…─—_ ]{2,}\s*|\s+)[（(]?(?P<page>\d{1,5})[）)]?\s*$").unwrap()
});

/// `目录`, `目 录`, `目次`, `Contents`, `Table of Contents`.
pub fn is_contents_heading(text: &str) -> bool {
    let key: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        key.as_str(),
        "目录" | "目錄" | "目次" | "contents" | "tableofcontents"
    )
}

/// Finds the table of contents and reads its entries. Entries wrapped over
/// two or three lines are joined; the table ends at the first line that
/// cannot be completed with a page number.
pub fn read_contents(blocks: &[Block]) -> Option<Contents> {
    let heading = blocks.iter().position(|b| is_contents_heading(&b.text()))?;
    let lines: Vec<(usize, usize, &str)> = blocks[heading + 1..]
        .iter()
        .enumerate()
        .flat_map(|(k, b)| {
            b.lines
                .iter()
                .enumerate()
                .map(move |(j, l)| (heading + 1 + k, b.line + j, l.as_str()))
        })
        .collect();
    let mut entries = Vec::new();
    let mut i = 0;
    let mut body_start = heading + 1;
    'entries: while i < lines.len() {
        let (block, line, _) = lines[i];
        let mut text = String::new();
        for span in 0..3 {
            let Some(&(next_block, _, next)) = lines.get(i + span) else {
                break 'entries;
            };
            if span > 0 && ENTRY_NUMBER.is_match(next) && !entries.is_empty() {
                // A new numbered entry cannot continue this one.
                break;
            }
            if span > 0 && next_block != block && !entries.is_empty() {
                // An entry wraps onto the next line, not past a blank one:
                // after the last entry, the first piece's title, author and
                // date ("January 8, 2021") would read as one entry.
                break;
            }
            join_wrapped(&mut text, next.trim());
            if let Some(caps) = PAGE_AT_END.captures(&text) {
                // In a numbered contents, an unnumbered line ending in a
                // page number continues this entry, whose own trailing
                // number was part of its title (`提出 12` / `字要求 3`).
                let numbered = ENTRY_NUMBER.is_match(lines[i].2);
                let continued = span < 2
                    && lines.get(i + span + 1).is_some_and(|&(_, _, next)| {
                        numbered
                            && !ENTRY_NUMBER.is_match(next)
                            && PAGE_AT_END.is_match(next.trim())
                    });
                if continued {
                    continue;
                }
                let (number, title) = split_number(&caps["title"]);
                let (title, subtitle) = split_subtitle(&tighten_title(title));
                entries.push(Entry {
                    number,
                    title,
                    subtitle,
                    page: caps["page"].parse().ok(),
                    line,
                    lines: span + 1,
                });
                i += span + 1;
                body_start = next_block + 1;
                continue 'entries;
            }
        }
        break;
    }
    if entries.is_empty() {
        return None;
    }
    Some(Contents {
        heading_line: blocks[heading].line,
        entries,
        body_start,
    })
}

fn split_number(text: &str) -> (Option<String>, &str) {
    match ENTRY_NUMBER.find(text) {
        Some(m) if m.end() < text.len() => (Some(m.as_str().trim().to_owned()), &text[m.end()..]),
        _ => (None, text),
    }
}

/// `标题——副标题` and `Title — Subtitle`: a dash pair (or a spaced dash)
/// starts the subtitle.
pub fn split_subtitle(title: &str) -> (String, Option<String>) {
    for dash in ["——", " — ", " – "] {
        if let Some(i) = title.find(dash)
            && i > 0
        {
            let sub = title[i..].trim().to_owned();
            return (title[..i].trim().to_owned(), Some(sub));
        }
    }
    (title.trim().to_owned(), None)
}

static INSTITUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(大学|大學|学院|學院|出版社|出版|研究院|研究所|研究中心|委员会|委員會|办公厅|辦公廳|university|college|press|institute|publish|academy|society)").unwrap()
});
static EDITORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(.+?)\s*(?:主编|编著|编选|编|選編|編)|(?i:(?:edited|compiled|collected|selected|arranged)(?:\s+and\s+\w+)?\s+by)\s+(.+))$").unwrap()
});

/// A line naming an institution (大学, 出版社, 办公室, University, ...).
pub fn is_institution(text: &str) -> bool {
    INSTITUTION.is_match(text) || text.ends_with("办公室") || text.ends_with("研究室")
}

/// Reads the cover: the lines before the table of contents.
pub fn read_cover(blocks: &[Block]) -> Cover {
    let mut cover = Cover::default();
    let mut candidates: Vec<Located> = Vec::new();
    for block in blocks {
        for (j, line) in block.lines.iter().enumerate() {
            let text = line.trim().to_owned();
            let here = Located {
                text: text.clone(),
                line: block.line + j,
            };
            if let Some(date) = cover_date(&text)
                && cover.date.is_none()
            {
                cover.date = Some((date, here));
                continue;
            }
            if let Some(caps) = EDITORS.captures(&text) {
                let names = caps.get(1).or(caps.get(2)).map_or("", |m| m.as_str());
                for name in names
                    .split(['、', ',', '，'])
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                {
                    cover.editors.push(Located {
                        text: name.to_owned(),
                        line: here.line,
                    });
                }
                continue;
            }
            if INSTITUTION.is_match(&text) {
                if cover.publisher.is_none() {
                    cover.publisher = Some(here);
                } else {
                    cover.other.push(here);
                }
                continue;
            }
            // One dash or a pair (`——`, the Chinese dash).
            if text.starts_with('—') {
                cover.subtitle = Some(here);
                continue;
            }
            candidates.push(here);
        }
    }
    // The title is the longest line left; an all-capitals Latin line beside
    // a CJK one is a translation of something else on the cover.
    let title_index = candidates
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (c.text.chars().count(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    for (i, c) in candidates.into_iter().enumerate() {
        if Some(i) == title_index {
            cover.title = Some(Located {
                text: tighten_title(&c.text),
                line: c.line,
            });
        } else {
            cover.other.push(c);
        }
    }
    cover
}

static NUMERIC_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})\s*年\s*(?:(\d{1,2})\s*月)?$").unwrap());

/// `二〇二二年四月`, `2022年4月`, `April 2022`, `2022`.
pub fn cover_date(text: &str) -> Option<PartialDate> {
    let text = text.trim();
    if let Some(date) = chinese_numeral_date(text) {
        return Some(date);
    }
    if let Some(c) = NUMERIC_DATE.captures(text) {
        return build_date(&c[1], c.get(2).map(|m| m.as_str()), None);
    }
    crate::import::header::english_date(text)
}

/// `二〇二二年四月`, `二〇一八年三月十二日`.
pub fn chinese_numeral_date(text: &str) -> Option<PartialDate> {
    let (year, rest) = text.split_once('年')?;
    // A year is written digit by digit, its zero in any of the shapes a
    // typesetter or an OCR gives it.
    let digits: String = year
        .chars()
        .map(|c| match c {
            '零' | 'Ｏ' | 'O' | '○' => Some('0'),
            c => chinese_digit(c).and_then(|d| char::from_digit(d, 10)),
        })
        .collect::<Option<_>>()?;
    if digits.len() != 4 {
        return None;
    }
    let (month, day) = match rest.split_once('月') {
        Some((m, "")) => (Some(chinese_number(m)?.to_string()), None),
        Some((m, d)) => (
            Some(chinese_number(m)?.to_string()),
            Some(chinese_number(d.strip_suffix('日')?)?.to_string()),
        ),
        None if rest.is_empty() => (None, None),
        None => return None,
    };
    build_date(&digits, month.as_deref(), day.as_deref())
}

/// `〇` … `九` as 0 … 9.
fn chinese_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
}

/// 一 … 三十一.
pub fn chinese_number(text: &str) -> Option<u32> {
    let digit = chinese_digit;
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

pub fn build_date(year: &str, month: Option<&str>, day: Option<&str>) -> Option<PartialDate> {
    let mut text = year.to_owned();
    if let Some(m) = month {
        text.push_str(&format!("-{:02}", m.parse::<u8>().ok()?));
        if let Some(d) = day {
            text.push_str(&format!("-{:02}", d.parse::<u8>().ok()?));
        }
    }
    PartialDate::parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::blocks;

    #[test]
    fn contents_with_wrapped_entries() {
        let src = "书名\n\n目 录\n\n1. 第一篇“五个坚持” 1\n2. 第二篇——副题 11\n3. 很长的标题被\n折到下一行 16\n\n第一篇“五个坚持”\n\n作者\n";
        let b = blocks(src);
        let c = read_contents(&b).unwrap();
        let titles: Vec<_> = c
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.page))
            .collect();
        assert_eq!(
            titles,
            [
                ("第一篇“五个坚持”", Some(1)),
                ("第二篇", Some(11)),
                ("很长的标题被折到下一行", Some(16))
            ]
        );
        assert_eq!(c.entries[1].subtitle.as_deref(), Some("——副题"));
        assert_eq!(c.entries[2].lines, 2);
        assert_eq!(b[c.body_start].text(), "第一篇“五个坚持”");
    }

    #[test]
    fn four_digit_entry_numbers() {
        let src = "目录\n\n999. 甲乙丙 1\n1000. 丁戊己 12345\n\n甲乙丙\n";
        let c = read_contents(&blocks(src)).unwrap();
        let got: Vec<_> = c
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.page))
            .collect();
        assert_eq!(got, [("甲乙丙", Some(1)), ("丁戊己", Some(12345))]);
    }

    #[test]
    fn an_author_between_the_leader_and_a_bracketed_page() {
        let src = "目  录\n\n在全市图书馆工作会议上的讲话 …………… 张  强（1）\n关于几点思考……周晓梅 (4)\nOn Tides ........ Peter Crane 12\n\n在全市图书馆工作会议上的讲话\n";
        let c = read_contents(&blocks(src)).unwrap();
        let got: Vec<_> = c
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.page))
            .collect();
        assert_eq!(
            got,
            [
                ("在全市图书馆工作会议上的讲话", Some(1)),
                ("关于几点思考", Some(4)),
                ("On Tides", Some(12))
            ]
        );
    }

    #[test]
    fn english_contents_with_leaders() {
        let src =
            "Contents\n\nOn Offices ........ 3\nThe Secretary's Work — A Talk 17\n\nOn Offices\n";
        let c = read_contents(&blocks(src)).unwrap();
        assert_eq!(c.entries.len(), 2);
        assert_eq!(c.entries[0].title, "On Offices");
        assert_eq!(c.entries[1].subtitle.as_deref(), Some("— A Talk"));
    }

    #[test]
    fn cover_lines_by_shape() {
        let b =
            blocks("陝西師範大學\nSHAANXI NORMAL UNIVERSITY\n\n谈办公室工作\n\n二〇二二年四月\n");
        let cover = read_cover(&b);
        assert_eq!(cover.title.unwrap().text, "谈办公室工作");
        assert_eq!(cover.publisher.unwrap().text, "陝西師範大學");
        assert_eq!(cover.date.unwrap().0.to_string(), "2022-04");
    }

    #[test]
    fn a_year_in_chinese_numerals_reads_every_digit_and_every_zero() {
        for (text, year) in [
            ("一九四五年", "1945"),
            ("一九六七年", "1967"),
            ("二〇八三年", "2083"),
            ("二零二二年", "2022"),
            ("二Ｏ一二年", "2012"),
            ("二O一二年", "2012"),
            ("二○一二年", "2012"),
        ] {
            let date = chinese_numeral_date(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(date.to_string(), year, "{text}");
        }
        assert_eq!(chinese_numeral_date("二〇二年"), None);
        assert_eq!(chinese_numeral_date("二〇二十年"), None);
        // After the year, a month or nothing.
        assert_eq!(chinese_numeral_date("二〇二二年春"), None);
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("十二"), Some(12));
        assert_eq!(chinese_number("三十一"), Some(31));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("十五"), Some(15));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("七"), Some(7));
        assert_eq!(chinese_number("一百"), None);
        assert_eq!(
            chinese_numeral_date("二〇二二年十月").unwrap().to_string(),
            "2022-10"
        );
    }

    fn entries(src: &str) -> Vec<(String, Option<u32>)> {
        let c = read_contents(&blocks(src)).unwrap();
        c.entries.into_iter().map(|e| (e.title, e.page)).collect()
    }

    #[test]
    fn a_numbered_line_never_continues_an_entry_without_its_page() {
        // The second entry's page is lost: the next numbered line starts an
        // entry of its own, so the table is read up to the last whole one
        // rather than joining two titles under one page.
        let got = entries("目录\n\n一、总论 1\n二、分论\n三、结语 9\n\n总论\n");
        assert_eq!(got, [("总论".to_owned(), Some(1))]);
    }

    #[test]
    fn a_numbered_entry_wraps_over_three_lines_at_most() {
        let got = entries(
            "目录\n\n一、甲 1\n二、很长的标题\n折到第二行\n又到第三行 12\n三、乙 20\n\n甲\n",
        );
        assert_eq!(
            got,
            [
                ("甲".to_owned(), Some(1)),
                ("很长的标题折到第二行又到第三行".to_owned(), Some(12)),
                ("乙".to_owned(), Some(20)),
            ]
        );
        // A third line ending in a number is this entry's page, even when
        // the line after it ends in a number too.
        let got =
            entries("目录\n\n一、甲 1\n二、很长的标题\n折到第二行\n又到第三行 12\n附录 30\n\n甲\n");
        assert_eq!(
            got[1],
            ("很长的标题折到第二行又到第三行".to_owned(), Some(12))
        );
    }

    #[test]
    fn an_entry_number_alone_is_the_title() {
        assert_eq!(split_number("一、"), (None, "一、"));
        assert_eq!(split_number("1. "), (None, "1. "));
        assert_eq!(split_number("一、总论"), (Some("一、".to_owned()), "总论"));
    }

    #[test]
    fn a_dash_at_the_start_of_a_title_opens_no_subtitle() {
        assert_eq!(split_subtitle("——代序"), ("——代序".to_owned(), None));
        assert_eq!(
            split_subtitle("总论——代序"),
            ("总论".to_owned(), Some("——代序".to_owned()))
        );
    }

    #[test]
    fn an_institution_by_its_word_or_its_office() {
        for text in [
            "北京大学",
            "Oxford University Press",
            "中共中央办公厅",
            "县委办公室",
            "中央政策研究室",
        ] {
            assert!(is_institution(text), "{text}");
        }
        for text in ["张三", "谈办公室工作的体会", "研究室里的灯光很亮"] {
            assert!(!is_institution(text), "{text}");
        }
    }

    #[test]
    fn cover_editors_without_empty_names_and_a_subtitle_after_one_dash() {
        let cover = read_cover(&blocks("谈办公室工作\n—纪念文集\n张三、李四、主编\n"));
        let editors: Vec<_> = cover.editors.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(editors, ["张三", "李四"]);
        assert_eq!(cover.subtitle.unwrap().text, "—纪念文集");
        assert_eq!(cover.title.unwrap().text, "谈办公室工作");
    }

    #[test]
    fn a_compilers_credit_is_no_title_however_long() {
        for (credit, name) in [
            (
                "Collected by the Committee on Publication",
                "the Committee on Publication",
            ),
            ("Compiled by Mary Hale", "Mary Hale"),
            ("Selected and arranged by J. R. Smith", "J. R. Smith"),
            ("edited by Anne Lee", "Anne Lee"),
        ] {
            let cover = read_cover(&blocks(&format!("ADDRESSES ON THE SCHOOL\n{credit}\n")));
            assert_eq!(
                cover.title.unwrap().text,
                "ADDRESSES ON THE SCHOOL",
                "{credit}"
            );
            let editors: Vec<_> = cover.editors.iter().map(|e| e.text.as_str()).collect();
            assert_eq!(editors, [name], "{credit}");
        }
        // A title that says who did something is still a title.
        let cover = read_cover(&blocks("Things Collected by the Sea\n"));
        assert_eq!(cover.title.unwrap().text, "Things Collected by the Sea");
    }
}

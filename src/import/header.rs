//! What stands between a piece's title and its text: subtitle, authors
//! with their affiliations, the date line (with a source), and an
//! interview's particulars.

use regex::Regex;
use std::sync::LazyLock;

use crate::date::PartialDate;
use crate::import::contents::build_date;
use crate::import::text::{char_count, has_sentence_punctuation};
use crate::model::{Author, Interview};

static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[（(]?\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?\s*[）)]?\s*(.*)$",
    )
    .unwrap()
});
static ISO_DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[（(]?\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*[）)]?\s*(.*)$").unwrap()
});
static ENGLISH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[(\[]?\s*(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)?(january|february|march|april|may|june|july|august|september|october|november|december)\s*(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})\s*[)\]]?\s*(.*)$").unwrap()
});

/// An English date as a line ends with it, uncaptured: `14th June 1998`,
/// `March 3rd, 1999`, `1st of May 1890`.
const ENGLISH_DATE_WORDS: &str = r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:january|february|march|april|may|june|july|august|september|october|november|december)\s*(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}";

/// What a date line says: the date, the source named after it
/// (`2016-12-02 中国青年网`), and the place named with it
/// (`（2018年3月12日，北京）`, `(12 March 2018, Riverside)`,
/// `Springfield, Illinois, June 16, 1858`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateLine {
    pub date: PartialDate,
    pub source: Option<String>,
    pub place: Option<String>,
}

/// A date line: `(2014年5月8日)`, `（2020年4月14日）`, `2016-12-02 中国青年网`,
/// `(May 8, 2014)`, with a place after a comma inside the brackets or
/// before an English date.
pub fn date_line(text: &str) -> Option<DateLine> {
    let text = without_closing_period(text.trim());
    if let Some(line) = date_after_place(text) {
        return Some(line);
    }
    let line = date_and_rest(text)?;
    // `，北京）` / `, Riverside)`: a place, inside the date's brackets.
    if let Some(source) = &line.source
        && let Some(place) = source.strip_prefix(['，', ','])
    {
        let place = place.trim().trim_end_matches([')', '）', ']']).trim();
        if !place.is_empty() && !place.contains(['，', ',', '(', '（']) {
            return Some(DateLine {
                source: None,
                place: Some(place.to_owned()),
                ..line
            });
        }
    }
    Some(line)
}

/// A header line set as a sentence (`Albany, October 1, 1852.`, `BY JOHN
/// SMITH.`) without its closing period; other text as it is.
fn without_closing_period(text: &str) -> &str {
    match text.strip_suffix('.') {
        Some(rest) if !rest.ends_with('.') && rest.ends_with(|c: char| c.is_alphanumeric()) => rest,
        _ => text,
    }
}

/// Words that open an occasion or a sender, never a place: `From the
/// Superintendent, January 12, 1852`, `Delivered at …, May 1, 1900`.
const NOT_A_PLACE: &[&str] = &[
    "from",
    "to",
    "at",
    "in",
    "on",
    "by",
    "before",
    "delivered",
    "written",
    "read",
    "spoken",
    "an",
    "a",
];

/// `Springfield, Illinois, June 16, 1858`: a short place, then an English
/// date that ends the line.
fn date_after_place(text: &str) -> Option<DateLine> {
    let (place, date) = ENGLISH_DATE_AT_END
        .captures(text)
        .map(|c| (c[1].to_owned(), c[2].to_owned()))?;
    let place = place.trim().trim_end_matches(',').trim();
    let first_word = place.split_whitespace().next().unwrap_or("").to_lowercase();
    if place.is_empty()
        || place.chars().count() > 40
        || has_sentence_punctuation(place)
        || NOT_A_PLACE.contains(&first_word.as_str())
    {
        return None;
    }
    let date = english_date(&date)?;
    Some(DateLine {
        date,
        source: None,
        place: Some(place.to_owned()),
    })
}

/// An occasion and the date it ends with, on one line under a title: `An
/// Address delivered at the Dedication of the Union School, Albany,
/// September 4, 1851.`, `From the Superintendent, January 12, 1852.`: the
/// words before the date (with the place they end with, when a comma sets
/// off one to three capitalised words after other words) and the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occasion {
    pub text: String,
    pub place: Option<String>,
    pub date: PartialDate,
}

pub fn occasion_line(text: &str) -> Option<Occasion> {
    let text = without_closing_period(text.trim());
    let c = OCCASION.captures(text)?;
    let before = c[1].trim().trim_end_matches(',').trim();
    let date = english_date(&c[2])?;
    let words = before.split_whitespace().count();
    if before.is_empty() || words < 2 || before.chars().count() > 120 {
        return None;
    }
    if before.contains(['.', '!', '?', ';', ':']) {
        return None;
    }
    let (occasion, place) = match before.rsplit_once(',') {
        Some((rest, last))
            if !rest.trim().is_empty()
                && (1..=3).contains(&last.split_whitespace().count())
                && last
                    .split_whitespace()
                    .all(|w| w.starts_with(char::is_uppercase)) =>
        {
            (rest.trim().to_owned(), Some(last.trim().to_owned()))
        }
        _ => (before.to_owned(), None),
    };
    Some(Occasion {
        text: occasion,
        place,
        date,
    })
}

static OCCASION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^(.+?,)\s*({ENGLISH_DATE_WORDS})$")).unwrap());

/// A byline: `By Jane Doe`, `BY HORACE WHITFIELD.`, `Speech by Margaret
/// Ellis, Mayor of Porthaven`, `Interviewed by Susan Reed on 2 May 2001`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Byline {
    /// The author line, as `authors` reads it: `By Margaret Ellis, Mayor
    /// of Porthaven`.
    pub line: String,
    /// What the line says the piece is (`Speech`, `Interviewed`), if it
    /// says.
    pub what: Option<String>,
    /// The date the line ends with (`… on 2 May 2001`), if any.
    pub date: Option<PartialDate>,
}

pub fn byline(text: &str) -> Option<Byline> {
    let text = without_closing_period(text.trim());
    let c = BYLINE.captures(text)?;
    let what = c.get(1).map(|m| m.as_str().to_owned());
    let mut name = c[2].trim();
    let mut date = None;
    if let Some(d) = ENGLISH_DATE_AT_END
        .captures(name)
        .or_else(|| BY_DATE.captures(name))
        && let Some(parsed) = english_date(&d[2])
    {
        date = Some(parsed);
        name = d
            .get(1)
            .map_or("", |m| m.as_str())
            .trim()
            .trim_end_matches([',', ' '])
            .trim_end_matches(" on")
            .trim();
    }
    (char_count(text) <= 100 && is_author_line(name) && names_a_person(name)).then(|| Byline {
        line: format!("By {name}"),
        what,
        date,
    })
}

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(An?\s+[a-z]+|[A-Z][a-z]+)\s+)?(?:By|BY|by)\s+(.+)$").unwrap()
});

/// `Susan Reed on 2 May 2001`: a name, then the date after "on".
static BY_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^(.+?\s+on)\s+({ENGLISH_DATE_WORDS})$")).unwrap());

/// `text` without the periods of abbreviations and initials (`Dr. Peter
/// Crane`, `J. R. Smith`), which are no sentence's end.
fn without_abbreviation_periods(text: &str) -> String {
    const ABBREVIATIONS: &[&str] = &[
        "Dr", "Mr", "Mrs", "Ms", "Prof", "Rev", "Sr", "Jr", "St", "Hon", "Gen", "Col", "Capt",
        "Lt", "Sgt", "Mt", "No",
    ];
    let mut out = String::with_capacity(text.len());
    for word in text.split_inclusive(' ') {
        let bare = word.trim_end();
        match bare.strip_suffix('.') {
            Some(stem)
                if ABBREVIATIONS.contains(&stem)
                    || (stem.chars().count() == 1 && stem.chars().all(char::is_uppercase)) =>
            {
                out.push_str(stem);
                out.push_str(&word[bare.len()..]);
            }
            _ => out.push_str(word),
        }
    }
    out
}

static ENGLISH_DATE_AT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^([A-Z][^()\d]*?,)\s*({ENGLISH_DATE_WORDS})$"
    ))
    .unwrap()
});

/// The date at the line's start and the rest of the line (as a source).
fn date_and_rest(text: &str) -> Option<DateLine> {
    let (date, rest) = if let Some(c) = DATE_LINE.captures(text) {
        let date = build_date(
            &c[1],
            c.get(2).map(|m| m.as_str()),
            c.get(3).map(|m| m.as_str()),
        )?;
        (date, c[4].to_owned())
    } else if let Some(date) = {
        // (二〇一八年三月十二日), as some compilations print their dates.
        let bare = text.trim_matches(['(', ')', '（', '）', ' ']);
        crate::import::contents::chinese_numeral_date(bare)
    } {
        (date, String::new())
    } else if let Some(c) = ISO_DATE_LINE.captures(text) {
        let date = build_date(&c[1], Some(&c[2]), c.get(3).map(|m| m.as_str()))?;
        (date, c[4].to_owned())
    } else {
        let c = ENGLISH_DATE.captures(text)?;
        (english_parts(&c)?, c[5].to_owned())
    };
    // A date line is short; a sentence that starts with a year is text.
    let rest = rest.trim();
    if rest.chars().count() > 30
        || has_sentence_punctuation(rest)
        || text.starts_with(char::is_numeric) && rest.starts_with(['，', ',', '的'])
    {
        return None;
    }
    let source = (!rest.is_empty()).then(|| rest.to_owned());
    Some(DateLine {
        date,
        source,
        place: None,
    })
}

/// What a line at a piece's end says, when it is the editor's: a date in
/// brackets, or where the piece was first printed (with the date printed
/// there, if it gives one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    Date(DateLine),
    Source(String, Option<PartialDate>),
}

pub fn closing_line(text: &str) -> Option<Closing> {
    let text = text.trim();
    if let Some(source) = source_line(text) {
        let printed = DATE_IN_TEXT
            .captures(&source)
            .and_then(|c| build_date(&c[1], Some(&c[2]), c.get(3).map(|m| m.as_str())));
        return Some(Closing::Source(source, printed));
    }
    let bracketed = text.starts_with(['(', '（']) && text.ends_with([')', '）']);
    bracketed
        .then(|| date_line(text))
        .flatten()
        .filter(|line| line.source.is_none())
        .map(Closing::Date)
}

/// A date anywhere in a line: `2021年5月12日`, `2021-05-12`.
static DATE_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*(?:年\s*|-)(\d{1,2})(?:\s*月|-)?(?:\s*(\d{1,2})\s*日?)?").unwrap()
});

static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[（(]?\s*(?:原载|原刊|原文载|原文刊于|刊于|载于|选自|摘自|first published in|originally published in|reprinted from)\s*\S").unwrap()
});

/// A line that names where a piece was first printed: `原载《人民日报》
/// 2018年3月12日`, `(First published in The Times, 3 May 2019)`.
pub fn source_line(text: &str) -> Option<String> {
    let text = text.trim();
    (SOURCE_LINE.is_match(text) && text.chars().count() <= 80).then(|| {
        text.trim_start_matches(['(', '（'])
            .trim_end_matches([')', '）'])
            .trim()
            .to_owned()
    })
}

pub fn english_date(text: &str) -> Option<PartialDate> {
    let c = ENGLISH_DATE.captures(text.trim())?;
    c[5].trim().is_empty().then_some(())?;
    english_parts(&c)
}

fn english_parts(c: &regex::Captures) -> Option<PartialDate> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let month = MONTHS.iter().position(|m| c[2].eq_ignore_ascii_case(m))? + 1;
    let day = c.get(1).or(c.get(3)).map(|m| m.as_str().to_owned());
    build_date(&c[4], Some(&month.to_string()), day.as_deref())
}

/// `label：value` lines of an interview's particulars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterviewField {
    Interviewee,
    Interviewers,
    Date,
    Place,
}

static INTERVIEW_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(采访对象|受访者|受访人|采访组|采访者|采访人|记者|采访日期|采访时间|采访地点|interviewee|interviewers?|interview(?:ed)? by|date of interview|interview date|place|location)\s*[：:]\s*(.+)$").unwrap()
});

/// The field, its value, and the label as the source writes it.
pub fn interview_field(text: &str) -> Option<(InterviewField, String, String)> {
    let c = INTERVIEW_LABEL.captures(text.trim())?;
    let label = c[1].to_lowercase();
    let value = c[2].trim().to_owned();
    let field = match label.as_str() {
        "采访对象" | "受访者" | "受访人" | "interviewee" => InterviewField::Interviewee,
        "采访组" | "采访者" | "采访人" | "记者" | "interviewer" | "interviewers" => {
            InterviewField::Interviewers
        }
        l if l.starts_with("interview") && l.ends_with("by") => InterviewField::Interviewers,
        "采访日期" | "采访时间" | "date of interview" | "interview date" => {
            InterviewField::Date
        }
        _ => InterviewField::Place,
    };
    // "采访组：胡庆国同志，您好！" or "采访组：请您谈谈……。" is the first
    // question, not a particular: particulars are names, dates and places.
    // (The interviewee's line is a particular whatever it holds: a name,
    // then who they are, in sentences.)
    let question = field != InterviewField::Interviewee
        && (value.contains(['？', '！', '?', '!', '。', '，'])
            || value.ends_with('.')
            || value.chars().count() > 40);
    (!question).then(|| (field, value, c[1].to_owned()))
}

pub fn apply_interview_field(interview: &mut Interview, field: InterviewField, value: &str) {
    match field {
        InterviewField::Interviewee => {
            let (name, about) = match value.split_once(['，', ',']) {
                Some((name, about)) => (name.trim(), Some(about.trim().to_owned())),
                None => (value.trim(), None),
            };
            interview.interviewee = Some(name.to_owned());
            interview.about = about;
        }
        InterviewField::Interviewers => {
            // CJK names are separated by spaces; Latin names contain them
            // and are separated by commas and "and".
            let cjk = value
                .chars()
                .any(|c| crate::markdown::is_cjk(c) && c.is_alphabetic());
            let names: Vec<String> = if cjk {
                value
                    .split(|c: char| {
                        c.is_whitespace() || matches!(c, '、' | '，' | ',' | ';' | '；')
                    })
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            } else {
                value
                    .split([',', ';'])
                    .flat_map(|part| part.split(" and "))
                    .map(|s| s.trim().trim_start_matches("and ").trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            interview.interviewers = names;
        }
        InterviewField::Date => {
            interview.date = date_line(value).map(|line| line.date);
        }
        InterviewField::Place => interview.place = Some(value.to_owned()),
    }
}

/// A CJK name of two to four characters, or two or three capitalised
/// Latin words.
fn looks_like_a_name(text: &str) -> bool {
    let n = text.chars().count();
    if text
        .chars()
        .all(|c| crate::markdown::is_cjk(c) && c.is_alphabetic())
    {
        return (2..=4).contains(&n);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=3).contains(&words.len())
        && words
            .iter()
            .all(|w| w.starts_with(|c: char| c.is_uppercase()))
        && !words
            .iter()
            .any(|w| BODIES.contains(&w.to_lowercase().trim_end_matches(['.', ','])))
}

/// Words that name a body, not a person: `Porthaven Marine Station` after
/// a name is where the author works.
const BODIES: &[&str] = &[
    "station",
    "office",
    "department",
    "school",
    "library",
    "museum",
    "council",
    "board",
    "committee",
    "society",
    "university",
    "college",
    "institute",
    "hospital",
    "church",
    "company",
    "association",
    "bureau",
    "ministry",
    "agency",
    "center",
    "centre",
    "foundation",
    "trust",
    "press",
    "club",
    "union",
    "archive",
    "archives",
    "court",
    "house",
    "hall",
    "laboratory",
    "service",
    "commission",
    "authority",
];

/// An author line: `习近平`; `中央党史研究室办公厅主任 王全春` (role, then the
/// name after the last space); an affiliation on lines of its own before.
pub fn is_author_line(text: &str) -> bool {
    let text = &without_abbreviation_periods(text);
    let n = text.chars().count();
    n > 0
        && n <= 60
        && !has_sentence_punctuation(text)
        && !text.contains(['：', ':', '，'])
        && !crate::import::body::is_numbered_heading(text)
}

/// Without a date line to confirm them, lines after a title are authors
/// only if they end in a name: a common surname and one to three more
/// characters (or capitalised Latin words), after a post if any. A page
/// break early in the first paragraph (“今天我们” / “来谈谈……”) is not one.
pub fn names_a_person(line: &str) -> bool {
    let joined = spaced_name(line);
    let line = joined.as_deref().unwrap_or(line);
    let last = line.split_whitespace().last().unwrap_or("");
    let last = last.strip_prefix("By ").unwrap_or(last);
    let chars: Vec<char> = last.chars().collect();
    if chars
        .iter()
        .all(|&c| crate::markdown::is_cjk(c) && c.is_alphabetic())
    {
        let surname = chars.first().is_some_and(|c| SURNAMES.contains(*c))
            || chars.len() >= 3 && DOUBLE_SURNAMES.iter().any(|s| last.starts_with(s));
        return (2..=4).contains(&chars.len()) && surname;
    }
    let words: Vec<&str> = line
        .trim_start_matches("By ")
        .split([',', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty()
        && words.len() <= 8
        && words
            .iter()
            .filter(|w| w.starts_with(char::is_uppercase))
            .count()
            >= 2
}

/// A Chinese name spaced out to the width of a longer one, as compilations
/// set their bylines (`李  明`, `王　芳`, `欧阳 修`): the name without its
/// spaces. `None` for anything else.
pub fn spaced_name(line: &str) -> Option<String> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let cjk_name_part = |p: &&str| {
        (1..=2).contains(&p.chars().count())
            && p.chars()
                .all(|c| crate::markdown::is_cjk(c) && c.is_alphabetic())
    };
    let joined: String = parts.concat();
    (parts.len() >= 2
        && parts.iter().all(cjk_name_part)
        && (2..=4).contains(&joined.chars().count()))
    .then_some(joined)
}

/// The commonest Chinese surnames, which cover the great majority of names.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤习胥栗温易常乔赖文施洪牛鲁葛伍庞";
const DOUBLE_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙",
];

/// `A and B`, `A & B`: two names, when both look like one.
fn split_pair(text: &str) -> Option<Vec<String>> {
    let (a, b) = text
        .split_once(" and ")
        .or_else(|| text.split_once(" & "))?;
    let (a, b) = (a.trim(), b.trim());
    (looks_like_a_name(a) && looks_like_a_name(b)).then(|| vec![a.to_owned(), b.to_owned()])
}

pub fn authors(lines: &[String]) -> Vec<Author> {
    let Some(last) = lines.last() else {
        return Vec::new();
    };
    let joined = spaced_name(last);
    let last = joined.as_ref().unwrap_or(last);
    let affiliation: String = lines[..lines.len() - 1].concat();
    let last = last.trim();
    let (role, names) = match last.rsplit_once(|c: char| c.is_whitespace()) {
        // "Secretary General John Smith" cannot be split without knowing
        // names; CJK role lines put the name last, after a space.
        Some((role, name)) if crate::markdown::is_cjk(name.chars().next().unwrap_or(' ')) => (
            Some(format!("{affiliation}{}", role.trim())),
            vec![name.to_owned()],
        ),
        _ => {
            let last = last
                .strip_prefix("By ")
                .or_else(|| last.strip_prefix("by "))
                .or_else(|| last.strip_prefix("BY "))
                .unwrap_or(last);
            let mut parts = last
                .split(['、', ',', '，', ';'])
                .map(|s| s.trim().trim_start_matches("and ").to_owned())
                .filter(|s| !s.is_empty());
            // "Robert Hale and Susan Park": two people, when both sides
            // look like names.
            let first = parts.next();
            let mut names: Vec<String> = match first.as_deref().map(split_pair) {
                Some(Some(pair)) => pair,
                _ => first.into_iter().collect(),
            };
            let mut role_parts: Vec<String> = Vec::new();
            for part in parts {
                // "Jane Doe, John Roe" names two people; "Jane Doe,
                // Professor of History" names one and her post.
                if role_parts.is_empty() && looks_like_a_name(&part) {
                    names.push(part);
                } else {
                    role_parts.push(part);
                }
            }
            let mut role = affiliation.clone();
            if !role_parts.is_empty() {
                if !role.is_empty() {
                    role.push_str(", ");
                }
                role.push_str(&role_parts.join(", "));
            }
            ((!role.is_empty()).then_some(role), names)
        }
    };
    names
        .into_iter()
        .map(|name| Author {
            name,
            role: role.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_lines_in_both_languages() {
        assert_eq!(
            source_line("原载《人民日报》2018年3月12日").as_deref(),
            Some("原载《人民日报》2018年3月12日")
        );
        assert_eq!(
            source_line("(First published in The Times, 3 May 2019)").as_deref(),
            Some("First published in The Times, 3 May 2019")
        );
        assert_eq!(source_line("原来如此。"), None);
        assert_eq!(source_line("From the beginning we knew"), None);
    }

    #[test]
    fn date_lines_in_their_forms() {
        let d = |s: &str| date_line(s).map(|l| (l.date.to_string(), l.source));
        assert_eq!(d("(2014年5月8日)"), Some(("2014-05-08".into(), None)));
        assert_eq!(d("（2020年4月14日）"), Some(("2020-04-14".into(), None)));
        assert_eq!(d("(1990年3月)"), Some(("1990-03".into(), None)));
        assert_eq!(
            d("2016-12-02 中国青年网"),
            Some(("2016-12-02".into(), Some("中国青年网".into())))
        );
        assert_eq!(d("(May 8, 2014)"), Some(("2014-05-08".into(), None)));
        assert_eq!(d("8 March 1990"), Some(("1990-03-08".into(), None)));
        assert_eq!(
            d("（二〇一八年三月十二日）"),
            Some(("2018-03-12".into(), None))
        );
        assert_eq!(
            d("2003年初，在习总书记的亲自主持下，省委办公厅开始着手起草工作。"),
            None
        );
    }

    #[test]
    fn header_lines_set_as_sentences_keep_their_meaning() {
        let d = |s: &str| date_line(s).map(|l| (l.date.to_string(), l.place));
        assert_eq!(
            d("Albany, October 1, 1852."),
            Some(("1852-10-01".into(), Some("Albany".into())))
        );
        assert_eq!(d("(May 8, 2014)."), Some(("2014-05-08".into(), None)));
        // Only a period after a word or a number: an ellipsis is the text's.
        assert_eq!(without_closing_period("Albany, 1852.."), "Albany, 1852..");
        assert_eq!(without_closing_period("BY JOHN SMITH."), "BY JOHN SMITH");
        // A sender or an occasion is no place.
        assert_eq!(d("From the Superintendent, January 12, 1852."), None);
        assert_eq!(d("Delivered at Albany, January 12, 1852"), None);
        assert_eq!(
            d("The Hague, May 1, 1900"),
            Some(("1900-05-01".into(), Some("The Hague".into())))
        );
    }

    #[test]
    fn an_occasion_line_gives_the_subtitle_the_place_and_the_date() {
        let o = |s: &str| occasion_line(s).map(|o| (o.text, o.place, o.date.to_string()));
        assert_eq!(
            o(
                "An Address delivered at the Dedication of the Union School, Albany, September 4, 1851."
            ),
            Some((
                "An Address delivered at the Dedication of the Union School".into(),
                Some("Albany".into()),
                "1851-09-04".into()
            ))
        );
        assert_eq!(
            o("From the Superintendent, January 12, 1852."),
            Some(("From the Superintendent".into(), None, "1852-01-12".into()))
        );
        // The last part is a place only when capitalised, three words at
        // most, after other words.
        assert_eq!(
            o("Remarks to the graduating class, in the old hall, June 2, 1890").map(|t| t.1),
            Some(None)
        );
        // A sentence, a single word or no date is no occasion.
        assert_eq!(o("He said so, and we agreed. Then, June 2, 1890"), None);
        assert_eq!(o("Albany, June 2, 1890"), None);
        assert_eq!(o("An Address delivered at the Dedication"), None);
    }

    #[test]
    fn a_name_spaced_to_a_width_is_the_name() {
        assert_eq!(spaced_name("李  明").as_deref(), Some("李明"));
        assert_eq!(spaced_name("王\u{3000}芳").as_deref(), Some("王芳"));
        assert_eq!(spaced_name("欧阳 修").as_deref(), Some("欧阳修"));
        assert_eq!(spaced_name("李明"), None);
        assert_eq!(spaced_name("市委 办公厅 主任"), None);
        assert_eq!(spaced_name("Jane Doe"), None);
        assert!(names_a_person("李  明"));
        assert_eq!(
            authors(&["王  芳".into()]),
            [Author {
                name: "王芳".into(),
                role: None
            }]
        );
    }

    #[test]
    fn a_byline_in_any_case_with_or_without_its_period() {
        let b = |s: &str| byline(s).map(|b| (b.line, b.what, b.date.map(|d| d.to_string())));
        assert_eq!(
            b("BY HORACE WHITFIELD."),
            Some(("By HORACE WHITFIELD".into(), None, None))
        );
        assert_eq!(b("By Jane Doe"), Some(("By Jane Doe".into(), None, None)));
        assert_eq!(
            b("Speech by Margaret Ellis, Mayor of Porthaven"),
            Some((
                "By Margaret Ellis, Mayor of Porthaven".into(),
                Some("Speech".into()),
                None
            ))
        );
        assert_eq!(
            b("Interviewed by Susan Reed on 2 May 2001"),
            Some((
                "By Susan Reed".into(),
                Some("Interviewed".into()),
                Some("2001-05-02".into())
            ))
        );
        assert_eq!(
            b("An address by Dr. Peter Crane, March 3rd, 1999"),
            Some((
                "By Dr. Peter Crane".into(),
                Some("An address".into()),
                Some("1999-03-03".into())
            ))
        );
        assert_eq!(b("by the way, we met."), None);
        assert_eq!(b("By and by"), None);
        assert_eq!(b("Led by the mayor, the town rebuilt the pier"), None);
        assert_eq!(
            authors(&["By HORACE WHITFIELD".into()]),
            [Author {
                name: "HORACE WHITFIELD".into(),
                role: None
            }]
        );
        assert_eq!(
            authors(&["Dr. Peter Crane, Porthaven Marine Station".into()]),
            [Author {
                name: "Dr. Peter Crane".into(),
                role: Some("Porthaven Marine Station".into())
            }]
        );
    }

    #[test]
    fn an_editors_line_at_the_end_gives_the_date_or_the_source() {
        let c = |s: &str| closing_line(s);
        assert_eq!(
            c("（2021年6月1日）").map(|c| match c {
                Closing::Date(l) => l.date.to_string(),
                Closing::Source(..) => "source".into(),
            }),
            Some("2021-06-01".into())
        );
        assert_eq!(
            c("（原载《东江日报》2021年5月12日）"),
            Some(Closing::Source(
                "原载《东江日报》2021年5月12日".into(),
                PartialDate::parse("2021-05-12")
            ))
        );
        // A letter's own date, unbracketed, is the letter's.
        assert_eq!(c("2021年6月1日"), None);
        assert_eq!(c("（我们都同意。）"), None);
    }

    #[test]
    fn ordinal_days_are_dates() {
        let d = |s: &str| date_line(s).map(|l| (l.date.to_string(), l.place));
        assert_eq!(
            d("Porthaven, 14th June 1998"),
            Some(("1998-06-14".into(), Some("Porthaven".into())))
        );
        assert_eq!(d("March 3rd, 1999"), Some(("1999-03-03".into(), None)));
        assert_eq!(d("the 1st of May 1890"), None);
        assert_eq!(d("1st of May 1890"), Some(("1890-05-01".into(), None)));
        assert_eq!(d("22nd March 2001"), Some(("2001-03-22".into(), None)));
    }

    #[test]
    fn a_date_line_names_its_place() {
        let p = |s: &str| date_line(s).map(|l| (l.date.to_string(), l.place, l.source));
        assert_eq!(
            p("（2018年3月12日，北京）"),
            Some(("2018-03-12".into(), Some("北京".into()), None))
        );
        assert_eq!(
            p("(12 March 2018, Riverside)"),
            Some(("2018-03-12".into(), Some("Riverside".into()), None))
        );
        assert_eq!(
            p("Springfield, Illinois, June 16, 1858"),
            Some((
                "1858-06-16".into(),
                Some("Springfield, Illinois".into()),
                None
            ))
        );
        // A place is short, and no sentence: over 40 characters, or with
        // a full stop in it, the words before the date are text.
        let place = |s: &str| date_line(s).and_then(|l| l.place);
        assert_eq!(
            place("Springfield, Illinois, in the Hall of Representatives, June 16, 1858"),
            None
        );
        assert_eq!(place("It rained. Springfield, June 16, 1858"), None);
        assert_eq!(
            place("Hall of Representatives, Old State House, June 16, 1858").as_deref(),
            Some("Hall of Representatives, Old State House")
        );
        assert_eq!(
            place("Hall of Representatives, Springfield, June 16, 1858").as_deref(),
            Some("Hall of Representatives, Springfield")
        );
        // What follows a date is a source when it is short: 30 characters
        // at most, past them it is the text.
        let thirty = "湖滨日报社记者站与市委宣传部新闻处联合编辑部通讯员采写组稿件";
        assert_eq!(
            date_line(&format!("2016-12-02 {thirty}"))
                .and_then(|l| l.source)
                .as_deref(),
            Some(thirty)
        );
        assert_eq!(p(&format!("2016-12-02 {thirty}一则")), None);
        // A comma with nothing after it names no place.
        assert_eq!(
            date_line("（2018年3月12日，）").map(|l| l.place),
            Some(None)
        );
        // A source after the date stays the source.
        assert_eq!(
            p("2016-12-02 中国青年网"),
            Some(("2016-12-02".into(), None, Some("中国青年网".into())))
        );
        // A sentence that ends in a date is no date line.
        assert_eq!(p("We met again in Boston, and it was March 2, 2019"), None);
    }

    #[test]
    fn names_and_author_lines_in_both_scripts() {
        assert!(looks_like_a_name("王全春"));
        assert!(looks_like_a_name("John Smith"));
        // One Latin word is no name, however short; a quotation mark is
        // no part of one.
        assert!(!looks_like_a_name("Smith"));
        assert!(!looks_like_a_name("王“明"));
        assert!(!is_author_line(""));
        assert!(is_author_line("中央党史研究室办公厅主任 王全春"));
    }

    #[test]
    fn authors_with_roles() {
        let a = authors(&[
            "北京市某研究中心".into(),
            "研究员、北京联合大学党委书记 韩宪洲".into(),
        ]);
        assert_eq!(a[0].name, "韩宪洲");
        assert_eq!(
            a[0].role.as_deref(),
            Some("北京市某研究中心研究员、北京联合大学党委书记")
        );
        let a = authors(&["习近平".into()]);
        assert_eq!((a[0].name.as_str(), a[0].role.clone()), ("习近平", None));
        let a = authors(&["中央办公厅法规局办公室".into()]);
        assert_eq!(a[0].name, "中央办公厅法规局办公室");
        assert!(names_a_person("习近平") && names_a_person("中央党史研究室办公厅主任 王全春"));
        assert!(!names_a_person("今天我们") && !names_a_person("基本情况"));
        let a = authors(&["Jane Doe, John Roe".into()]);
        assert_eq!(a.len(), 2);
        // "A and B" is two people only when both sides look like names.
        let names = |line: &str| -> Vec<String> {
            authors(&[line.into()])
                .into_iter()
                .map(|a| a.name)
                .collect()
        };
        assert_eq!(
            names("Robert Hale and Susan Park"),
            ["Robert Hale", "Susan Park"]
        );
        assert_eq!(
            names("Robert Hale & Susan Park"),
            ["Robert Hale", "Susan Park"]
        );
        assert_eq!(
            names("Robert Hale and the staff"),
            ["Robert Hale and the staff"]
        );
        assert_eq!(
            names("the staff and Susan Park"),
            ["the staff and Susan Park"]
        );
        // A double surname begins a name of three or four characters; alone
        // it names nobody.
        assert!(names_a_person("欧阳修") && names_a_person("司马光"));
        assert!(!names_a_person("欧阳"));
        let a = authors(&["By Jane Doe, Professor of History".into()]);
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].name.as_str(), a[0].role.as_deref()),
            ("Jane Doe", Some("Professor of History"))
        );
    }

    #[test]
    fn interview_particulars_not_questions() {
        let (field, _, label) = interview_field("采访组：田玉珏 李政").unwrap();
        assert_eq!(
            (field, label.as_str()),
            (InterviewField::Interviewers, "采访组")
        );
        assert!(interview_field("采访组：胡庆国同志，您好！请您谈谈。").is_none());
        let mut i = Interview::default();
        let (f, v, _) = interview_field("采访对象：胡庆国，1962 年 8 月生，浙江慈溪人。").unwrap();
        apply_interview_field(&mut i, f, &v);
        assert_eq!(i.interviewee.as_deref(), Some("胡庆国"));
        let (f, v, _) = interview_field("采访日期：2017 年 9 月 25 日").unwrap();
        apply_interview_field(&mut i, f, &v);
        assert_eq!(i.date.unwrap().to_string(), "2017-09-25");
        // English labels: "interviewed by" names the interviewers, and the
        // interview's date is a date, not a place.
        let field = |s: &str| interview_field(s).map(|(f, _, _)| f);
        assert_eq!(
            field("Interviewed by: Jane Smith and Tom Lee"),
            Some(InterviewField::Interviewers)
        );
        assert_eq!(
            field("Interview date: 25 September 2017"),
            Some(InterviewField::Date)
        );
        assert_eq!(field("Place: Riverside"), Some(InterviewField::Place));
        // A sentence after an interviewer's label is the first question,
        // with or without its question mark; so are more than 40
        // characters of anything but a name.
        assert_eq!(field("Interviewer: Tell us about the library."), None);
        assert_eq!(
            field("Interviewers: Jane Smith and Tom Lee and Ann Marie Roe"),
            Some(InterviewField::Interviewers)
        );
        assert_eq!(
            field("Interviewers: Jane Smith and Tom Lee and Ann Marie Rowe"),
            None
        );
        assert_eq!(
            field("Location: the reading room on the second floor of the old city library"),
            None
        );
    }
}

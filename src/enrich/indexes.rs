//! The indexes of persons, places and works (人名、地名、书名索引).
//!
//! Persons and places are the editor's: `content/index.yaml` names each
//! (with its other forms, its kind, a short identification and perhaps its
//! dates), read and checked here, and found in the text as the glossary's
//! terms are (`glossary::find_forms`). Works need no file: every title in
//! 《》 is one, and so is an article's title the text marks as one
//! (“……”一文, 题为“……”), a title in italics in a Latin-script edition, and
//! a text in quotation marks or brackets that is the title of a piece of
//! this edition, which then leads to that piece. `suggest` proposes
//! persons and places for `zhushu index suggest`. Places, never markup.

use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;
use std::hash::Hash;

use crate::memo::ChapterMemo;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Error, Result};
use crate::enrich::delimited;
use crate::enrich::glossary::{self, Place};
use crate::files::read_text;
use crate::model::{Chapter, Document, Edition};
use crate::yaml;

/// What an entry of content/index.yaml names.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Person,
    Place,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The name as the index gives it.
    pub name: String,
    /// Other forms the text writes (浙江省, 习近平同志 …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<String>,
    pub kind: Kind,
    /// Who or what it is, in a few words (plain text).
    pub identification: String,
    /// Optional, as written: `1893—1976`, `生于1953年`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFile {
    #[serde(default)]
    entries: Vec<Entry>,
}

/// content/index.yaml as read.
#[derive(Debug, Clone)]
pub struct NameIndex {
    pub entries: Vec<Entry>,
    pub file: PathBuf,
    /// Each entry's line in the file.
    pub lines: Vec<usize>,
}

impl NameIndex {
    /// Every form of every entry (the name first), with its entry.
    pub fn forms(&self) -> Vec<(&str, usize)> {
        self.entries
            .iter()
            .enumerate()
            .flat_map(|(k, e)| {
                std::iter::once(&e.name)
                    .chain(&e.forms)
                    .map(move |f| (f.as_str(), k))
            })
            .collect()
    }
}

/// Reads and checks `content/index.yaml`, if the edition has one.
pub fn load(root: &Path) -> Result<Option<NameIndex>> {
    let path = root.join("content").join("index.yaml");
    if !path.is_file() {
        return Ok(None);
    }
    let file = path.strip_prefix(root).unwrap_or(&path).to_owned();
    let text = read_text(&path)?;
    let parsed: IndexFile = yaml::parse_file(&text, &file)?;
    let index = NameIndex {
        entries: parsed.entries,
        lines: yaml::list_item_lines(&text),
        file,
    };
    check(&index, &text)?;
    Ok(Some(index))
}

fn check(index: &NameIndex, text: &str) -> Result<()> {
    let at = |k: usize, message: String| {
        let line = index.lines.get(k).copied().unwrap_or(1);
        Error::at(message, &index.file, text, line, 1)
    };
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (k, entry) in index.entries.iter().enumerate() {
        if entry.name.trim().is_empty() {
            return Err(at(k, "an index entry has an empty `name`".into()));
        }
        if entry.identification.trim().is_empty() {
            return Err(at(
                k,
                format!(
                    "the index entry `{}` has an empty identification",
                    entry.name
                ),
            )
            .with_help("say in a few words who or what it is, as the text lets you know"));
        }
        if entry.forms.iter().any(|f| f.trim().is_empty()) {
            return Err(at(
                k,
                format!("the index entry `{}` has an empty form", entry.name),
            )
            .with_help("a form is another way the text writes the name: remove the empty one"));
        }
        for form in std::iter::once(&entry.name).chain(&entry.forms) {
            if let Some(&other) = owner.get(form.as_str()) {
                let message = if other == k {
                    format!(
                        "`{form}` is listed twice in the index entry `{}`",
                        entry.name
                    )
                } else {
                    format!(
                        "`{form}` of the index entry `{}` is already claimed by `{}` (line {})",
                        entry.name,
                        index.entries[other].name,
                        index.lines.get(other).copied().unwrap_or(1)
                    )
                };
                return Err(at(k, message)
                    .with_help("a form can lead to one entry only: name the two apart"));
            }
            owner.insert(form, k);
        }
    }
    Ok(())
}

/// Every place of every person and place of the index, in reading order.
pub fn find_names(edition: &Edition, index: &NameIndex) -> Vec<Place> {
    glossary::find_forms(edition, &index.forms())
}

/// A title cited in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPlace {
    /// The title as the text writes it, without its marks.
    pub title: String,
    /// The piece of this edition it names, if any.
    pub piece: Option<usize>,
    pub chapter: usize,
    pub unit: usize,
    /// Characters of the unit's text: the title with its marks (《》, the
    /// quotation marks of “……”一文), or the title alone when brackets or
    /// quotation marks only enclose it.
    pub start: usize,
    pub end: usize,
}

/// A title as compared with another: without spaces, dashes, quotation
/// marks and the difference of full- and half-width brackets, case
/// folded, so that a title cut by a page break or a line, or written
/// 办公厅(室) beside 办公厅（室）, is the same title.
pub fn title_key(title: &str) -> String {
    title
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '—' | '–'
                        | '―'
                        | '─'
                        | '-'
                        | '‐'
                        | '‑'
                        | '‒'
                        | '－'
                        | '~'
                        | '～'
                        | '“'
                        | '”'
                        | '"'
                        | '‘'
                        | '’'
                        | '\''
                        | '\u{200b}'
                        | '\u{ad}'
                )
        })
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '，' => ',',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Each piece's title keys: its title, its title with its subtitle, its
/// short title.
fn piece_keys(edition: &Edition) -> HashMap<String, usize> {
    let mut keys = HashMap::new();
    for (i, chapter) in edition.chapters.iter().enumerate() {
        let front = &chapter.front;
        let mut forms = vec![front.title.clone()];
        if let Some(subtitle) = &front.subtitle {
            forms.push(format!("{}{}", front.title, subtitle));
        }
        if let Some(short) = &front.short_title {
            forms.push(short.clone());
        }
        for form in forms {
            let key = title_key(&form);
            if !key.is_empty() {
                keys.entry(key).or_insert(i);
            }
        }
    }
    keys
}

/// Every title cited in the text, in reading order. `latin`: the edition
/// is written in a Latin script, where titles stand in italics.
pub fn find_works(edition: &Edition, latin: bool) -> Vec<WorkPlace> {
    find_works_with(edition, latin, None)
}

/// `find_works`, each chapter's taken from `memo` when its text, its place
/// and the edition's titles are unchanged (`zhushu serve`).
pub fn find_works_with(
    edition: &Edition,
    latin: bool,
    memo: Option<&ChapterMemo<Vec<WorkPlace>>>,
) -> Vec<WorkPlace> {
    let pieces = piece_keys(edition);
    let titles = memo.map_or(0, |_| titles_key(edition));
    // Chapter by chapter on every core, in reading order.
    let per_chapter: Vec<Vec<WorkPlace>> = edition
        .chapters
        .par_iter()
        .enumerate()
        .map(|(c, chapter)| {
            crate::memo::through(
                memo,
                &chapter.slug,
                || crate::digest::key(|h| (chapter.source_digest, c, titles, latin).hash(h)),
                || works_in(chapter, c, &pieces, latin),
            )
        })
        .collect();
    per_chapter.into_iter().flatten().collect()
}

/// The key of every piece's titles, which `piece_keys` is made from.
fn titles_key(edition: &Edition) -> u64 {
    crate::digest::key(|h| {
        for chapter in &edition.chapters {
            let front = &chapter.front;
            (&front.title, &front.subtitle, &front.short_title).hash(h);
        }
    })
}

/// The titles cited in one chapter (number `c`), in reading order.
fn works_in(
    chapter: &Chapter,
    c: usize,
    pieces: &HashMap<String, usize>,
    latin: bool,
) -> Vec<WorkPlace> {
    let mut places = Vec::new();
    for (u, unit) in chapter.document.units().iter().enumerate() {
        let mut found: Vec<(usize, usize, String, bool)> = Vec::new();
        let text = unit.text;
        for (whole, title) in delimited::book_titles(text) {
            found.push((whole.start, whole.end, text[title].to_owned(), true));
        }
        // An article's title the text marks as one: “……”一文, 题为“……”;
        // the title with its quotation marks.
        for title in delimited::marked_articles(text) {
            found.push((
                title.start - '“'.len_utf8(),
                title.end + '”'.len_utf8(),
                text[title].to_owned(),
                true,
            ));
        }
        // Text in quotation marks or brackets is a work when it is a
        // piece's title: the title alone, the brackets are the sentence's.
        for inner in delimited::enclosed(text) {
            if pieces.contains_key(&title_key(&text[inner.clone()])) {
                found.push((inner.start, inner.end, text[inner].to_owned(), false));
            }
        }
        if latin {
            for (start, end, title) in italic_titles(&chapter.document, unit.events, unit.text) {
                found.push((start, end, title, true));
            }
        }
        if found.is_empty() {
            continue;
        }
        let chars: Vec<(usize, char)> = unit.text.char_indices().collect();
        let char_at = |byte: usize| chars.partition_point(|&(b, _)| b < byte);
        // Bytes → characters; one title once where rules overlap.
        found.sort_by_key(|f| (f.0, std::cmp::Reverse(f.1)));
        let mut last_end = 0;
        for (start, end, title, _) in found {
            if start < last_end {
                continue;
            }
            last_end = end;
            let title =
                title
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(if latin { " " } else { "" });
            let title = title.trim().to_owned();
            if title.is_empty() {
                continue;
            }
            places.push(WorkPlace {
                piece: pieces.get(&title_key(&title)).copied(),
                title,
                chapter: c,
                unit: u,
                start: char_at(start),
                end: char_at(end),
            });
        }
    }
    places
}

/// Italic stretches that begin with a capital: byte ranges of the unit's
/// text, and the words.
fn italic_titles(
    document: &Document,
    events: &std::ops::Range<usize>,
    text: &str,
) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut offset = 0; // characters
    let mut open: Option<usize> = None;
    for event in document.events_in(events.clone()) {
        match &event {
            Event::Start(Tag::Emphasis) => open = Some(offset),
            Event::End(TagEnd::Emphasis) => {
                if let Some(s) = open.take() {
                    out.push((s, offset));
                }
            }
            Event::Text(t) | Event::Code(t) => offset += t.chars().count(),
            Event::SoftBreak | Event::HardBreak => offset += 1,
            _ => {}
        }
    }
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    out.into_iter()
        .filter_map(|(s, e)| {
            let (bs, be) = (*bytes.get(s)?, *bytes.get(e)?);
            let words = text.get(bs..be)?.trim();
            words
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
                .then(|| (bs, be, words.to_owned()))
        })
        .collect()
}

/// The key that sorts names and titles in dictionary order (pinyin for
/// Chinese), and the letter each is filed under: the glossary's.
pub use glossary::{initial, sort_key};

/// A person or place the text seems to name, for `zhushu index suggest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub text: String,
    pub kind: Kind,
    pub count: usize,
    /// Slugs of the chapters where it stands, in reading order.
    pub chapters: Vec<String>,
    /// Why it was suggested.
    pub reason: &'static str,
}

/// Posts and titles that follow a person's name in Chinese, the longer
/// first (总书记 before 书记).
static TITLE_SUFFIX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"同志|总书记|副书记|书记|副主席|主席|副总理|总理|省长|市长|县长|副主任|主任|部长|秘书长|局长|厅长|处长|先生|女士|教授|院士",
    )
    .expect("a valid pattern")
});
/// Administrative suffixes that follow a place's name in Chinese, and the
/// words that begin with one of them (市场, 省略), which are none.
static PLACE_SUFFIX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"自治区|特别行政区|地区|省|市|县|镇|乡|村").expect("a valid pattern")
});
const NOT_PLACE_WORDS: &[&str] = &[
    "市场", "市民", "省略", "省得", "省力", "省钱", "县级", "乡亲", "乡愁", "乡土", "村民", "镇定",
    "镇静",
];
/// Capitalised words in a Latin-script text.
static CAPITALISED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b[A-Z][a-z]+(?:[ ](?:of |de |van |von )?[A-Z][a-z]+){0,3}\b")
        .expect("a valid pattern")
});

/// Characters no name here holds: function words, and words for "the
/// whole", "each", "this" that stand before a suffix (全省, 各县, 本市).
const NOT_IN_NAME: &str = "的了着过是在到从于向去赴和与及为对把被给由同跟让请将并也都就又而或等时中上下里内外全各本该每此其我你他她它们这那哪某任历首原现前后新老大小多副正代兼要有说讲";
/// Last characters of bodies and offices, not names (地委, 办公厅).
const NOT_LAST: &str = "委厅室部局处府会院校社办组党团军队级机关长员记席理任";
/// Capitalised words that are not names at the start of a phrase.
const NOT_NAMES: &[&str] = &[
    "The", "A", "An", "And", "But", "Or", "In", "On", "At", "Of", "For", "To", "By", "With", "As",
    "It", "Its", "This", "That", "These", "Those", "He", "She", "We", "They", "I", "You", "Our",
    "His", "Her", "Their", "If", "When", "While", "Mr", "Mrs", "Ms", "Dr",
];

/// Ranked candidates for the index of persons and places: names before
/// posts and titles, place names before administrative suffixes, the
/// persons and places of the front matter (authors, an interview's
/// particulars, where a piece was given), capitalised names in a
/// Latin-script text; what the index already has is left out.
pub fn suggest(edition: &Edition, index: Option<&NameIndex>) -> Vec<Candidate> {
    let known: HashSet<&str> = index
        .map(|i| i.forms().into_iter().map(|(f, _)| f).collect())
        .unwrap_or_default();
    let mut found: BTreeMap<(String, Kind), (usize, Vec<String>, &'static str)> = BTreeMap::new();
    let mut add = |text: &str, kind: Kind, slug: &str, reason: &'static str| {
        let text = text.trim();
        if text.is_empty() || known.contains(text) {
            return;
        }
        let entry = found
            .entry((text.to_owned(), kind))
            .or_insert((0, Vec::new(), reason));
        entry.0 += 1;
        if entry.1.last().map(String::as_str) != Some(slug) {
            entry.1.push(slug.to_owned());
        }
    };
    for chapter in &edition.chapters {
        let slug = chapter.slug.as_str();
        let front = &chapter.front;
        for author in &front.authors {
            add(&author.name, Kind::Person, slug, "author");
        }
        if let Some(interview) = &front.interview {
            for name in interview.interviewee.iter().chain(&interview.interviewers) {
                for name in split_names(name) {
                    add(name, Kind::Person, slug, "interview particulars");
                }
            }
            if let Some(place) = &interview.place {
                add(place, Kind::Place, slug, "interview particulars");
            }
        }
        if let Some(place) = &front.place {
            add(place, Kind::Place, slug, "where the piece was given");
        }
        for unit in chapter.document.units() {
            // Words that overlap a name the index has are that name, cut
            // short or run on (按照习 of 按照习书记, where 习书记 is a form of
            // 习近平): not a new one.
            let taken = known_spans(unit.text, &known);
            let new = |name: &str| {
                let start = name.as_ptr() as usize - unit.text.as_ptr() as usize;
                let end = start + name.len();
                !taken.iter().any(|&(a, b)| a < end && start < b)
            };
            for name in chinese_names(unit.text, &TITLE_SUFFIX, &[])
                .into_iter()
                .filter(|n| new(n))
            {
                add(name, Kind::Person, slug, "a name before a post or title");
            }
            for name in chinese_names(unit.text, &PLACE_SUFFIX, NOT_PLACE_WORDS)
                .into_iter()
                .filter(|n| new(n))
            {
                add(
                    name,
                    Kind::Place,
                    slug,
                    "a name before an administrative suffix",
                );
            }
            for name in capitalised_names(unit.text).into_iter().filter(|n| new(n)) {
                add(name, Kind::Person, slug, "a capitalised name");
            }
        }
    }
    let mut candidates: Vec<Candidate> = found
        .into_iter()
        .map(|((text, kind), (count, chapters, reason))| Candidate {
            text,
            kind,
            count,
            chapters,
            reason,
        })
        .collect();
    candidates.sort_by(|a, b| {
        (b.chapters.len() * b.count)
            .cmp(&(a.chapters.len() * a.count))
            .then_with(|| a.text.cmp(&b.text))
    });
    candidates
}

/// The byte ranges of `text` where one of the `known` forms stands.
fn known_spans(text: &str, known: &HashSet<&str>) -> Vec<(usize, usize)> {
    known
        .iter()
        .filter(|form| !form.is_empty())
        .flat_map(|form| text.match_indices(form).map(|(at, f)| (at, at + f.len())))
        .collect()
}

/// `甲、乙` or `A and B` as two names.
fn split_names(names: &str) -> impl Iterator<Item = &str> {
    names
        .split(['、', '，', ',', '；', ';'])
        .flat_map(|n| n.split(" and "))
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// The names standing right before each of `suffixes` (where the text
/// does not go on into one of the `not_words`): the three or two Han
/// characters before it, the longer when it holds no function word, and
/// none when the character before the suffix ends a body's or office's
/// name (地委, 办公厅) or is a word like 全 or 各 (全省).
fn chinese_names<'t>(text: &'t str, suffixes: &regex::Regex, not_words: &[&str]) -> Vec<&'t str> {
    let is_han = |c: char| matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}');
    let mut out = Vec::new();
    for m in suffixes.find_iter(text) {
        if not_words.iter().any(|w| text[m.start()..].starts_with(w)) {
            continue;
        }
        let before = &text[..m.start()];
        let han: Vec<(usize, char)> = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_han(c))
            .take(3)
            .collect();
        let Some(&(_, last)) = han.first() else {
            continue;
        };
        if NOT_LAST.contains(last) {
            continue;
        }
        let name = (2..=han.len()).rev().find_map(|n| {
            let clean = han[..n].iter().all(|&(_, c)| !NOT_IN_NAME.contains(c));
            clean.then(|| &before[han[n - 1].0..])
        });
        if let Some(name) = name {
            out.push(name);
        }
    }
    out
}

/// Capitalised words and phrases, without the word that opens a sentence
/// (`Then Xi Jinping` gives `Xi Jinping`) or a capitalised function word.
fn capitalised_names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for m in CAPITALISED.find_iter(text) {
        let before = text[..m.start()].trim_end();
        let mut sentence_start = before.is_empty()
            || before.ends_with(['.', '!', '?', ':', '“', '"', '‘', '(', '—', '*']);
        let mut name = m.as_str();
        loop {
            let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
            if !(sentence_start || NOT_NAMES.contains(&first)) {
                break;
            }
            sentence_start = false;
            // A connecting word the dropped one leaves in front (`Then of
            // Caesar`) is not part of the name either.
            name = rest.trim_start();
            for word in ["of ", "de ", "van ", "von "] {
                name = name.strip_prefix(word).unwrap_or(name);
            }
            if name.is_empty() {
                break;
            }
        }
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn edition(language: &str, pieces: &[(&str, Option<&str>, &str)]) -> Edition {
        let mut edition = Edition {
            root: Default::default(),
            config: crate::config::EditionConfig::parse(
                &format!("title: T\nlanguage: {language}\n"),
                Path::new("e"),
            )
            .unwrap(),
            chapters: Vec::new(),
        };
        for (i, (title, subtitle, body)) in pieces.iter().enumerate() {
            let mut front = crate::model::FrontMatter {
                title: (*title).to_owned(),
                ..Default::default()
            };
            front.subtitle = subtitle.map(str::to_owned);
            edition.chapters.push(crate::model::Chapter {
                file: Default::default(),
                front,
                slug: format!("c{i}"),
                number: i + 1,
                document: parse(body),
                source_digest: 0,
            });
        }
        edition
    }

    /// An index of one entry, as content/index.yaml would give it.
    fn one_entry_index(name: &str, forms: &[&str], kind: Kind) -> NameIndex {
        NameIndex {
            entries: vec![Entry {
                name: name.into(),
                forms: forms.iter().map(|f| f.to_string()).collect(),
                kind,
                identification: "x".into(),
                dates: None,
            }],
            file: PathBuf::from("content/index.yaml"),
            lines: vec![2],
        }
    }

    #[test]
    fn titles_in_book_marks_are_works_and_a_pieces_title_leads_to_it() {
        let e = edition(
            "zh-CN",
            &[
                (
                    "秘书工作的风范",
                    Some("——与地县办公室干部谈心"),
                    "读《论语》。\n",
                ),
                (
                    "办公厅工作要做到“五个坚持”",
                    None,
                    "撰文《秘书工作的风范—— 与地县办公室干部谈心》，见（办公厅工作要做到“五个坚持”），又见（注意）和“某文”一文。\n",
                ),
            ],
        );
        let works = find_works(&e, false);
        let got: Vec<(&str, Option<usize>)> =
            works.iter().map(|w| (w.title.as_str(), w.piece)).collect();
        assert_eq!(
            got,
            [
                ("论语", None),
                ("秘书工作的风范——与地县办公室干部谈心", Some(0)),
                ("办公厅工作要做到“五个坚持”", Some(1)),
                ("某文", None),
            ]
        );
        // The place covers the marks: 《论语》 is characters 1..5.
        assert_eq!((works[0].start, works[0].end), (1, 5));
    }

    #[test]
    fn a_marked_articles_place_covers_its_quotation_marks_and_no_title_counts_twice() {
        let e = edition(
            "zh-CN",
            &[(
                "甲",
                None,
                "见“某文”一文，读《论语》《孟子》，又读“《大学》”一文。\n",
            )],
        );
        let works = find_works(&e, false);
        let got: Vec<(&str, usize, usize)> = works
            .iter()
            .map(|w| (w.title.as_str(), w.start, w.end))
            .collect();
        // Titles side by side are two; 《大学》 inside “……”一文 is one.
        assert_eq!(
            got,
            [
                ("某文", 1, 5),
                ("论语", 9, 13),
                ("孟子", 13, 17),
                ("《大学》", 20, 26)
            ]
        );
    }

    #[test]
    fn italic_titles_in_english() {
        let e = edition(
            "en",
            &[(
                "On Duty",
                None,
                // A line break inside the paragraph counts as one character
                // of its text, before the second title and inside the third.
                "He wrote *On Duty* and read\n*The Analects*; it was *very* good,\nand *The Book\nof Songs*.\n",
            )],
        );
        let titles: Vec<(String, Option<usize>)> = find_works(&e, true)
            .into_iter()
            .map(|w| (w.title, w.piece))
            .collect();
        assert_eq!(
            titles,
            [
                ("On Duty".to_owned(), Some(0)),
                ("The Analects".to_owned(), None),
                ("The Book of Songs".to_owned(), None)
            ]
        );
    }

    #[test]
    fn title_keys_ignore_dashes_spaces_and_bracket_widths() {
        assert_eq!(
            title_key("新时代办公厅(室)工作 —— 根本遵循"),
            title_key("新时代办公厅（室）工作——根本遵循")
        );
        assert_ne!(title_key("秘书工作"), title_key("秘书工作的风范"));
    }

    #[test]
    fn suggestions_find_names_before_titles_and_places_before_suffixes() {
        let mut e = edition(
            "zh-CN",
            &[(
                "甲",
                None,
                "习近平同志到宁德地区调研，浙江省委和福州市委的同志，宁德地委书记在场。全省各县都在学。\n",
            )],
        );
        e.chapters[0].front.interview = Some(crate::model::Interview {
            interviewee: Some("胡庆国".into()),
            interviewers: vec!["张三、李四".into()],
            place: Some("杭州".into()),
            ..Default::default()
        });
        let got: Vec<(String, Kind)> = suggest(&e, None)
            .into_iter()
            .map(|c| (c.text, c.kind))
            .collect();
        for (want, kind) in [
            ("习近平", Kind::Person),
            ("胡庆国", Kind::Person),
            ("张三", Kind::Person),
            ("李四", Kind::Person),
            ("杭州", Kind::Place),
            ("宁德", Kind::Place),
            ("浙江", Kind::Place),
            ("福州", Kind::Place),
        ] {
            assert!(
                got.contains(&(want.to_owned(), kind)),
                "{want} ({kind:?}) in {got:?}"
            );
        }
        for not in ["全", "全省", "各县", "宁德地委", "德地委", "到宁德"] {
            assert!(!got.iter().any(|(t, _)| t == not), "{not} in {got:?}");
        }
    }

    #[test]
    fn a_suggestion_counts_its_places_and_names_each_chapter_once() {
        let mut e = edition(
            "zh-CN",
            &[
                (
                    "甲",
                    None,
                    "胡庆国同志到宁德地区调研，宁德地区的同志汇报了宁德地区的情况，宁德地区和宁德地区的干部都来了。\n",
                ),
                ("乙", None, "胡庆国同志到福州市，胡庆国同志说了话。\n"),
            ],
        );
        let found = suggest(&e, None);
        let place = |text: &str| {
            found
                .iter()
                .position(|c| c.text == text)
                .unwrap_or_else(|| panic!("{text} in {found:?}"))
        };
        let (person, ningde, fuzhou) = (place("胡庆国"), place("宁德"), place("福州"));
        assert_eq!(found[person].count, 3);
        assert_eq!(found[person].chapters, ["c0", "c1"]);
        assert_eq!(
            (found[ningde].count, found[ningde].chapters.clone()),
            (5, vec!["c0".into()])
        );
        // Ranked by places times pieces: 3 × 2 before 5 × 1 before 1 × 1.
        assert!(person < ningde && ningde < fuzhou, "{found:?}");

        // A name the index has (by its name, not only its forms) is not
        // suggested again, from the text or from the front matter.
        e.chapters[1].front.interview = Some(crate::model::Interview {
            interviewee: Some("胡庆国".into()),
            ..Default::default()
        });
        let index = one_entry_index("胡庆国", &[], Kind::Person);
        let found = suggest(&e, Some(&index));
        assert!(!found.iter().any(|c| c.text == "胡庆国"), "{found:?}");
        assert!(found.iter().any(|c| c.text == "宁德"), "{found:?}");
    }

    #[test]
    fn suggestions_leave_out_words_that_overlap_a_known_name() {
        let e = edition(
            "zh-CN",
            &[(
                "甲",
                None,
                "大家按照习书记的要求做，当年习书记来过。他到宁德地区调研。\n",
            )],
        );
        let index = one_entry_index("习近平", &["习书记"], Kind::Person);
        let got: Vec<String> = suggest(&e, Some(&index))
            .into_iter()
            .map(|c| c.text)
            .collect();
        for not in ["按照习", "照习", "当年习", "年习"] {
            assert!(!got.iter().any(|t| t == not), "{not} in {got:?}");
        }
        // A name beside none of the index's is still offered.
        assert!(got.contains(&"宁德".to_owned()), "{got:?}");

        // Nor does a known form that only touches the name hide it.
        // Forms that begin where 宁德 ends and end where it begins.
        let index = one_entry_index("地区调研组", &["地区调研", "他到"], Kind::Place);
        let got: Vec<String> = suggest(&e, Some(&index))
            .into_iter()
            .map(|c| c.text)
            .collect();
        assert!(got.contains(&"宁德".to_owned()), "{got:?}");
    }

    #[test]
    fn suggestions_in_english_skip_sentence_starts_and_known_names() {
        let e = edition(
            "en",
            &[(
                "A",
                None,
                "The office met in Fuzhou. Then Xi Jinping spoke, and Fuzhou listened to Ann Lee.\n",
            )],
        );
        let index = one_entry_index("Ann Lee", &[], Kind::Person);
        let got: Vec<String> = suggest(&e, Some(&index))
            .into_iter()
            .map(|c| c.text)
            .collect();
        assert!(got.contains(&"Fuzhou".to_owned()), "{got:?}");
        assert!(got.contains(&"Xi Jinping".to_owned()), "{got:?}");
        assert!(!got.iter().any(|t| t == "The" || t == "Then"), "{got:?}");
        assert!(!got.contains(&"Ann Lee".to_owned()), "{got:?}");

        // A sentence's opening word, then a connecting word, then a name.
        let e = edition(
            "en",
            &[(
                "A",
                None,
                "He wrote. Then of Caesar nothing more was heard.\n",
            )],
        );
        let got: Vec<String> = suggest(&e, None).into_iter().map(|c| c.text).collect();
        assert_eq!(got, ["Caesar"]);
    }

    fn index_error(yaml_text: &str) -> Error {
        let file = PathBuf::from("content/index.yaml");
        let parsed: IndexFile = yaml::parse_file(yaml_text, &file).unwrap();
        let index = NameIndex {
            entries: parsed.entries,
            file,
            lines: yaml::list_item_lines(yaml_text),
        };
        check(&index, yaml_text).unwrap_err()
    }

    #[test]
    fn a_form_claimed_twice_is_an_error_at_the_second_entry() {
        let e = index_error(
            "entries:\n  - name: 宁德\n    kind: place\n    identification: 地名\n  - name: 宁德地区\n    forms: [宁德]\n    kind: place\n    identification: 地区\n",
        );
        assert_eq!(e.location.unwrap().line, 5);
        assert!(
            e.message.contains("already claimed by `宁德`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn pinyin_order_of_names() {
        let mut names = vec!["周恩来", "毛泽东", "邓小平", "Zhou", "习近平"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["邓小平", "毛泽东", "习近平", "Zhou", "周恩来"]);
        assert_eq!(initial("习近平"), "X");
    }
}

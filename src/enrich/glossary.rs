//! The glossary (`content/glossary.yaml`): entries read and checked, and
//! every occurrence of a term or alias found in the text with one
//! leftmost-longest multi-pattern search (aho-corasick), never inside
//! headings, links or code, never halfway through a longer term, and for
//! Latin terms only at word boundaries. Produces places, never markup.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::LinkMode;
use crate::diagnostic::{Error, Result, did_you_mean};
use crate::files::read_text;
use crate::markdown::is_cjk;
use crate::model::{Document, Edition};
use crate::yaml;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub term: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Markdown.
    pub definition: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see_also: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct Glossary {
    pub entries: Vec<Entry>,
    pub file: PathBuf,
    /// Each entry's line in the file.
    pub lines: Vec<usize>,
}

/// A term's place: characters `start..end` of unit `unit` of `chapter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub entry: usize,
    pub chapter: usize,
    pub unit: usize,
    pub start: usize,
    pub end: usize,
    /// Linked in the text (per the link mode), or only listed.
    pub linked: bool,
}

pub fn load(root: &Path) -> Result<Option<Glossary>> {
    let path = root.join("content").join("glossary.yaml");
    if !path.is_file() {
        return Ok(None);
    }
    let file = path.strip_prefix(root).unwrap_or(&path).to_owned();
    let text = read_text(&path)?;
    let parsed: GlossaryFile = yaml::parse_file(&text, &file)?;
    let lines = yaml::list_item_lines(&text);
    let glossary = Glossary {
        entries: parsed.entries,
        file,
        lines,
    };
    check(&glossary, &text)?;
    Ok(Some(glossary))
}

fn check(glossary: &Glossary, text: &str) -> Result<()> {
    let at = |k: usize, message: String| {
        let line = glossary.lines.get(k).copied().unwrap_or(1);
        Error::at(message, &glossary.file, text, line, 1)
    };
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (k, entry) in glossary.entries.iter().enumerate() {
        if entry.term.trim().is_empty() {
            return Err(at(k, "a glossary entry has an empty `term`".into()));
        }
        if entry.definition.trim().is_empty() {
            return Err(at(
                k,
                format!(
                    "the glossary entry `{}` has an empty definition",
                    entry.term
                ),
            ));
        }
        if let Some(i) = entry.aliases.iter().position(|a| a.trim().is_empty()) {
            let start = glossary.lines.get(k).copied().unwrap_or(1);
            let end = glossary.lines.get(k + 1).copied().unwrap_or(usize::MAX);
            let line = alias_line(text, start, end, i).unwrap_or(start);
            return Err(Error::at(
                format!(
                    "the glossary entry `{}` has an empty alias (its {})",
                    entry.term,
                    ordinal(i + 1)
                ),
                &glossary.file,
                text,
                line,
                1,
            )
            .with_help(
                "an alias is another form of the term as the text writes it: remove the empty one",
            ));
        }
        for (i, form) in std::iter::once(&entry.term)
            .chain(&entry.aliases)
            .enumerate()
        {
            if let Some(&other) = owner.get(form.as_str()) {
                let what = if i == 0 { "term" } else { "alias" };
                let message = if other == k {
                    format!("`{form}` is listed twice in the entry `{}`", entry.term)
                } else if glossary.entries[other].term == *form && i == 0 {
                    format!(
                        "duplicate glossary term `{form}` (also at line {})",
                        glossary.lines.get(other).copied().unwrap_or(1)
                    )
                } else {
                    format!(
                        "the {what} `{form}` of `{}` is already claimed by the entry `{}` (line {})",
                        entry.term,
                        glossary.entries[other].term,
                        glossary.lines.get(other).copied().unwrap_or(1)
                    )
                };
                return Err(at(k, message));
            }
            owner.insert(form, k);
        }
    }
    let terms: Vec<&str> = glossary.entries.iter().map(|e| e.term.as_str()).collect();
    for (k, entry) in glossary.entries.iter().enumerate() {
        for target in &entry.see_also {
            if !terms.contains(&target.as_str()) {
                let mut error = at(
                    k,
                    format!(
                        "`{}` sees also `{target}`, which is no entry of the glossary",
                        entry.term
                    ),
                );
                if let Some(t) = did_you_mean(target, &terms) {
                    error = error.with_help(format!("did you mean `{t}`?"));
                }
                return Err(error);
            }
        }
    }
    Ok(())
}

/// The line of an entry's alias number `index` (from 0), the entry
/// standing on lines `start..end`: the line of `aliases:` when they are
/// written `[a, b]`, else the line of its `- ` item.
fn alias_line(text: &str, start: usize, end: usize, index: usize) -> Option<usize> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .skip(start - 1)
        .take_while(|(n, _)| *n < end);
    let (key_line, rest) = lines.find_map(|(n, l)| {
        let l = l.trim_start().trim_start_matches("- ");
        let rest = l.strip_prefix("aliases")?.trim_start().strip_prefix(':')?;
        Some((n, rest.trim()))
    })?;
    if !rest.is_empty() && !rest.starts_with('#') {
        return Some(key_line);
    }
    lines
        .filter(|(_, l)| l.trim_start().starts_with('-'))
        .nth(index)
        .map(|(n, _)| n)
}

fn ordinal(n: usize) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        n => format!("{n}th"),
    }
}

/// Finds every place of every term and alias, and decides which to link.
pub fn find(edition: &Edition, glossary: &Glossary, mode: LinkMode) -> Vec<Place> {
    let forms: Vec<(&str, usize)> = glossary
        .entries
        .iter()
        .enumerate()
        .flat_map(|(k, entry)| {
            std::iter::once(&entry.term)
                .chain(&entry.aliases)
                .map(move |form| (form.as_str(), k))
        })
        .collect();
    let mut places = find_forms(edition, &forms);
    // Which places are links: the first of each entry per chapter or per
    // paragraph, or all.
    let mut seen: std::collections::HashSet<(usize, usize, usize)> = Default::default();
    for place in &mut places {
        place.linked = match mode {
            LinkMode::All => true,
            LinkMode::FirstPerChapter => seen.insert((place.entry, place.chapter, usize::MAX)),
            LinkMode::FirstPerParagraph => seen.insert((place.entry, place.chapter, place.unit)),
        };
    }
    places
}

/// Every place of the given forms (each with the entry it belongs to), in
/// reading order, found as the glossary's terms are (one leftmost-longest
/// search per unit; not in headings, links or code; Latin forms as whole
/// words, case folded), none of them linked yet. The indexes of persons
/// and places find their names with it too.
pub fn find_forms(edition: &Edition, forms: &[(&str, usize)]) -> Vec<Place> {
    // `check` refuses empty forms; an empty pattern would match nowhere in
    // particular.
    let (patterns, entry_of): (Vec<&str>, Vec<usize>) = forms
        .iter()
        .filter(|(form, _)| !form.trim().is_empty())
        .copied()
        .unzip();
    if patterns.is_empty() {
        return Vec::new();
    }
    let matcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&patterns)
        .expect("glossary patterns build");
    edition
        .chapters
        .par_iter()
        .enumerate()
        .flat_map_iter(|(c, chapter)| chapter_places(c, &chapter.document, &matcher, &entry_of))
        .collect()
}

fn chapter_places(
    chapter: usize,
    document: &Document,
    matcher: &AhoCorasick,
    entry_of: &[usize],
) -> Vec<Place> {
    let mut places = Vec::new();
    for (u, unit) in document.units().iter().enumerate() {
        // Headings are not linked (nor counted): they name, not use, terms.
        if matches!(
            document.event(unit.events.start),
            Event::Start(Tag::Heading { .. })
        ) {
            continue;
        }
        let excluded = excluded_ranges(document.events_in(unit.events.clone()));
        let chars: Vec<(usize, char)> = unit.text.char_indices().collect();
        let char_at = |byte: usize| chars.partition_point(|&(b, _)| b < byte);
        for m in matcher.find_iter(unit.text) {
            let (start, end) = (char_at(m.start()), char_at(m.end()));
            if excluded.iter().any(|&(a, b)| start < b && end > a) {
                continue;
            }
            // A Latin term stands only as whole words: "office" is not in
            // "officer".
            let before = start.checked_sub(1).map(|i| chars[i].1);
            let after = chars.get(end).map(|&(_, c)| c);
            let first = chars[start].1;
            let last = chars[end - 1].1;
            let word_char = |c: char| c.is_alphanumeric() && !is_cjk(c);
            if (word_char(first) && before.is_some_and(word_char))
                || (word_char(last) && after.is_some_and(word_char))
            {
                continue;
            }
            places.push(Place {
                entry: entry_of[m.pattern().as_usize()],
                chapter,
                unit: u,
                start,
                end,
                linked: false,
            });
        }
    }
    places
}

/// Character ranges of a unit's text inside links or inline code.
fn excluded_ranges<'e>(events: impl Iterator<Item = Event<'e>>) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut offset = 0;
    let mut link_start: Option<usize> = None;
    for event in events {
        match event {
            Event::Start(Tag::Link { .. }) => link_start = Some(offset),
            Event::End(TagEnd::Link) => {
                if let Some(s) = link_start.take() {
                    ranges.push((s, offset));
                }
            }
            Event::Code(t) => {
                let n = t.chars().count();
                ranges.push((offset, offset + n));
                offset += n;
            }
            Event::Text(t) => offset += t.chars().count(),
            Event::SoftBreak | Event::HardBreak => offset += 1,
            _ => {}
        }
    }
    ranges
}

/// The key that sorts entries in the language's dictionary order: pinyin
/// for Chinese (三服务 under S), the letters themselves otherwise.
pub fn sort_key(term: &str) -> String {
    use pinyin::ToPinyin;
    let mut key = String::new();
    for c in term.chars() {
        match c.to_pinyin() {
            Some(p) => {
                key.push_str(p.with_tone_num_end());
                key.push(' ');
            }
            // (Digits are alphanumeric: they stay, as themselves.)
            None if c.is_alphanumeric() => key.extend(c.to_lowercase()),
            None => {}
        }
    }
    key
}

/// The letter an entry is filed under: the first letter of its key, or
/// `#` for terms that start with a digit or a sign.
pub fn initial(term: &str) -> String {
    sort_key(term)
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| {
            if c.is_ascii_digit() {
                "#".to_owned()
            } else {
                c.to_uppercase().collect()
            }
        })
        .unwrap_or_else(|| "#".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn matcher(patterns: &[&str]) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(patterns)
            .unwrap()
    }

    fn found(body: &str, patterns: &[&str]) -> Vec<(usize, String)> {
        let doc = parse(body);
        let entry_of: Vec<usize> = (0..patterns.len()).collect();
        let units = doc.units();
        chapter_places(0, &doc, &matcher(patterns), &entry_of)
            .into_iter()
            .map(|p| {
                (
                    p.entry,
                    units[p.unit]
                        .text
                        .chars()
                        .skip(p.start)
                        .take(p.end - p.start)
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_longer_term_wins_and_cjk_needs_no_spaces() {
        let got = found(
            "要做好三服务工作，中办和中办工作。\n",
            &["中办", "中办工作", "三服务"],
        );
        assert_eq!(
            got,
            [
                (2, "三服务".into()),
                (0, "中办".into()),
                (1, "中办工作".into())
            ]
        );
    }

    #[test]
    fn english_whole_words_any_case() {
        let got = found(
            "The Office and the officer; office work.\n",
            &["office", "office work"],
        );
        assert_eq!(got, [(0, "Office".into()), (1, "office work".into())]);
    }

    #[test]
    fn not_in_headings_links_or_code() {
        let got = found("## 三服务\n\n[三服务](x.md) `三服务` 三服务\n", &["三服务"]);
        assert_eq!(got, [(0, "三服务".into())]);
    }

    /// An edition in `language` of one chapter for each of `bodies`,
    /// slugged c0, c1, …
    fn edition_of(language: &str, bodies: &[&str]) -> crate::model::Edition {
        let config = format!("title: T\nlanguage: {language}\n");
        crate::model::Edition {
            root: Default::default(),
            config: crate::config::EditionConfig::parse(&config, Path::new("e")).unwrap(),
            chapters: (bodies.iter().enumerate())
                .map(|(i, body)| crate::model::Chapter {
                    file: Default::default(),
                    front: Default::default(),
                    slug: format!("c{i}"),
                    number: i + 1,
                    document: parse(body),
                    source_digest: 0,
                })
                .collect(),
        }
    }

    #[test]
    fn suggestions_find_formulas_and_coinages() {
        let edition = edition_of(
            "zh-CN",
            &[
                "坚持“三服务”，做到五个坚持，是“总开关”。\n",
                "五个坚持和三服务，“总开关”不能松。\n",
            ],
        );
        let texts: Vec<String> = suggest(&edition, None)
            .into_iter()
            .map(|c| c.text)
            .collect();
        for want in ["三服务", "五个坚持", "总开关"] {
            assert!(texts.iter().any(|t| t == want), "{want} in {texts:?}");
        }
    }

    fn glossary_error(yaml: &str) -> Error {
        let file = PathBuf::from("content/glossary.yaml");
        let parsed: GlossaryFile = yaml::parse_file(yaml, &file).unwrap();
        let glossary = Glossary {
            entries: parsed.entries,
            file,
            lines: yaml::list_item_lines(yaml),
        };
        check(&glossary, yaml).unwrap_err()
    }

    #[test]
    fn an_empty_alias_is_an_error_at_its_line() {
        let e = glossary_error(
            "entries:\n  - term: a\n    definition: d\n  - term: b\n    aliases: [x, \"\"]\n    definition: d\n",
        );
        assert_eq!(e.location.unwrap().line, 5);
        assert!(
            e.message.contains("`b` has an empty alias"),
            "{}",
            e.message
        );
        let e = glossary_error(
            "entries:\n  - term: b\n    definition: d\n    aliases:\n      - x\n      - \"  \"\n  - term: c\n    definition: d\n",
        );
        assert_eq!(e.location.unwrap().line, 6);
    }

    #[test]
    fn a_form_claimed_twice_names_what_claims_it() {
        let e = glossary_error(
            "entries:\n  - term: 中办\n    definition: d\n  - term: 中办\n    definition: d\n",
        );
        assert!(
            e.message
                .contains("duplicate glossary term `中办` (also at line 2)"),
            "{}",
            e.message
        );
        let e = glossary_error(
            "entries:\n  - term: 中办\n    definition: d\n  - term: 办公厅\n    aliases: [中办]\n    definition: d\n",
        );
        assert!(
            e.message.contains(
                "the alias `中办` of `办公厅` is already claimed by the entry `中办` (line 2)"
            ),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_empty_alias_is_named_by_its_rank_and_found_however_the_entry_is_written() {
        for (aliases, rank) in [
            ("[\"\", x]", "first"),
            ("[x, \"\"]", "second"),
            ("[x, y, \" \"]", "third"),
            ("[x, y, z, \"\"]", "4th"),
        ] {
            let e = glossary_error(&format!(
                "entries:\n  - term: b\n    aliases: {aliases}\n    definition: d\n"
            ));
            assert!(
                e.message
                    .contains(&format!("has an empty alias (its {rank})")),
                "{}",
                e.message
            );
        }
        // The aliases written first in the entry, as a list.
        let e = glossary_error(
            "entries:\n  - aliases:\n      - x\n      - \"\"\n    term: b\n    definition: d\n",
        );
        assert_eq!(e.location.unwrap().line, 4);
        // An entry written on one line: its own line, not the next entry's
        // `aliases:`.
        let e = glossary_error(
            "entries:\n  - {term: b, aliases: [x, \"\"], definition: d}\n  - aliases: [y]\n    term: c\n    definition: d\n",
        );
        assert_eq!(e.location.unwrap().line, 2);
    }

    #[test]
    fn terms_right_beside_a_link_or_after_code_and_line_breaks_are_found() {
        // Touching a link on either side, and after one.
        assert_eq!(
            found("[链接](x)三服务三服务[链接](y)，三服务\n", &["三服务"]).len(),
            3
        );
        // A link after inline code or a line break is placed right: the
        // term before it is found, the one inside it is not.
        assert_eq!(
            found("`ab` 三服务[三服务](y)\n", &["三服务"]),
            [(0, "三服务".into())]
        );
        // (Between CJK characters a line break is no character at all.)
        assert_eq!(
            found("office\noffice 三服务[三服务](y)\n", &["三服务"]),
            [(0, "三服务".into())]
        );
    }

    #[test]
    fn suggestions_are_ranked_and_the_shorter_of_two_forms_gives_way() {
        let edition = edition_of(
            "en",
            &[
                "Zeta Works opened. Zeta Works closed. Zeta Works again. Zeta Works still. Zeta Works now, Zeta Works then, Zeta Works soon, Zeta Works at last. We keep “三服务”.\n",
                "Alpha Plan began. Alpha Plan grew. We saw Central Office Staff. Keep “三服务” too.\n",
                "Alpha Plan ended. Alpha Plan stayed. Central Office Staff came; Central Office Staff left; we saw Central Office work, Central Office rest.\n",
            ],
        );
        let got: Vec<(String, usize, Vec<String>, &str)> = suggest(&edition, None)
            .into_iter()
            .map(|c| (c.text, c.count, c.chapters, c.kind))
            .collect();
        let chapters = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Ranked by pieces times uses (8, 8, 6, 4: not their sum), equals
        // by text; Central Office gives way to the longer form that stands
        // as often or more; 三服务 is one candidate, a numeric formula,
        // though also quoted.
        let phrase = "capitalised phrase";
        assert_eq!(
            got,
            [
                ("Alpha Plan".into(), 4, chapters(&["c1", "c2"]), phrase),
                ("Zeta Works".into(), 8, chapters(&["c0"]), phrase),
                (
                    "Central Office Staff".into(),
                    3,
                    chapters(&["c1", "c2"]),
                    phrase
                ),
                (
                    "三服务".into(),
                    2,
                    chapters(&["c0", "c1"]),
                    "numeric formula"
                ),
            ]
        );
    }

    #[test]
    fn pinyin_order() {
        let mut terms = vec!["中办", "三服务", "28字要求", "绿叶精神", "Archive"];
        terms.sort_by_key(|t| sort_key(t));
        assert_eq!(terms, ["28字要求", "Archive", "绿叶精神", "三服务", "中办"]);
        assert_eq!(initial("三服务"), "S");
        assert_eq!(initial("28字要求"), "#");
        // Marks that are neither letters nor digits are left out.
        assert_eq!(sort_key("Anti-Corruption No. 2"), "anticorruptionno2");
    }
}

/// A term the text seems to coin, for `zhushu glossary suggest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub text: String,
    pub count: usize,
    /// Slugs of the chapters where it stands, in reading order.
    pub chapters: Vec<String>,
    /// Why it was suggested: `numeric formula`, `quoted coinage`,
    /// `capitalised phrase`.
    pub kind: &'static str,
}

static NUMERIC_FORMULA: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    // 三服务, 五个坚持, 28字要求, 四大考验, 两个一百年, 三严三实: a numeral
    // (not 一, which is mostly "one"), a classifier perhaps, and a short
    // run of characters that are not function words.
    regex::Regex::new(r"(?:[二三四五六七八九十两]|\d{1,3})\s?(?:个|大|种|项|条|字的?|点)?[\p{Han}&&[^和与及的是在对为次年月日名人件方第一二三四五六七八九十个]]{1,3}(?:[二三四五六七八九十][\p{Han}&&[^和与及的是]])?").unwrap()
});
static QUOTED: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"[“‘「]([\p{Han}\d]{2,6})[”’」]").unwrap());
static CAPITALISED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b[A-Z][a-z]+(?:\s+(?:of|and|for|the)?\s*[A-Z][a-z]+){1,3}\b").unwrap()
});

/// Ranked candidate terms: numeric formulas and short quoted coinages that
/// recur, and recurring capitalised phrases in English; terms the glossary
/// already has are left out.
pub fn suggest(edition: &Edition, glossary: Option<&Glossary>) -> Vec<Candidate> {
    let known: std::collections::HashSet<&str> = glossary
        .map(|g| {
            g.entries
                .iter()
                .flat_map(|e| {
                    std::iter::once(e.term.as_str()).chain(e.aliases.iter().map(String::as_str))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut found: std::collections::BTreeMap<(String, &'static str), (usize, Vec<String>)> =
        Default::default();
    for chapter in &edition.chapters {
        for unit in chapter.document.units() {
            let mut add = |text: &str, kind: &'static str| {
                let text = text.trim().to_owned();
                let entry = found.entry((text, kind)).or_default();
                entry.0 += 1;
                if entry.1.last() != Some(&chapter.slug) {
                    entry.1.push(chapter.slug.clone());
                }
            };
            for m in NUMERIC_FORMULA.find_iter(unit.text) {
                add(m.as_str(), "numeric formula");
            }
            for c in QUOTED.captures_iter(unit.text) {
                add(&c[1], "quoted coinage");
            }
            for m in CAPITALISED.find_iter(unit.text) {
                add(m.as_str(), "capitalised phrase");
            }
        }
    }
    let mut candidates: Vec<Candidate> = found
        .into_iter()
        .filter(|((text, _), (count, _))| {
            *count >= 2 && text.chars().count() >= 3 && !known.contains(text.as_str())
        })
        .map(|((text, kind), (count, chapters))| Candidate {
            text,
            count,
            chapters,
            kind,
        })
        .collect();
    // Numeric formulas overlap (五个坚持 / 五个坚持的): keep a candidate
    // only if no longer one of the same kind stands as often.
    // The same text found both ways is one candidate (a quoted numeric
    // formula).
    let snapshot = candidates.clone();
    candidates.retain(|c| {
        !snapshot.iter().any(|o| {
            (o.kind == c.kind
                && o.text.len() > c.text.len()
                && o.text.contains(&c.text)
                && o.count >= c.count)
                || (o.text == c.text && o.kind == "numeric formula" && c.kind == "quoted coinage")
        })
    });
    candidates.sort_by(|a, b| {
        (b.chapters.len() * b.count)
            .cmp(&(a.chapters.len() * a.count))
            .then_with(|| a.text.cmp(&b.text))
    });
    candidates
}

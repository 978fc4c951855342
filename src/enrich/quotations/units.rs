//! Units tokenized for detection: each unit's keys (4 bytes a token),
//! quoted ranges, walls and clause starts. A chapter's clause starts stand
//! in one vector, and the edition's keys in one (`edition_keys`), which
//! the units borrow.

use std::borrow::Cow;
use std::ops::Range;

use super::tokens::{self, mask_stock_phrases, quoted_ranges, tokenize_into};
use super::{QuotationOptions, Unit};

/// A chapter's units tokenized (`tokenize_chapter`): every unit's keys
/// and clause starts in one vector each, so that a large edition's units
/// cost a few allocations a chapter, not a few each (freeing the 200,000
/// units of 10,000 pieces of formulaic prose one by one took 0.04 s).
pub(super) struct ChapterTokens {
    keys: Vec<u32>,
    clauses: Vec<u32>,
}

/// One unit of a `ChapterTokens`: its text, where its keys and clause
/// starts stand in the chapter's, and its own marks.
pub(super) struct Tokenized<'a> {
    text: &'a str,
    keys: Range<usize>,
    clauses: Range<usize>,
    marks: Marks,
}

/// A unit's quoted token ranges and walls (`Unit`'s fields).
struct Marks {
    quoted: Box<[(u32, u32)]>,
    walls: Box<[u32]>,
}

/// The units whose words are `texts`, tokenized.
pub(super) fn tokenize_chapter<'a>(
    texts: impl Iterator<Item = &'a str>,
    options: &QuotationOptions,
) -> (ChapterTokens, Vec<Tokenized<'a>>) {
    let mut chapter = ChapterTokens {
        keys: Vec::new(),
        clauses: Vec::new(),
    };
    let mut units = Vec::new();
    let mut scratch = Scratch::default();
    for text in texts {
        let (keys_from, clauses_from) = (chapter.keys.len(), chapter.clauses.len());
        let marks = tokenize_unit(
            text,
            options,
            &mut scratch,
            &mut chapter.keys,
            &mut chapter.clauses,
        );
        units.push(Tokenized {
            text,
            keys: keys_from..chapter.keys.len(),
            clauses: clauses_from..chapter.clauses.len(),
            marks,
        });
    }
    // Grown by doubling: the slack (a fifth of the memory at 10,000
    // pieces) goes. (The keys are copied into the edition's, exactly.)
    chapter.clauses.shrink_to_fit();
    (chapter, units)
}

/// Every chapter's keys moved into one vector, in order, and where each
/// chapter's begin in it. Tokenized on both cores, each chapter's keys
/// grow in a vector of their own; held until the stage ends, ten thousand
/// of them took 19 MiB more at the build's peak than one vector (mimalloc
/// rounds each up to its size class).
pub(super) fn edition_keys(chapters: &mut [ChapterTokens]) -> (Vec<u32>, Vec<usize>) {
    let total = chapters.iter().map(|c| c.keys.len()).sum();
    let mut keys: Vec<u32> = Vec::with_capacity(total);
    let mut starts = Vec::with_capacity(chapters.len());
    for chapter in chapters {
        starts.push(keys.len());
        keys.extend_from_slice(&chapter.keys);
        chapter.keys = Vec::new();
    }
    (keys, starts)
}

impl ChapterTokens {
    /// The `units` of chapter `c`, borrowing its `keys` and its clauses.
    pub(super) fn units<'a>(
        &'a self,
        keys: &'a [u32],
        c: usize,
        units: Vec<Tokenized<'a>>,
    ) -> impl Iterator<Item = Unit<'a>> {
        units.into_iter().enumerate().map(move |(u, t)| Unit {
            chapter: c,
            unit: u,
            text: t.text,
            keys: Cow::Borrowed(&keys[t.keys]),
            quoted: t.marks.quoted,
            walls: t.marks.walls,
            clauses: Cow::Borrowed(&self.clauses[t.clauses]),
        })
    }
}

/// A unit's characters and tokens while it is tokenized: one allocation of
/// each for a chapter's units, not one a unit.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    tokens: Vec<tokens::Token>,
}

/// Tokenizes `text`: its keys and clause starts pushed onto `keys` and
/// `clauses`; returns its quoted ranges and walls.
fn tokenize_unit(
    text: &str,
    options: &QuotationOptions,
    scratch: &mut Scratch,
    keys: &mut Vec<u32>,
    clauses: &mut Vec<u32>,
) -> Marks {
    let Scratch { chars, tokens } = scratch;
    chars.clear();
    chars.extend(text.chars());
    tokenize_into(chars, tokens);
    mask_stock_phrases(tokens, text, &options.stop_list);
    let quoted = quoted_tokens(chars, tokens);
    let mut walls: Vec<u32> = quoted
        .iter()
        .filter(|&&(first, last)| (last - first) as usize >= options.min_tokens)
        .flat_map(|&(first, last)| [first, last])
        .collect();
    walls.sort_unstable();
    walls.dedup();
    keys.extend(tokens.iter().map(|t| t.key));
    clauses.extend(clause_starts(chars, tokens));
    Marks {
        quoted: quoted.into_boxed_slice(),
        walls: walls.into_boxed_slice(),
    }
}

/// Token indices where a clause begins: a clause mark stands between the
/// token and the one before.
fn clause_starts<'a>(
    chars: &'a [char],
    tokens: &'a [tokens::Token],
) -> impl Iterator<Item = u32> + 'a {
    tokens
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| {
            chars[pair[0].end()..pair[1].start()]
                .iter()
                .any(|&c| tokens::is_clause_mark(c))
        })
        .map(|(i, _)| i as u32 + 1)
}

/// Token ranges inside quotation marks.
fn quoted_tokens(chars: &[char], tokens: &[tokens::Token]) -> Vec<(u32, u32)> {
    quoted_ranges(chars)
        .into_iter()
        .filter_map(|(start, end)| {
            let first = tokens.partition_point(|t| t.start() < start);
            let last = tokens.partition_point(|t| t.end() <= end);
            (last > first).then_some((first as u32, last as u32))
        })
        .collect()
}

impl<'a> Unit<'a> {
    /// Unit `u` of chapter `c`, whose words are `text`, on its own.
    #[cfg(test)]
    pub(super) fn new(c: usize, u: usize, text: &'a str, options: &QuotationOptions) -> Unit<'a> {
        let (mut keys, mut clauses) = (Vec::new(), Vec::new());
        let marks = tokenize_unit(
            text,
            options,
            &mut Scratch::default(),
            &mut keys,
            &mut clauses,
        );
        Unit {
            chapter: c,
            unit: u,
            text,
            keys: keys.into(),
            quoted: marks.quoted,
            walls: marks.walls,
            clauses: clauses.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_borrows_its_own_keys_from_the_editions() {
        let options = QuotationOptions::for_language("zh");
        let chapters_text: [&[&str]; 3] = [
            &["不忘初心，牢记使命。", "“空谈误国，实干兴邦。”"],
            &[],
            &["the nation’s “haste makes waste”", "", "为人民服务"],
        ];
        let (mut chapters, tokenized): (Vec<ChapterTokens>, Vec<Vec<Tokenized>>) = chapters_text
            .iter()
            .map(|texts| tokenize_chapter(texts.iter().copied(), &options))
            .unzip();
        let (keys, starts) = edition_keys(&mut chapters);
        assert_eq!(starts.len(), 3);
        let ends: Vec<usize> = starts.iter().skip(1).copied().chain([keys.len()]).collect();
        let mut seen = 0;
        for (c, (chapter, units)) in chapters.iter().zip(tokenized).enumerate() {
            let chapter_keys = &keys[starts[c]..ends[c]];
            for unit in chapter.units(chapter_keys, c, units) {
                let alone = Unit::new(c, unit.unit, unit.text, &options);
                assert_eq!(unit.keys, alone.keys, "{}", unit.text);
                assert_eq!(unit.clauses, alone.clauses, "{}", unit.text);
                assert_eq!(unit.quoted, alone.quoted, "{}", unit.text);
                assert_eq!(unit.text, chapters_text[c][unit.unit]);
                seen += 1;
            }
        }
        assert_eq!(seen, 5);
        // 不忘初心牢记使命, 空谈误国实干兴邦, the nation’s haste makes waste,
        // 为人民服务.
        assert_eq!(keys.len(), 8 + 8 + 5 + 5);
    }
}

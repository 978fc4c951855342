//! Units tokenized for detection: each unit's keys (4 bytes a token),
//! quoted ranges, walls and clause starts. A chapter's keys and clause
//! starts stand in one vector each, which its units borrow.

use std::borrow::Cow;
use std::ops::Range;

use super::formulas::{Listed, listed_in};
use super::tokens::{self, mask_stock_phrases, quoted_ranges, tokenize_into};
use super::{QuotationOptions, Unit};

/// A chapter's units tokenized (`tokenize_chapter`): every unit's keys
/// and clause starts in one vector each, so that a large edition's units
/// cost a few allocations a chapter, not a few each (freeing the 200,000
/// units of 10,000 pieces of formulaic prose one by one took 0.04 s).
pub(super) struct ChapterTokens {
    keys: Vec<u32>,
    clauses: Vec<u32>,
    /// The lists that may be formulas, each of its unit in the chapter
    /// (`formulas::listed_in`), until `take_lists`.
    lists: Vec<Listed>,
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

/// The units whose words are `texts`, tokenized, with the `scratch` of
/// the thread.
pub(super) fn tokenize_chapter<'a>(
    texts: impl Iterator<Item = &'a str>,
    options: &QuotationOptions,
    scratch: &mut Scratch,
) -> (ChapterTokens, Vec<Tokenized<'a>>) {
    let mut units = Vec::new();
    let mut lists = Vec::new();
    let Scratch {
        unit,
        keys,
        clauses,
    } = scratch;
    keys.clear();
    clauses.clear();
    for text in texts {
        let (keys_from, clauses_from) = (keys.len(), clauses.len());
        let marks = tokenize_unit(text, options, unit, (keys, clauses));
        listed_in(
            (units.len(), text),
            &unit.chars,
            &unit.tokens,
            &unit.quoted,
            &mut lists,
        );
        units.push(Tokenized {
            text,
            keys: keys_from..keys.len(),
            clauses: clauses_from..clauses.len(),
            marks,
        });
    }
    // Grown in the thread's vectors, kept in vectors of their exact size:
    // grown by doubling and shrunk, a chapter's own vectors kept their
    // slack (mimalloc shrinks a block in place), and were copied at every
    // doubling.
    let chapter = ChapterTokens {
        keys: keys.as_slice().into(),
        clauses: clauses.as_slice().into(),
        lists,
    };
    (chapter, units)
}

impl ChapterTokens {
    /// The chapter's lists, taken out (each of its unit in the chapter).
    pub(super) fn take_lists(&mut self) -> Vec<Listed> {
        std::mem::take(&mut self.lists)
    }

    /// The `units` of chapter `c`, borrowing its keys and clauses.
    pub(super) fn units<'a>(
        &'a self,
        c: usize,
        units: Vec<Tokenized<'a>>,
    ) -> impl Iterator<Item = Unit<'a>> {
        units.into_iter().enumerate().map(move |(u, t)| Unit {
            chapter: c,
            unit: u,
            text: t.text,
            keys: Cow::Borrowed(&self.keys[t.keys]),
            quoted: t.marks.quoted,
            walls: t.marks.walls,
            clauses: Cow::Borrowed(&self.clauses[t.clauses]),
        })
    }
}

/// What a thread tokenizes in: a chapter's keys and clause starts as they
/// grow, and a unit's characters and tokens. One allocation of each for
/// the thread's chapters, not one a chapter or a unit.
#[derive(Default)]
pub(super) struct Scratch {
    unit: UnitScratch,
    keys: Vec<u32>,
    clauses: Vec<u32>,
}

/// A unit's characters, tokens and character ranges in quotation marks
/// while it is tokenized.
#[derive(Default)]
struct UnitScratch {
    chars: Vec<char>,
    tokens: Vec<tokens::Token>,
    quoted: Vec<(usize, usize)>,
}

/// Tokenizes `text`: its keys and clause starts pushed onto `keys` and
/// `clauses`; returns its quoted ranges and walls.
fn tokenize_unit(
    text: &str,
    options: &QuotationOptions,
    scratch: &mut UnitScratch,
    (keys, clauses): (&mut Vec<u32>, &mut Vec<u32>),
) -> Marks {
    let UnitScratch {
        chars,
        tokens,
        quoted: ranges,
    } = scratch;
    chars.clear();
    chars.extend(text.chars());
    tokenize_into(chars, tokens);
    mask_stock_phrases(tokens, text, &options.stop_list);
    *ranges = quoted_ranges(chars);
    let quoted = quoted_tokens(ranges, tokens);
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

/// Token ranges inside quotation marks (`ranges`, of characters).
fn quoted_tokens(ranges: &[(usize, usize)], tokens: &[tokens::Token]) -> Vec<(u32, u32)> {
    ranges
        .iter()
        .filter_map(|&(start, end)| {
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
            &mut UnitScratch::default(),
            (&mut keys, &mut clauses),
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

    /// Quotation marks around words give their tokens' range; empty ones
    /// give none.
    #[test]
    fn empty_quotation_marks_hold_no_tokens() {
        let chars: Vec<char> = "甲“”乙“丙丁”".chars().collect();
        let tokens = tokens::tokenize(&chars);
        assert_eq!(quoted_tokens(&quoted_ranges(&chars), &tokens), [(2, 4)]);
    }

    #[test]
    fn chapters_tokenized_with_one_scratch_keep_each_units_own_keys_in_exact_vectors() {
        let options = QuotationOptions::for_language("zh");
        let chapters: [&[&str]; 3] = [
            &["不忘初心，牢记使命。", "“空谈误国，实干兴邦。”"],
            &[],
            &[
                "the nation’s “haste makes waste”",
                "",
                "为人民服务，为人民谋幸福",
            ],
        ];
        let mut scratch = Scratch::default();
        let mut seen = 0;
        for (c, texts) in chapters.iter().enumerate() {
            let (chapter, units) = tokenize_chapter(texts.iter().copied(), &options, &mut scratch);
            // Each chapter holds its own units' keys and clause starts,
            // nothing of the chapter before, in vectors of their size.
            let keys: usize = units.iter().map(|u| u.keys.len()).sum();
            let clauses: usize = units.iter().map(|u| u.clauses.len()).sum();
            assert_eq!((chapter.keys.len(), chapter.clauses.len()), (keys, clauses));
            assert_eq!(chapter.keys.capacity(), chapter.keys.len());
            assert_eq!(chapter.clauses.capacity(), chapter.clauses.len());
            for unit in chapter.units(c, units) {
                let alone = Unit::new(c, unit.unit, unit.text, &options);
                assert_eq!(unit.text, texts[unit.unit]);
                assert_eq!(unit.keys, alone.keys, "{}", unit.text);
                assert_eq!(unit.clauses, alone.clauses, "{}", unit.text);
                assert_eq!(unit.quoted, alone.quoted, "{}", unit.text);
                assert_eq!(unit.walls, alone.walls, "{}", unit.text);
                seen += 1;
            }
        }
        assert_eq!(seen, 5);
    }
}

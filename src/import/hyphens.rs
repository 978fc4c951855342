//! Hyphens at line ends in Latin text. A PDF's text breaks words across
//! lines with a hyphen (gov-/ernment), and also breaks compounds that
//! carry a hyphen of their own (well-/known, twenty-/five). The text itself
//! says which is which: a compound written with its hyphen elsewhere keeps
//! it, a word written whole elsewhere is rejoined; without evidence, a few
//! compound-forming words (number words, self-, well-) keep theirs and the
//! rest are rejoined, as hyphenation is by far the more common cause. Soft
//! hyphens (U+00AD) are invisible marks of the same hyphenation and are
//! taken out. Every line touched is listed in the report.

use std::collections::HashSet;

use crate::import::text::Block;

/// Source lines where a line-end hyphen was decided (or a soft hyphen
/// taken out), for the report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hyphens {
    /// A word broken by hyphenation, rejoined (gov-/ernment → government).
    pub rejoined: Vec<usize>,
    /// A compound's own hyphen, kept (well-/known → well-known).
    pub kept: Vec<usize>,
    /// Lines that held a soft hyphen (U+00AD), taken out.
    pub soft: Vec<usize>,
}

const SOFT_HYPHEN: char = '\u{AD}';

/// Words that form hyphenated compounds as their first part.
const COMPOUND_FIRSTS: [&str; 19] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "self", "well",
    "ill", "half", "ex", "all", "vice", "great", "cross", "full", "quasi",
];

/// The words of `source`: whole ones, and compounds written with a hyphen
/// inside a line.
struct Lexicon {
    whole: HashSet<String>,
    compounds: HashSet<String>,
}

impl Lexicon {
    fn of(source: &str) -> Lexicon {
        let mut whole = HashSet::new();
        let mut compounds = HashSet::new();
        for line in source.lines() {
            let line = line.trim_end();
            let words: Vec<&str> = line
                // Cut at apostrophes too: the words looked up are letters
                // only, and “the allowance’s size” writes allowance whole.
                .split(|c: char| !(c.is_alphabetic() || c == '-'))
                .filter(|w| !w.is_empty())
                .collect();
            for (i, word) in words.iter().enumerate() {
                // The fragment before a line-end hyphen is no word.
                if i + 1 == words.len() && line.ends_with('-') {
                    continue;
                }
                let lower = word.to_lowercase();
                if lower.trim_matches('-').contains('-') {
                    compounds.insert(lower.trim_matches('-').to_owned());
                } else {
                    whole.insert(lower.trim_matches('-').to_owned());
                }
            }
        }
        Lexicon { whole, compounds }
    }

    /// Whether `left-` at a line end and `right` at the next line's start
    /// are a compound that keeps its hyphen.
    fn keeps_hyphen(&self, left: &str, right: &str) -> bool {
        let (left, right) = (left.to_lowercase(), right.to_lowercase());
        if self.compounds.contains(&format!("{left}-{right}")) {
            return true;
        }
        if self.whole.contains(&format!("{left}{right}")) {
            return false;
        }
        // mother-in-/law: a compound already.
        left.contains('-') || COMPOUND_FIRSTS.contains(&left.as_str())
    }
}

/// Decides every line-end hyphen inside the blocks (a word that goes on in
/// lowercase on the next line of the same block) and writes the word whole
/// on one of the two lines, so that the lines join with a space as any
/// others do: rejoined as one word, or kept with its hyphen. Soft hyphens
/// go. No other character changes.
pub fn resolve(source: &str, blocks: &mut [Block]) -> Hyphens {
    let lexicon = Lexicon::of(source);
    let mut found = Hyphens::default();
    for block in blocks.iter_mut() {
        for (k, line) in block.lines.iter_mut().enumerate() {
            if line.contains(SOFT_HYPHEN) {
                line.retain(|c| c != SOFT_HYPHEN);
                found.soft.push(block.line + k);
            }
        }
        for k in 0..block.lines.len().saturating_sub(1) {
            let Some(Split {
                head,
                word,
                rest,
                keep,
            }) = split_at_hyphen(&block.lines[k], &block.lines[k + 1], &lexicon)
            else {
                continue;
            };
            match (head.is_empty(), rest.is_empty()) {
                // The word goes up, the rest of the next line stays.
                (_, false) => {
                    block.lines[k] = if head.is_empty() {
                        word
                    } else {
                        format!("{head} {word}")
                    };
                    block.lines[k + 1] = rest;
                }
                // The next line was the word's end alone: the word goes down.
                (false, true) => {
                    block.lines[k] = head;
                    block.lines[k + 1] = word;
                }
                // Two lines of one broken word: left to the usual join.
                (true, true) => continue,
            }
            if keep {
                found.kept.push(block.line + k);
            } else {
                found.rejoined.push(block.line + k);
            }
        }
    }
    found
}

/// A line ending in `left-` and a next line starting with `right`, cut
/// around the word they make.
struct Split {
    /// The first line's words before `left`.
    head: String,
    /// The word decided, with the punctuation that follows it.
    word: String,
    /// The next line's words after it.
    rest: String,
    /// The hyphen was kept (a compound), not taken out.
    keep: bool,
}

/// The split at a line-end hyphen, when the next line goes on in lowercase.
fn split_at_hyphen(line: &str, next: &str, lexicon: &Lexicon) -> Option<Split> {
    let stem = line.trim_end().strip_suffix('-')?;
    let left_start = stem
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphabetic() || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let left = &stem[left_start..];
    if !left
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let next = next.trim_start();
    let right_end = next
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(next.len());
    let right = &next[..right_end];
    if !right.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    let token_end = next[right_end..]
        .find(char::is_whitespace)
        .map_or(next.len(), |i| right_end + i);
    let keep = lexicon.keeps_hyphen(left, right);
    let hyphen = if keep { "-" } else { "" };
    Some(Split {
        head: stem[..left_start].trim_end().to_owned(),
        word: format!("{left}{hyphen}{}", &next[..token_end]),
        rest: next[token_end..].trim_start().to_owned(),
        keep,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(lines: &[&str]) -> Block {
        Block {
            line: 10,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            at_page_foot: false,
        }
    }

    #[test]
    fn hyphenation_is_rejoined_and_a_compound_keeps_its_hyphen() {
        let source = "a well-known name and the government\n";
        let mut blocks = vec![
            block(&[
                "the gov-",
                "ernment, she said, was a well-",
                "known one",
                "and twenty-",
                "five more",
            ]),
            Block {
                line: 20,
                ..block(&["an exam-", "ple of it"])
            },
        ];
        let found = resolve(source, &mut blocks);
        assert_eq!(
            blocks[0].lines,
            [
                "the government,",
                "she said, was a well-known",
                "one",
                "and twenty-five",
                "more"
            ]
        );
        // No evidence either way: hyphenation, the common case.
        assert_eq!(blocks[1].lines, ["an example", "of it"]);
        assert_eq!(found.rejoined, [10, 20]);
        assert_eq!(found.kept, [11, 13]);
    }

    #[test]
    fn a_compound_seen_elsewhere_keeps_its_hyphen_and_a_word_seen_whole_is_rejoined() {
        let source = "a long-term plan; the nonprofit\n";
        let mut blocks = vec![block(&["a long-", "term plan and a non-", "profit one"])];
        resolve(source, &mut blocks);
        assert_eq!(
            blocks[0].lines,
            ["a long-term", "plan and a nonprofit", "one"]
        );
    }

    #[test]
    fn a_word_seen_only_with_an_apostrophe_is_rejoined() {
        // “all-” alone would keep its hyphen (all-round); the allowance’s
        // and the ex-wife's write both words whole elsewhere.
        let source = "the allowance’s size; her ex-wife's house\n";
        let mut blocks = vec![block(&["an all-", "owance and an ex-", "wife"])];
        resolve(source, &mut blocks);
        assert_eq!(blocks[0].lines, ["an allowance", "and an", "ex-wife"]);
    }

    #[test]
    fn capitals_digits_and_soft_hyphens() {
        let mut blocks = vec![block(&[
            "of well-",
            "Known words, 1990-",
            "1995, gov\u{AD}ern\u{AD}ment",
        ])];
        let found = resolve("", &mut blocks);
        assert_eq!(
            blocks[0].lines,
            ["of well-", "Known words, 1990-", "1995, government"]
        );
        assert_eq!(found.soft, [12]);
        assert!(found.rejoined.is_empty() && found.kept.is_empty());
    }
}

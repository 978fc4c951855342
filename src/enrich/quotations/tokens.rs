//! Text cut into tokens for matching: a CJK character, or a Latin word with
//! its case folded, apostrophes and soft hyphens dropped, and a word broken
//! by a hyphen at a line end ("gov- ernment") read whole. Punctuation and
//! spacing are not tokens, but every token keeps the character offsets it
//! covers in the unit's text.

use crate::markdown::{is_cjk, is_letter_or_digit};

/// A token: a CJK character or a Latin word, folded; with the character
/// offsets it covers in the unit's text.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    /// A CJK character's code point, or a word's hash with the top bit
    /// set; 32 bits, since an edition may have tens of millions of tokens.
    pub key: u32,
    pub start: u32,
    pub end: u32,
}

impl Token {
    pub fn start(&self) -> usize {
        self.start as usize
    }
    pub fn end(&self) -> usize {
        self.end as usize
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

pub fn tokenize(text: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, &mut tokens);
    tokens
}

/// `tokenize`, into `tokens` (cleared first): a caller that tokenizes unit
/// after unit keeps one vector's memory.
pub fn tokenize_into(text: &[char], tokens: &mut Vec<Token>) {
    tokens.clear();
    // A Chinese edition's characters are nearly all tokens: room for one a
    // character, not a vector grown again and again.
    tokens.reserve(text.len());
    let mut i = 0;
    while i < text.len() {
        // The CJK Unified Ideographs, most of a Chinese edition, are
        // tokens as they stand (nothing to fold, all letters).
        if ('\u{4E00}'..='\u{9FFF}').contains(&text[i]) {
            tokens.push(Token {
                key: text[i] as u32,
                start: i as u32,
                end: i as u32 + 1,
            });
            i += 1;
            continue;
        }
        let c = fold(text[i]);
        if is_cjk(c) && is_letter_or_digit(c) {
            tokens.push(Token {
                key: c as u32,
                start: i as u32,
                end: i as u32 + 1,
            });
            i += 1;
        } else if is_letter_or_digit(c) {
            let start = i;
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            while i < text.len() {
                let c = fold(text[i]);
                if is_letter_or_digit(c) && !is_cjk(c) {
                    for lower in c.to_lowercase() {
                        hash = (hash ^ lower as u64).wrapping_mul(0x100_0000_01b3);
                    }
                    i += 1;
                } else if c == '\u{AD}' || (is_apostrophe(c) && continues_word(text, i + 1)) {
                    // nation's = nations = nation’s; a soft hyphen is invisible.
                    i += 1;
                } else if let Some(next) = line_end_hyphen(text, i) {
                    i = next;
                } else {
                    break;
                }
            }
            // "cannot" is "can not" written as one word: both spellings
            // stand in printings of the same sentence.
            if hash == CANNOT {
                for (key, (a, b)) in [(CAN, (start, start + 3)), (NOT, (start + 3, i))] {
                    tokens.push(Token {
                        key: word_key(key),
                        start: a as u32,
                        end: b as u32,
                    });
                }
                continue;
            }
            tokens.push(Token {
                key: word_key(hash),
                start: start as u32,
                end: i as u32,
            });
        } else {
            i += 1;
        }
    }
}

/// Words live above the character range so they never equal one.
fn word_key(hash: u64) -> u32 {
    (hash as u32) | 1 << 31
}

/// A lower-case word's hash, as `tokenize` makes it.
const fn word_hash(word: &str) -> u64 {
    let bytes = word.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut k = 0;
    while k < bytes.len() {
        hash = (hash ^ bytes[k] as u64).wrapping_mul(0x100_0000_01b3);
        k += 1;
    }
    hash
}

const CANNOT: u64 = word_hash("cannot");
const CAN: u64 = word_hash("can");
const NOT: u64 = word_hash("not");

fn continues_word(text: &[char], at: usize) -> bool {
    text.get(at)
        .is_some_and(|&c| is_letter_or_digit(c) && !is_cjk(c))
}

/// `gov-` + line break + `ernment`: a hyphen, then spacing that held a
/// line break (a space, once the Markdown's soft break is read), then a
/// lower-case letter. Returns where the word goes on.
fn line_end_hyphen(text: &[char], at: usize) -> Option<usize> {
    if !matches!(text[at], '-' | '\u{2010}') {
        return None;
    }
    let mut next = at + 1;
    let mut spaces = 0;
    while next < text.len() && matches!(text[next], ' ' | '\n' | '\r') {
        next += 1;
        spaces += 1;
    }
    (spaces > 0 && text.get(next).is_some_and(|c| c.is_lowercase())).then_some(next)
}

/// Full-width Latin letters and digits read as their half-width forms.
pub fn fold(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

static MASKED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Tokens inside a stop-list phrase get keys of their own, so that stock
/// phrases neither seed matches nor carry an alignment across them.
pub fn mask_stock_phrases(tokens: &mut [Token], text: &str, stop_list: &[String]) {
    for phrase in stop_list.iter().filter(|p| !p.is_empty()) {
        for (byte, _) in text.match_indices(phrase.as_str()) {
            let start = text[..byte].chars().count();
            let end = start + phrase.chars().count();
            for token in tokens.iter_mut() {
                if token.start() >= start && token.end() <= end {
                    // A key of its own, equal to no other token anywhere.
                    let n = MASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    token.key = (1 << 30) | (n & 0x3fff_ffff);
                }
            }
        }
    }
}

/// Character ranges inside quotation marks (the marks excluded). English
/// straight double quotes pair up in turn; a straight or curly single
/// quote between letters is an apostrophe, not a mark.
pub fn quoted_ranges(text: &[char]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut open: Vec<(char, usize)> = Vec::new();
    for (i, &c) in text.iter().enumerate() {
        let letter = |k: Option<usize>| {
            k.and_then(|k| text.get(k))
                .is_some_and(|&c| is_letter_or_digit(c) && !is_cjk(c))
        };
        if c == '’' && letter(i.checked_sub(1)) && letter(Some(i + 1)) {
            continue;
        }
        let closing = match c {
            '”' => Some('“'),
            '’' => Some('‘'),
            '」' => Some('「'),
            '』' => Some('『'),
            '"' if open.iter().any(|(o, _)| *o == '"') => Some('"'),
            _ => None,
        };
        if let Some(opening) = closing {
            if let Some(pos) = open.iter().rposition(|(o, _)| *o == opening) {
                let (_, start) = open[pos];
                open.truncate(pos);
                ranges.push((start, i));
            }
        } else if matches!(c, '“' | '‘' | '「' | '『' | '"') {
            open.push((c, i + 1));
        }
    }
    ranges
}

/// A clause ends here: what a quotation's edges may rest on.
pub fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '；'
            | '：'
            | '，'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '「'
            | '」'
            | '『'
            | '』'
            | '（'
            | '）'
            | '《'
            | '》'
            | '—'
            | '…'
            | '.'
            | '!'
            | '?'
            | ';'
            | ':'
            | ','
            | '"'
            | '('
            | ')'
            | '['
            | ']'
            | '\u{2013}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<u32> {
        tokenize(&text.chars().collect::<Vec<_>>())
            .iter()
            .map(|t| t.key)
            .collect()
    }

    #[test]
    fn tokens_ignore_punctuation_and_width() {
        let t = tokenize(&"办公厅（室），ＡＢ c 12".chars().collect::<Vec<_>>());
        assert_eq!(t.len(), 7);
        assert_eq!((t[4].start(), t[4].end()), (7, 9), "ＡＢ is one word");
        assert_eq!(keys("AB")[0], t[4].key);
    }

    #[test]
    fn every_cjk_script_gives_a_token_a_character_at_its_own_offsets() {
        // An ideograph of the common block, kana, hangul, an ideograph of
        // extension A and a full-width digit (folded: a word of its own).
        let text: Vec<char> = "中、い가㐀１".chars().collect();
        let t = tokenize(&text);
        let offsets: Vec<(usize, usize)> = t.iter().map(|t| (t.start(), t.end())).collect();
        assert_eq!(offsets, [(0, 1), (2, 3), (3, 4), (4, 5), (5, 6)]);
        let cjk: Vec<u32> = t[..4].iter().map(|t| t.key).collect();
        assert_eq!(cjk, ['中', 'い', '가', '㐀'].map(|c| c as u32));
        assert_eq!(t[4].key, keys("1")[0]);
    }

    #[test]
    fn a_words_key_is_never_a_characters() {
        let words = "the best government is that which governs least of all nations";
        for key in keys(words) {
            assert!(key >= 1 << 31, "{key:#x}");
        }
        assert_eq!(keys("中")[0], '中' as u32);
    }

    #[test]
    fn a_words_offsets_leave_out_a_closing_quote_and_cannot_is_cut_in_two() {
        let offsets = |text: &str| -> Vec<(usize, usize)> {
            tokenize(&text.chars().collect::<Vec<_>>())
                .iter()
                .map(|t| (t.start(), t.end()))
                .collect()
        };
        // An apostrophe ends no word: a closing quote after it is left out.
        assert_eq!(offsets("‘nations’ laws"), [(1, 8), (10, 14)]);
        assert_eq!(offsets("it cannot be"), [(0, 2), (3, 6), (6, 9), (10, 12)]);
    }

    #[test]
    fn english_words_fold_case_apostrophes_and_line_end_hyphens() {
        assert_eq!(keys("The Nation's"), keys("the nation’s"));
        assert_eq!(keys("the nation's"), keys("the nations"));
        assert_eq!(keys("of the gov- ernment"), keys("of the government"));
        assert_eq!(keys("of the gov-\nernment"), keys("of the government"));
        assert_eq!(keys("gov\u{AD}ernment"), keys("government"));
        assert_ne!(
            keys("well- Known"),
            keys("wellknown"),
            "a capital after a hyphen starts a word"
        );
        assert_eq!(keys("liberty—and"), keys("liberty -- and"));
        assert_eq!(keys("it Cannot stand"), keys("it can not stand"));
        // A hyphen and spaces at the very end: the word ends there.
        assert_eq!(keys("a well-  "), keys("a well"));
        // A hyphen inside a line joins nothing: a compound is two words,
        // as it is printed with a space.
        assert_eq!(keys("a well-known man"), keys("a well known man"));
    }

    #[test]
    fn quoted_ranges_nest_and_skip_apostrophes() {
        let text: Vec<char> = "要当好“‘前哨’和‘后院’”。".chars().collect();
        assert_eq!(quoted_ranges(&text).len(), 3);
        let text: Vec<char> = "the nation’s “haste makes waste” and \"so\""
            .chars()
            .collect();
        let ranges = quoted_ranges(&text);
        assert_eq!(ranges.len(), 2, "{ranges:?}");
        let first: String = text[ranges[0].0..ranges[0].1].iter().collect();
        assert_eq!(first, "haste makes waste");
        // A single quote closes after a word, and an apostrophe inside one
        // (a letter on both sides) closes nothing.
        let inside = |s: &str| -> Vec<String> {
            let text: Vec<char> = s.chars().collect();
            quoted_ranges(&text)
                .iter()
                .map(|&(a, b)| text[a..b].iter().collect())
                .collect()
        };
        assert_eq!(inside("‘liberty’ and"), ["liberty"]);
        assert_eq!(inside("‘the nation’s laws’ stand"), ["the nation’s laws"]);
    }
}

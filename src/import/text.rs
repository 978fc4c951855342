//! The raw text as import sees it: blocks of lines separated by blank
//! lines, each remembering where it stood in the source, and the small
//! judgements about characters that every other step shares.

use crate::markdown::is_cjk;

/// Consecutive non-blank lines of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line of the block's first line in the source.
    pub line: usize,
    pub lines: Vec<String>,
    /// A page ends right after it (a form feed follows): its last line is
    /// the foot of a page, where a printed book never sets a heading.
    pub at_page_foot: bool,
}

impl Block {
    /// The block's lines as one run of text: wrapped lines joined the way
    /// the script wants (nothing between CJK, a space between words).
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.lines {
            join_wrapped(&mut text, line.trim());
        }
        text
    }

    pub fn last_line(&self) -> usize {
        self.line + self.lines.len() - 1
    }
}

/// The source's blocks. A form feed (U+000C, which pdftotext writes at
/// every page break) at a line's start or end ends a block there, like a
/// blank line, and is not kept: it is a page break, and the joins across
/// page breaks decide whether the text goes on. Lines keep their numbers in
/// the source.
pub fn blocks(source: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in source.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        // pdftotext sets the form feed at a line's start (the new page's
        // first line) or alone; one inside a line's words is dropped and
        // the line stays whole.
        // (A form feed is white space to `trim`: only spaces and tabs are
        // passed over.)
        let spacing = [' ', '\t'];
        let starts_page = line.trim_start_matches(spacing).starts_with(FORM_FEED);
        let ends_page = !starts_page && line.trim_end_matches(spacing).ends_with(FORM_FEED);
        let line: String = line.chars().filter(|&c| c != FORM_FEED).collect();
        if starts_page {
            page_break(&mut current, &mut blocks);
        }
        if line.trim().is_empty() {
            if let Some(block) = current.take() {
                blocks.push(block);
            }
        } else {
            current
                .get_or_insert_with(|| Block {
                    line: i + 1,
                    lines: Vec::new(),
                    at_page_foot: false,
                })
                .lines
                .push(line);
        }
        if ends_page {
            page_break(&mut current, &mut blocks);
        }
    }
    blocks.extend(current);
    blocks
}

/// Spaces a PDF's extraction leaves between a CJK character and a digit
/// or Latin letter (`1962 年 8 月生`), taken out of `line`: Chinese sets
/// them close, and no word changes. Returns the line and how many runs of
/// spaces went.
pub fn tighten_cjk_spacing(line: &str) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let narrow = |c: char| c.is_ascii_alphanumeric();
    let cjk = |c: char| is_cjk(c) && c.is_alphabetic();
    let mut out = String::with_capacity(line.len());
    let mut taken = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, ' ' | '\u{a0}') && i > 0 {
            let end = (i..chars.len())
                .find(|&k| !matches!(chars[k], ' ' | '\u{a0}'))
                .unwrap_or(chars.len());
            let (before, after) = (chars[i - 1], chars.get(end).copied());
            if let Some(after) = after
                && (cjk(before) && narrow(after) || narrow(before) && cjk(after))
            {
                taken += 1;
                i = end;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    (out, taken)
}

/// `tighten_cjk_spacing` over the lines of `blocks`; the source lines where
/// spaces went, for the report.
pub fn tighten_blocks(blocks: &mut [Block]) -> Vec<usize> {
    let mut lines = Vec::new();
    for block in blocks {
        for (k, line) in block.lines.iter_mut().enumerate() {
            let (tight, taken) = tighten_cjk_spacing(line);
            if taken > 0 {
                *line = tight;
                lines.push(block.line + k);
            }
        }
    }
    lines
}

/// Full-width Latin letters and digits (Ａ１) as the ASCII ones they are
/// (A1): the same words, as a reader searches for them. Full-width
/// punctuation is Chinese typography and stays.
pub fn halfwidth_alphanumerics(line: &str) -> Option<String> {
    let is_wide = |c: char| matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}');
    line.contains(is_wide).then(|| {
        line.chars()
            .map(|c| {
                if is_wide(c) {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    })
}

/// `halfwidth_alphanumerics` over the lines of `blocks`; the source lines
/// changed, for the report.
pub fn halfwidth_blocks(blocks: &mut [Block]) -> Vec<usize> {
    let mut lines = Vec::new();
    for block in blocks {
        for (k, line) in block.lines.iter_mut().enumerate() {
            if let Some(narrow) = halfwidth_alphanumerics(line) {
                *line = narrow;
                lines.push(block.line + k);
            }
        }
    }
    lines
}

/// A page ends here: `current` (the block being gathered) ends as the foot
/// of a page, or, when blank lines stood between, the last block in
/// `blocks` does.
pub fn page_break(current: &mut Option<Block>, blocks: &mut Vec<Block>) {
    match current.take() {
        Some(mut block) => {
            block.at_page_foot = true;
            blocks.push(block);
        }
        None => {
            if let Some(block) = blocks.last_mut() {
                block.at_page_foot = true;
            }
        }
    }
}

/// What pdftotext writes at the end of every page.
pub const FORM_FEED: char = '\u{c}';

/// The source lines that hold a form feed (page breaks), for the report.
pub fn form_feed_lines(source: &str) -> Vec<usize> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(FORM_FEED))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Appends a wrapped line: CJK to CJK joins directly; a word broken by a
/// hyphen at the line end is rejoined when the line goes on in lowercase;
/// otherwise a space.
pub fn join_wrapped(text: &mut String, next: &str) {
    let (Some(last), Some(first)) = (text.chars().next_back(), next.chars().next()) else {
        text.push_str(next);
        return;
    };
    if is_cjk(last) || is_cjk(first) {
        text.push_str(next);
    } else if last == '-' && first.is_lowercase() && ends_with_letter_hyphen(text) {
        text.pop();
        text.push_str(next);
    } else {
        text.push(' ');
        text.push_str(next);
    }
}

fn ends_with_letter_hyphen(text: &str) -> bool {
    let mut chars = text.chars().rev();
    chars.next() == Some('-') && chars.next().is_some_and(char::is_alphabetic)
}

/// Removes the spaces a PDF leaves between CJK characters, and between CJK
/// and digits or Latin letters, in a title (not in running text, where a
/// space may separate two names).
pub fn tighten_title(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let before = out.chars().next_back();
            let after = chars[i + 1..].iter().find(|c| !c.is_whitespace()).copied();
            // Dashes and ellipses are shared with Latin text, where the
            // spaces around them matter.
            let cjk = |c: char| is_cjk(c) && !matches!(c, '—' | '…' | '“' | '”' | '‘' | '’' | '·');
            let touches_cjk = before.is_some_and(cjk) || after.is_some_and(cjk);
            if touches_cjk || before.is_some_and(char::is_whitespace) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A key for comparing titles: no whitespace, full-width brackets and
/// punctuation folded to one form, Latin lowercased.
pub fn match_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ',' => '，',
            ':' => '：',
            ';' => '；',
            '!' => '！',
            '?' => '？',
            '"' | '“' | '”' | '「' | '」' => '"',
            '\'' | '‘' | '’' => '\'',
            '—' | '–' => '-',
            // Full-width letters and digits are the ASCII ones, folded
            // as those are.
            c if ('\u{FF01}'..='\u{FF5E}').contains(&c) && c.is_alphanumeric() => {
                char::from_u32(c as u32 - 0xFEE0).map_or(c, |c| c.to_ascii_lowercase())
            }
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect()
}

/// Does the text end where a sentence may end? Closing quotes and brackets
/// are looked through: `……。”` ends a sentence, `“总开关”` does not.
pub fn ends_sentence(text: &str) -> bool {
    let trimmed = text
        .trim_end()
        .trim_end_matches(['”', '’', '」', '』', '"', '\'', '）', ')', '》', '】']);
    trimmed.ends_with([
        '。', '！', '？', '…', '；', '：', '.', '!', '?', ';', ':', '．',
    ])
}

/// Sentence punctuation anywhere in the text (a title or a heading has none).
pub fn has_sentence_punctuation(text: &str) -> bool {
    text.contains(['。', '！', '？', '；'])
        || text.contains(". ")
        || text.ends_with('.') && text.split_whitespace().count() > 12
}

pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    #[test]
    fn spaces_between_cjk_and_digits_or_latin_are_noise() {
        let t = |s: &str| tighten_cjk_spacing(s);
        assert_eq!(t("1962 年 8 月生"), ("1962年8月生".to_owned(), 3));
        assert_eq!(t("使用 Python 语言"), ("使用Python语言".to_owned(), 2));
        // Between words, between CJK characters, and at the edges: kept.
        assert_eq!(t("New York 是"), ("New York是".to_owned(), 1));
        assert_eq!(t("中 国"), ("中 国".to_owned(), 0));
        assert_eq!(t(" 1 年"), (" 1年".to_owned(), 1));
        // Punctuation is no letter: a space after it stays.
        assert_eq!(t("年， 2003"), ("年， 2003".to_owned(), 0));
    }

    use super::*;

    #[test]
    fn blocks_remember_their_lines() {
        let b = blocks("\n\n甲\n乙\n\n\n丙\n");
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].line, b[0].last_line(), b[0].text()),
            (3, 4, "甲乙".to_owned())
        );
        assert_eq!(b[1].line, 7);
    }

    #[test]
    fn wrapped_lines_join_by_script() {
        let mut t = String::from("an organi-");
        join_wrapped(&mut t, "zation of well-");
        join_wrapped(&mut t, "Known words");
        assert_eq!(t, "an organization of well- Known words");
        let mut t = String::from("中文");
        join_wrapped(&mut t, "接续");
        assert_eq!(t, "中文接续");
        // CJK on either side of the break is enough to join without a space.
        let mut t = String::from("使用");
        join_wrapped(&mut t, "Python");
        join_wrapped(&mut t, "语言");
        assert_eq!(t, "使用Python语言");
        // A hyphen after a digit ends no broken word.
        let mut t = String::from("pages 10-");
        join_wrapped(&mut t, "twelve");
        assert_eq!(t, "pages 10- twelve");
    }

    #[test]
    fn titles_lose_pdf_spaces() {
        assert_eq!(
            tighten_title("对办公厅工作 提出 28 字要求"),
            "对办公厅工作提出28字要求"
        );
        assert_eq!(tighten_title("On  the  Office"), "On the Office");
    }

    #[test]
    fn sentence_ends_look_through_quotes() {
        assert!(ends_sentence("他说：“好。”"));
        assert!(!ends_sentence("“总开关”"));
        assert!(!ends_sentence("要把对党绝对忠"));
        assert!(ends_sentence("有四个字："));
    }

    #[test]
    fn match_keys_fold_width_and_space() {
        assert_eq!(
            match_key("办公厅(室)工作的 启示"),
            match_key("办公厅（室）工作的启示")
        );
    }

    #[test]
    fn match_keys_fold_full_width_letters_and_digits_to_lower_case_ascii() {
        assert_eq!(match_key("第２章 ＰＤＦ版"), "第2章pdf版");
        assert_eq!(match_key("第２章 ＰＤＦ版"), match_key("第2章 PDF版"));
        // Full-width punctuation that is no letter or digit stays itself.
        assert_eq!(match_key("＃１"), "＃1");
    }

    #[test]
    fn a_long_line_ending_in_a_full_stop_is_a_sentence_a_short_one_may_be_a_title() {
        let words = |n: usize| format!("{}end.", "word ".repeat(n - 1));
        assert!(has_sentence_punctuation(&words(13)));
        assert!(!has_sentence_punctuation(&words(12)));
        assert!(!has_sentence_punctuation(words(13).trim_end_matches('.')));
        assert!(has_sentence_punctuation("Mr. Smith"));
        assert!(has_sentence_punctuation("标题。"));
    }

    #[test]
    fn a_repaired_line_is_reported_at_its_own_place_in_its_block() {
        let source = "标题\n\n第一行\n第二行\n1962 年生\n\nＡ１在此\n第二行\nＢ２\n";
        let mut b = blocks(source);
        let first = b[1].line;
        assert_eq!(tighten_blocks(&mut b), [first + 2]);
        assert_eq!(b[1].lines[2], "1962年生");
        let second = b[2].line;
        assert_eq!(halfwidth_blocks(&mut b), [second, second + 2]);
        assert_eq!(b[2].lines, ["A1在此", "第二行", "B2"]);
    }

    #[test]
    fn form_feeds_are_reported_at_their_lines_from_one() {
        assert_eq!(form_feed_lines("甲\n\u{c}乙\n丙\u{c}\n丁\n"), [2, 3]);
        assert_eq!(form_feed_lines("甲\n乙\n"), Vec::<usize>::new());
    }
}

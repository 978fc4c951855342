//! Page furniture in extracted text: the printed page numbers and running
//! heads that pdftotext leaves among the words at every page break. They
//! are not the author's words, so they are taken out (the report lists
//! each), and where they stood is a page break, the best evidence of where
//! a printed page ended.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::import::text::{
    Block, FORM_FEED, char_count, has_sentence_punctuation, match_key, page_break,
};

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s\u{c}]*(?:[-—–]\s*)?(?:第\s*)?(\d{1,3})(?:\s*页)?(?:\s*[-—–])?[\s\u{c}]*$")
        .unwrap()
});

/// A running head and its page number on one line, set apart by a run of
/// spaces, as a layout extraction leaves them: `4      TITLE OF THE BOOK`,
/// `TITLE OF THE PIECE      5`.
static HEAD_AND_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s\u{c}]*(?:(\d{1,4})[ \t\u{3000}]{2,}(\S.*?)|(\S.*?)[ \t\u{3000}]{2,}(\d{1,4}))[\s\u{c}]*$")
        .unwrap()
});

/// The source lines (1-based) that are page furniture, each with what it
/// is, for the report.
#[derive(Debug, Default)]
pub struct Furniture {
    pub page_numbers: Vec<usize>,
    pub running_heads: Vec<(usize, String)>,
}

impl Furniture {
    fn contains(&self, line: usize) -> bool {
        self.page_numbers.binary_search(&line).is_ok()
            || self.running_heads.iter().any(|(l, _)| *l == line)
    }
}

/// Finds the page furniture among `source`'s lines from `first_line` on (the
/// body; the contents' own page numbers stand before it). Lines that are a
/// bare number count as page numbers only when there are three or more,
/// each greater than the last, as a book's pages are, and a running head or
/// a form feed stands beside them; a short line counts as a running head
/// when it stands three times or more, each time next to a page number or a
/// form feed, and is no piece's title.
pub fn find(source: &str, first_line: usize, titles: &[String]) -> Furniture {
    let lines: Vec<&str> = source.lines().collect();
    let body = first_line.saturating_sub(1).min(lines.len());
    let numbers: Vec<(usize, u32)> = (body..lines.len())
        .filter_map(|i| {
            let c = PAGE_NUMBER.captures(lines[i])?;
            Some((i, c[1].parse().ok()?))
        })
        .collect();
    let mut furniture = Furniture::default();
    // Heads set on one line with their page's number: where there are any,
    // the lone numbers beside them (a piece's first page, which has no
    // head) are pages too, as long as all the numbers rise together.
    let headed = heads_with_numbers(&lines, body, titles);
    if !headed.is_empty() {
        let mut all: Vec<(usize, u32)> = numbers
            .iter()
            .copied()
            .chain(headed.iter().map(|&(i, n, _)| (i, n)))
            .collect();
        all.sort_unstable();
        if all.windows(2).all(|w| w[1].1 > w[0].1) {
            furniture.page_numbers = all.iter().map(|(i, _)| i + 1).collect();
            furniture.running_heads = headed
                .into_iter()
                .map(|(i, _, head)| (i + 1, head))
                .collect();
            return furniture;
        }
    }
    if numbers.len() < 3 || numbers.windows(2).any(|w| w[1].1 <= w[0].1) {
        return furniture;
    }
    furniture.page_numbers = numbers.iter().map(|(i, _)| i + 1).collect();
    let is_number = |i: usize| numbers.binary_search_by_key(&i, |(k, _)| *k).is_ok();
    // The nearest non-blank line before and after `i`.
    let neighbour = |i: usize, up: bool| {
        let mut k = i;
        loop {
            k = if up { k.checked_sub(1)? } else { k + 1 };
            if k >= lines.len() {
                return None;
            }
            if !lines[k].trim().is_empty() {
                return Some(k);
            }
        }
    };
    let at_break = |i: usize| {
        lines[i].contains(FORM_FEED)
            || [true, false].into_iter().any(|up| {
                neighbour(i, up).is_some_and(|k| is_number(k) || lines[k].contains(FORM_FEED))
            })
    };
    let mut heads: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, line) in lines.iter().enumerate().skip(body) {
        // (A form feed is whitespace: `trim` takes it off too.)
        let text = line.trim();
        if !text.is_empty()
            && char_count(text) <= 30
            && !has_sentence_punctuation(text)
            && !is_number(i)
        {
            heads.entry(match_key(text)).or_default().push(i);
        }
    }
    let titles: Vec<String> = titles.iter().map(|t| match_key(t)).collect();
    for (key, mut places) in heads {
        places.sort_unstable();
        // A piece's title set again as the head of its pages: the first
        // place in the body is the title itself and stays; the later ones
        // are heads when there are two or more, all at page breaks. A
        // title that several pieces share (致辞) is each one's title.
        let pieces = titles.iter().filter(|t| **t == key).count();
        let enough = match pieces {
            0 => 3,
            1 => {
                places.remove(0);
                2
            }
            _ => continue,
        };
        if places.len() >= enough && places.iter().all(|&i| at_break(i)) {
            for i in places {
                let text = lines[i].trim();
                furniture.running_heads.push((i + 1, text.to_owned()));
            }
        }
    }
    furniture.running_heads.sort();
    // Rising numbers alone may be a text's own (sections 1, 2, 3 set on
    // lines of their own): they are pages only with a running head beside
    // them or a form feed.
    let fed = numbers.iter().any(|&(i, _)| {
        lines[i].contains(FORM_FEED)
            || [true, false]
                .into_iter()
                .any(|up| neighbour(i, up).is_some_and(|k| lines[k].contains(FORM_FEED)))
    });
    // Or they cut sentences: pages follow one another (each number one or
    // two above the last, a page without its number between) and a number
    // stands between the two halves of a sentence, which no section number
    // does.
    let consecutive = numbers.windows(2).all(|w| w[1].1 - w[0].1 <= 2);
    let cuts_sentence = |i: usize| {
        let (Some(before), Some(after)) = (neighbour(i, true), neighbour(i, false)) else {
            return false;
        };
        // A line of running text (a heading or a title is short) that
        // stops mid-sentence, and words that go on after the number.
        let before = lines[before].trim_end();
        char_count(before) >= 12
            && !has_sentence_end(before)
            && lines[after]
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || crate::markdown::is_cjk(c))
    };
    let cutting = numbers.iter().filter(|&&(i, _)| cuts_sentence(i)).count();
    let cut_pages = consecutive && cutting * 3 >= numbers.len();
    if furniture.running_heads.is_empty() && !fed && !cut_pages {
        furniture.page_numbers.clear();
    }
    furniture
}

/// The most pages from one running head to the next (a piece's first
/// page has none, and a page may be blank).
const MAX_PAGE_STEP: u32 = 3;
/// The fewest lines from one running head to the next: a page of text.
const MIN_PAGE_LINES: usize = 5;

/// The lines from `body` on that hold a running head and a page number
/// (`HEAD_AND_NUMBER`), each with its number and its head: two or more,
/// their numbers rising, and each head one that stands so twice or more,
/// or a piece's title. A line of the text that ends in a number after a
/// run of spaces (a table's row, a list of figures) is seldom the same
/// words twice with rising numbers.
fn heads_with_numbers(lines: &[&str], body: usize, titles: &[String]) -> Vec<(usize, u32, String)> {
    let found: Vec<(usize, u32, String)> = (body..lines.len())
        .filter_map(|i| {
            let c = HEAD_AND_NUMBER.captures(lines[i])?;
            let (number, head) = match (c.get(1), c.get(2)) {
                (Some(n), Some(h)) => (n, h),
                _ => (c.get(4)?, c.get(3)?),
            };
            let head = head.as_str().trim();
            let shaped = char_count(head) <= 60
                && !has_sentence_punctuation(head)
                && head.chars().any(char::is_alphabetic);
            shaped.then(|| (i, number.as_str().parse().ok(), head.to_owned()))
        })
        .filter_map(|(i, n, head)| Some((i, n?, head)))
        .collect();
    let titles: Vec<String> = titles.iter().map(|t| match_key(t)).collect();
    let mut times: HashMap<String, usize> = HashMap::new();
    for (_, _, head) in &found {
        *times.entry(match_key(head)).or_default() += 1;
    }
    let kept: Vec<(usize, u32, String)> = found
        .into_iter()
        .filter(|(_, _, head)| {
            let key = match_key(head);
            times[&key] >= 2 || titles.contains(&key)
        })
        .collect();
    // As a book's pages go: each a page or two past the last (one without
    // a head between), and a page's worth of lines apart. A table's rows
    // (`Scholars enrolled      120`) stand on lines next to each other.
    let like_pages = kept.windows(2).all(|w| {
        (1..=MAX_PAGE_STEP).contains(&(w[1].1.saturating_sub(w[0].1)))
            && w[1].0 - w[0].0 >= MIN_PAGE_LINES
    });
    if kept.len() >= 2 && like_pages {
        kept
    } else {
        Vec::new()
    }
}

/// Whether a line ends a sentence (。！？ . ! ? and a closing mark after).
fn has_sentence_end(line: &str) -> bool {
    line.trim_end_matches(['”', '’', '"', '\'', '）', ')', '」', '』'])
        .ends_with(['。', '！', '？', '.', '!', '?', '…', '：', ':'])
}

/// `blocks` without the furniture's lines: a block is cut where one stood,
/// and the part before is marked the foot of a page.
pub fn remove(blocks: Vec<Block>, furniture: &Furniture) -> Vec<Block> {
    if furniture.page_numbers.is_empty() && furniture.running_heads.is_empty() {
        return blocks;
    }
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        let mut current: Option<Block> = None;
        let mut cut = false;
        for (k, line) in block.lines.iter().enumerate() {
            if furniture.contains(block.line + k) {
                page_break(&mut current, &mut out);
                cut = true;
                continue;
            }
            current
                .get_or_insert_with(|| Block {
                    line: block.line + k,
                    lines: Vec::new(),
                    at_page_foot: false,
                })
                .lines
                .push(line.clone());
        }
        // (A block that was all furniture has marked the block before it
        // the foot of a page already, by `page_break`.)
        if let Some(mut part) = current {
            part.at_page_foot = block.at_page_foot || part.at_page_foot;
            out.push(part);
        } else if !cut {
            out.push(block);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rising_numbers_and_heads_beside_them_are_furniture() {
        let source = "目录\n\n正文一段，没有完\n\n12\n\n办公厅工作\n接着写完。\n\n第二段。\n\n13\n\n办公厅工作\n\n第三段。\n\n14\n\n办公厅工作\n\n完。\n";
        let f = find(source, 3, &[]);
        assert_eq!(f.page_numbers, [5, 12, 18]);
        let heads: Vec<usize> = f.running_heads.iter().map(|(l, _)| *l).collect();
        assert_eq!(heads, [7, 14, 20]);

        // Set off by spaces and form feeds as a layout extraction leaves
        // them, centred by a different amount on each page.
        let source = source
            .replacen("\n办公厅工作\n", "\n      办公厅工作\n", 1)
            .replacen("\n办公厅工作\n", "\n\u{c}  办公厅工作  \n", 1);
        let f = find(&source, 3, &[]);
        assert_eq!(f.page_numbers, [5, 12, 18]);
        let heads: Vec<(usize, &str)> = f
            .running_heads
            .iter()
            .map(|(l, t)| (*l, t.as_str()))
            .collect();
        assert_eq!(
            heads,
            [(7, "办公厅工作"), (14, "办公厅工作"), (20, "办公厅工作")]
        );
    }

    #[test]
    fn numbers_that_do_not_rise_or_stand_alone_and_heads_that_are_titles_stay() {
        let source = "一\n\n3\n\n1\n\n2\n\n1\n";
        assert!(find(source, 1, &[]).page_numbers.is_empty());
        // Sections numbered on lines of their own: no head, no form feed.
        let source = "1\n\n一段。\n\n2\n\n二段。\n\n3\n\n三段。\n";
        assert!(find(source, 1, &[]).page_numbers.is_empty());
        // A title that two pieces share is each one's title.
        let source = "12\n标题\n\n13\n标题\n\n14\n标题\n";
        let f = find(source, 1, &["标题".to_owned(), "标题".to_owned()]);
        assert!(f.running_heads.is_empty());
        assert!(f.page_numbers.is_empty());
        let source = "12\u{c}\n标题\n\n13\u{c}\n标题\n\n14\u{c}\n标题\n";
        assert_eq!(
            find(source, 1, &["标题".to_owned(), "标题".to_owned()]).page_numbers,
            [1, 4, 7]
        );
    }

    #[test]
    fn a_title_repeated_at_page_breaks_is_a_head_after_its_first_place() {
        let source = "谈谈读书\n\n钱多\n\n第一段，没有\n\n2\n\n谈谈读书\n\n写完。\n\n3\n\n谈谈读书\n\n第三段。\n\n4\n\n谈谈读书\n\n完。\n";
        let f = find(source, 1, &["谈谈读书".to_owned()]);
        let heads: Vec<usize> = f.running_heads.iter().map(|(l, _)| *l).collect();
        assert_eq!(heads, [9, 15, 21]);
        assert_eq!(f.page_numbers, [7, 13, 19]);
    }

    #[test]
    fn furniture_lines_are_cut_out_and_the_part_before_ends_a_page() {
        let block = |line: usize, lines: &[&str], at_page_foot: bool| Block {
            line,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            at_page_foot,
        };
        // Page numbers only, no running head: lines 3, 7 and 10.
        let furniture = Furniture {
            page_numbers: vec![3, 7, 10],
            running_heads: Vec::new(),
        };
        let blocks = vec![
            block(1, &["第一页的话，", "没有完", "12", "接着写完。"], false),
            block(7, &["13"], false),
            block(9, &["甲段", "14", "乙段"], true),
            block(13, &["最后一段。"], false),
        ];
        let got: Vec<(usize, Vec<String>, bool)> = remove(blocks, &furniture)
            .into_iter()
            .map(|b| (b.line, b.lines, b.at_page_foot))
            .collect();
        let want = |line: usize, lines: &[&str], foot: bool| {
            (
                line,
                lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
                foot,
            )
        };
        assert_eq!(
            got,
            [
                want(1, &["第一页的话，", "没有完"], true),
                // A block that was only a page number ends the page before it.
                want(4, &["接着写完。"], true),
                want(9, &["甲段"], true),
                // The block stood at a page's foot: so does its last part.
                want(11, &["乙段"], true),
                want(13, &["最后一段。"], false),
            ]
        );
    }

    #[test]
    fn heads_set_beside_their_page_numbers_are_furniture_and_the_lone_numbers_with_them() {
        let source = "The first page runs on and on\n             3\n\n    4          THE BOOK\n\nends here. More text\nof the second page\nand more.\n\n    THE PIECE          5\n\nand more\nof the third page\nand more.\n\n    6          THE BOOK\n\nThe end.\n                  7\n";
        let f = find(source, 1, &["THE PIECE".to_owned()]);
        assert_eq!(f.page_numbers, [2, 4, 10, 16, 19]);
        let heads: Vec<(usize, &str)> = f
            .running_heads
            .iter()
            .map(|(l, t)| (*l, t.as_str()))
            .collect();
        assert_eq!(
            heads,
            [(4, "THE BOOK"), (10, "THE PIECE"), (16, "THE BOOK")]
        );
        // A head that stands once and is no title is the text's (a row of
        // figures, say); so are heads whose numbers do not rise.
        let once = source.replace("THE PIECE", "Total wheat");
        let f = find(&once, 1, &[]);
        assert!(f.running_heads.iter().all(|(_, h)| h != "Total wheat"));
        let falling =
            "Text\n\n    9          THE BOOK\n\nmore\n\n    4          THE BOOK\n\nend.\n";
        assert!(find(falling, 1, &[]).running_heads.is_empty());
        // Nor are a table's rows, a line apart, or numbers that leap.
        let rows = "Text\n\nScholars enrolled      120\nScholars enrolled      121\nScholars enrolled      122\n\nend.\n";
        assert!(find(rows, 1, &[]).running_heads.is_empty());
        let leaps = source.replace("6          THE BOOK", "60          THE BOOK");
        assert!(
            find(&leaps, 1, &["THE PIECE".to_owned()])
                .running_heads
                .is_empty()
        );
    }

    #[test]
    fn lone_numbers_that_cut_sentences_are_pages() {
        let source = "The first page runs on and\n\n12\n\nends here. And another one that\n\n13\n\nsentence goes on.\n\n14\n\nAll done.\n";
        assert_eq!(find(source, 1, &[]).page_numbers, [3, 7, 11]);
        // Numbers that stand between whole sentences are the text's own.
        let source = "One.\n\n12\n\nTwo.\n\n13\n\nThree.\n\n14\n\nFour.\n";
        assert!(find(source, 1, &[]).page_numbers.is_empty());
        // In Chinese too: long lines that end their sentences.
        let source = "这是第一段，它已经完整地结束了。\n\n12\n\n这是第二段，它也已经完整地结束了。\n\n13\n\n这是第三段，它同样已经完整地结束了。\n\n14\n\n完。\n";
        assert!(find(source, 1, &[]).page_numbers.is_empty());
        // So are numbers that rise by more than a page or two at a time.
        let source = "The first page runs on and\n\n12\n\nends here. And another one that\n\n20\n\nsentence goes on.\n\n28\n\nAll done.\n";
        assert!(find(source, 1, &[]).page_numbers.is_empty());
    }
}

//! The printed book's pages in an imported text: the page each page break
//! begins, written into the chapters as page marks (`<!-- page 12 -->`).
//!
//! Where the source marks its pages (form feeds, page numbers, running
//! heads), every break is known and the k-th after a piece's title begins
//! page `first + k`, `first` being the piece's page in the contents. Where
//! it does not (the seed), the only breaks known are those that cut a
//! paragraph mid-sentence; one that fell between paragraphs left no trace.
//! Those are numbered, and marked `inferred`, in one of two ways:
//!
//! - by the length of the text between them: full pages of running text
//!   hold about the same number of characters, so a stretch between two
//!   breaks fills a whole number of pages (one, or two when a break between
//!   paragraphs fell inside it). Each stretch must be near a whole number
//!   of pages, and the text after the last break must end on the page
//!   before the next piece's or on that one: otherwise this way is not used;
//! - else by counting alone: the k-th of `count` breaks begins no earlier
//!   than `first + k` and no later than `next - (count - k)` (`next`: the
//!   next piece's page), and is numbered only where the two agree.
//!
//! A break whose page neither way settles is marked without a number
//! (`<!-- page ? inferred -->`): a page number is never guessed.

use crate::import::body::{BREAK_BETWEEN, BREAK_IN_PARAGRAPH};
use crate::import::pieces::Piece;

/// The space a piece's title and header take on its first page, as a
/// share of a full page's text.
const TITLE_SHARE: f64 = 0.35;
/// How far from a whole number of pages a stretch may be.
const TOLERANCE: f64 = 0.3;

/// Numbers the page breaks of every piece and writes them into its
/// Markdown as page marks.
pub fn number_all(pieces: &mut [Piece], exact: bool) {
    let stretches: Vec<Vec<usize>> = pieces.iter().map(|p| stretches(&p.markdown)).collect();
    let length = if exact { None } else { page_length(&stretches) };
    for (piece, stretches) in pieces.iter_mut().zip(&stretches) {
        let count = piece.page_breaks.len();
        let (first, next) = (piece.entry.page, piece.next_page);
        let (numbers, method) = if exact {
            (
                counted(count, first, next),
                "counted from the contents' page, one page a break",
            )
        } else {
            match length.and_then(|c| by_length(stretches, first, next, c)) {
                Some(found) => (
                    found.into_iter().map(Some).collect(),
                    "by the length of the text between breaks (a full page's text), checked against the next piece's page",
                ),
                None => (
                    bounded(count, first, next),
                    "counted between the contents' pages: only where no break between paragraphs can have been missed",
                ),
            }
        };
        piece.markdown = write_marks(&piece.markdown, &numbers, exact);
        for (b, n) in piece.page_breaks.iter_mut().zip(&numbers) {
            b.1 = *n;
        }
        piece.page_method = (count > 0).then_some(method);
    }
}

/// The characters of text between a piece's page breaks (white space and
/// Markdown's own marks aside): one more stretch than there are breaks.
pub fn stretches(markdown: &str) -> Vec<usize> {
    let mut out = vec![0];
    for c in markdown.chars() {
        if c == BREAK_IN_PARAGRAPH || c == BREAK_BETWEEN {
            out.push(0);
        } else if !c.is_whitespace() && !matches!(c, '#' | '*' | '\\' | '|') {
            *out.last_mut().expect("one stretch at least") += 1;
        }
    }
    out
}

/// A full page's characters: the median of the stretches between two
/// breaks, over the whole book (most are one page), refined on those
/// within a quarter of it. None with fewer than three.
pub fn page_length(stretches: &[Vec<usize>]) -> Option<f64> {
    let mut inner: Vec<usize> = stretches
        .iter()
        .filter(|s| s.len() > 2)
        .flat_map(|s| s[1..s.len() - 1].iter().copied())
        .collect();
    if inner.len() < 3 {
        return None;
    }
    inner.sort_unstable();
    let rough = inner[inner.len() / 2] as f64;
    let near: Vec<usize> = inner
        .into_iter()
        .filter(|&g| (g as f64 - rough).abs() <= rough / 4.0)
        .collect();
    Some(near[near.len() / 2] as f64)
}

/// The pages by the length of the text: see the module's comment. None
/// when a stretch is not near a whole number of pages, or the piece's end
/// does not meet the next piece's page.
pub fn by_length(
    stretches: &[usize],
    first: Option<u32>,
    next: Option<u32>,
    page: f64,
) -> Option<Vec<u32>> {
    let (first, next) = (first?, next?);
    let (last, between) = stretches.split_last()?;
    let mut at = first;
    let mut out = Vec::with_capacity(between.len());
    for (i, &chars) in between.iter().enumerate() {
        let title = if i == 0 { TITLE_SHARE } else { 0.0 };
        let estimate = chars as f64 / page + title;
        let pages = estimate.round();
        if pages < 1.0 || (estimate - pages).abs() > TOLERANCE {
            return None;
        }
        at += pages as u32;
        out.push(at);
    }
    // The text after the last break, from the top of page `at`, ends on
    // the next piece's page or the one before.
    let rest = *last as f64 / page + if between.is_empty() { TITLE_SHARE } else { 0.0 };
    let remaining = f64::from(next.checked_sub(at)?);
    let fits =
        rest > remaining - 1.0 - TOLERANCE / 2.0 && rest <= remaining + 1.0 + TOLERANCE / 2.0;
    fits.then_some(out)
}

/// Every break known: the k-th begins page `first + k`, unless the last
/// would run past the next piece's page (a break was missed: none is
/// numbered).
pub fn counted(count: usize, first: Option<u32>, next: Option<u32>) -> Vec<Option<u32>> {
    let fits = |first: u32| next.is_none_or(|next| first + count as u32 <= next);
    (1..=count as u32)
        .map(|k| first.filter(|&f| fits(f)).map(|f| f + k))
        .collect()
}

/// Only the breaks inside paragraphs known: the k-th of `count` begins no
/// earlier than `first + k` and no later than `next - (count - k)`; a
/// number only where the two agree.
pub fn bounded(count: usize, first: Option<u32>, next: Option<u32>) -> Vec<Option<u32>> {
    let count = count as u32;
    (1..=count)
        .map(|k| {
            let lower = first? + k;
            let upper = next?.checked_sub(count - k)?;
            (lower == upper).then_some(lower)
        })
        .collect()
}

/// The Markdown with its breaks written as page marks: `<!-- page 12 -->`,
/// `inferred` where the source did not mark them, `?` for a page not known.
pub fn write_marks(markdown: &str, numbers: &[Option<u32>], exact: bool) -> String {
    let mut numbers = numbers.iter();
    let mut out = String::with_capacity(markdown.len() + numbers.len() * 24);
    for c in markdown.chars() {
        if c != BREAK_IN_PARAGRAPH && c != BREAK_BETWEEN {
            out.push(c);
            continue;
        }
        let page = numbers
            .next()
            .copied()
            .flatten()
            .map_or("?".to_owned(), |n| n.to_string());
        let how = if exact { "" } else { " inferred" };
        out.push_str(&format!("<!-- page {page}{how} -->"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_after_the_last_break_ends_on_the_next_pieces_page_or_the_one_before() {
        // Page 10 holds the title and 650 characters (a page of 1,000):
        // page 11 begins at the break.
        let with_last = |last: usize| by_length(&[650, last], Some(10), Some(13), 1000.0);
        // From the top of page 11 to the next piece's page 13: some two
        // pages of text, give or take one and a little.
        for last in [1000, 2000, 2900, 3100] {
            assert_eq!(with_last(last), Some(vec![11]), "{last}");
        }
        // Less or more: a break was missed, or one is not where it seems.
        for last in [800, 3200] {
            assert_eq!(with_last(last), None, "{last}");
        }
    }

    #[test]
    fn a_page_is_the_median_of_the_stretches_between_two_breaks() {
        // A piece's first stretch (after its title) and its last (to its
        // end) are parts of pages: only those between two breaks count.
        assert_eq!(page_length(&[vec![5, 500, 500, 10, 20, 30]]), Some(500.0));
        // Refined on those within a quarter of the rough median (510: the
        // 900 of a missed break left out, the median of the rest taken).
        assert_eq!(page_length(&[vec![0, 480, 490, 510, 900, 0]]), Some(490.0));
        // Pieces with one break have none; three are needed in all.
        assert_eq!(
            page_length(&[vec![5, 5], vec![1, 500, 2], vec![1, 500, 501, 2]]),
            Some(500.0)
        );
        assert_eq!(page_length(&[vec![5, 5], vec![1, 500, 501, 2]]), None);
    }

    #[test]
    fn counting_alone_numbers_a_break_only_when_no_other_can_be_missing() {
        // Three breaks known in a piece of pages 10 to 13: each is the only
        // one possible.
        assert_eq!(
            bounded(3, Some(10), Some(13)),
            [Some(11), Some(12), Some(13)]
        );
        // Two known where three may be: none settled.
        assert_eq!(bounded(2, Some(10), Some(13)), [None, None]);
        // One more page's room settles nothing either; no next page, nothing.
        assert_eq!(bounded(1, Some(10), None), [None]);
        // More breaks than pages: the contents are wrong, no number.
        assert_eq!(bounded(3, Some(10), Some(12)), [None, None, None]);
    }

    #[test]
    fn with_every_break_marked_pages_are_counted() {
        assert_eq!(counted(2, Some(5), Some(8)), [Some(6), Some(7)]);
        assert_eq!(counted(2, Some(5), None), [Some(6), Some(7)]);
        // Breaks that would run past the next piece: one was not a page's.
        assert_eq!(counted(4, Some(5), Some(8)), [None; 4]);
        assert_eq!(counted(1, None, Some(8)), [None]);
    }

    #[test]
    fn lengths_between_breaks_count_whole_pages() {
        // 600 characters a page; a title page holds 400 (with its title);
        // one stretch of two pages hides a break between paragraphs.
        let stretches = [400, 610, 1190, 590, 300];
        // Page 1, breaks beginning pages 2, 3, 5 and 6; the rest ends on
        // page 6, which the next piece shares or follows.
        for next in [6, 7] {
            assert_eq!(
                by_length(&stretches, Some(1), Some(next), 600.0),
                Some(vec![2, 3, 5, 6])
            );
        }
        // A piece that would end two pages before the next: not read so.
        assert_eq!(by_length(&stretches, Some(1), Some(8), 600.0), None);
        // A stretch halfway between one page and two: not settled.
        assert_eq!(by_length(&[400, 900, 300], Some(1), Some(4), 600.0), None);
        // Without the pages of the contents, nothing.
        assert_eq!(by_length(&stretches, None, Some(7), 600.0), None);
        assert_eq!(by_length(&stretches, Some(1), None, 600.0), None);
    }

    #[test]
    fn a_page_is_the_common_length_between_breaks() {
        let book = [vec![400, 600, 1210, 590, 50], vec![300, 610, 580, 200]];
        assert_eq!(page_length(&book), Some(600.0));
        assert_eq!(page_length(&[vec![1, 2, 3]]), None);
    }

    #[test]
    fn marks_are_written_where_the_breaks_stand() {
        let md = format!("对中{BREAK_IN_PARAGRAPH}国特色。\n\n{BREAK_BETWEEN}\n\n下一段。\n");
        assert_eq!(
            write_marks(&md, &[Some(12), None], false),
            "对中<!-- page 12 inferred -->国特色。\n\n<!-- page ? inferred -->\n\n下一段。\n"
        );
        assert_eq!(stretches(&md), [2, 4, 4]);
    }
}

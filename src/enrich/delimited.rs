//! Text between a pair of marks (《…》, “…”, （…）), found by a scan of
//! the characters rather than by regular expressions: a bounded repeat of
//! a Unicode class (`[^“”\n]{2,120}`) compiles into a large automaton,
//! and compiling the three that the works index needs took 6 ms of every
//! build, a third of the time a small edition's build may take.
//!
//! Each function finds what the regular expression in its comment would
//! (leftmost first, never overlapping); the tests hold them to it.

use std::ops::Range;

/// At byte `at` of `text` stands `open`: the inner text up to the next
/// `close`, as a byte range, if it has `min..=max` characters and holds
/// neither mark nor a line end.
fn inner(
    text: &str,
    at: usize,
    open: char,
    close: char,
    (min, max): (usize, usize),
) -> Option<Range<usize>> {
    let start = at + open.len_utf8();
    for (count, (i, c)) in text[start..].char_indices().enumerate() {
        if c == close {
            return (count >= min).then_some(start..start + i);
        }
        if c == open || c == '\n' || count == max {
            return None;
        }
    }
    None
}

/// `《([^《》\n]{1,120})》`: each whole match and its inner text.
pub fn book_titles(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    // No match can hold a 《 (the inner text holds neither mark), so each
    // 《 starts a match or none: no match overlaps another.
    text.match_indices('《')
        .filter_map(|(at, _)| {
            let title = inner(text, at, '《', '》', (1, 120))?;
            Some((at..title.end + '》'.len_utf8(), title))
        })
        .collect()
}

/// `题为“([^“”\n]{2,80})”|“([^“”\n]{2,80})”(?:一文|这篇文章|的文章|一书|这本书)`:
/// each match's inner text (the title, without its quotation marks).
pub fn marked_articles(text: &str) -> Vec<Range<usize>> {
    const INTRODUCED: &str = "题为";
    const FOLLOWED: [&str; 5] = ["一文", "这篇文章", "的文章", "一书", "这本书"];
    // No match can hold a “ (the title holds neither mark, and the words
    // around it none), so each “ starts a match or none: no match overlaps
    // another. The first alternative matches from 题为, before this mark.
    text.match_indices('“')
        .filter_map(|(at, _)| {
            let title = inner(text, at, '“', '”', (2, 80))?;
            let end = title.end + '”'.len_utf8();
            let introduced = text[..at].ends_with(INTRODUCED);
            let followed = FOLLOWED.iter().any(|w| text[end..].starts_with(w));
            (introduced || followed).then_some(title)
        })
        .collect()
}

/// `“([^“”\n]{2,120})”|"([^"\n]{2,120})"|（([^（）\n]{2,120})）|\(([^()\n]{2,120})\)`:
/// each match's inner text.
pub fn enclosed(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    for (at, c) in text.char_indices() {
        if at < from {
            continue;
        }
        let close = match c {
            '“' => '”',
            '"' => '"',
            '（' => '）',
            '(' => ')',
            _ => continue,
        };
        if let Some(words) = inner(text, at, c, close, (2, 120)) {
            from = words.end + close.len_utf8();
            found.push(words);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BOOK_TITLE: &str = r"《([^《》\n]{1,120})》";
    const MARKED_ARTICLE: &str =
        r"题为“([^“”\n]{2,80})”|“([^“”\n]{2,80})”(?:一文|这篇文章|的文章|一书|这本书)";
    const ENCLOSED: &str =
        r#"“([^“”\n]{2,120})”|"([^"\n]{2,120})"|（([^（）\n]{2,120})）|\(([^()\n]{2,120})\)"#;

    /// Each match's first group that took part, as a byte range.
    fn groups(pattern: &str, text: &str) -> Vec<Range<usize>> {
        regex::Regex::new(pattern)
            .unwrap()
            .captures_iter(text)
            .map(|m| (1..m.len()).find_map(|g| m.get(g)).unwrap().range())
            .collect()
    }

    #[test]
    fn marks_found_as_the_patterns_find_them() {
        let text = "见《论持久战》和《》，题为“实践论”的讲话，“矛盾论”一文，\
                    “两论”这本书（节选）(a)(ab)\"quoted\"“未完\n”《长》";
        assert_eq!(
            book_titles(text)
                .into_iter()
                .map(|(_, t)| t)
                .collect::<Vec<_>>(),
            groups(BOOK_TITLE, text)
        );
        assert_eq!(marked_articles(text), groups(MARKED_ARTICLE, text));
        assert_eq!(enclosed(text), groups(ENCLOSED, text));
        assert_eq!(
            book_titles(text)
                .iter()
                .map(|(_, t)| &text[t.clone()])
                .collect::<Vec<_>>(),
            ["论持久战", "长"]
        );
        assert_eq!(
            marked_articles(text)
                .iter()
                .map(|t| &text[t.clone()])
                .collect::<Vec<_>>(),
            ["实践论", "矛盾论", "两论"]
        );
    }

    #[test]
    fn inner_text_at_and_past_each_bound() {
        let cases: [(&str, &str, &str, usize, usize, &str); 6] = [
            ("《", "》", "", 1, 120, BOOK_TITLE),
            ("题为“", "”", "", 2, 80, MARKED_ARTICLE),
            ("“", "”", "这本书", 2, 80, MARKED_ARTICLE),
            ("“", "”", "", 2, 120, ENCLOSED),
            ("（", "）", "", 2, 120, ENCLOSED),
            ("\"", "\"", "", 2, 120, ENCLOSED),
        ];
        for (open, close, after, min, max, pattern) in cases {
            for n in [min - 1, min, max, max + 1] {
                let text = format!("前{open}{}{close}{after}后", "字".repeat(n));
                let found: Vec<Range<usize>> = match pattern {
                    BOOK_TITLE => book_titles(&text).into_iter().map(|(_, t)| t).collect(),
                    MARKED_ARTICLE => marked_articles(&text),
                    _ => enclosed(&text),
                };
                assert_eq!(found, groups(pattern, &text), "{open}…{close} of {n}");
                assert_eq!(
                    found.len(),
                    usize::from((min..=max).contains(&n)),
                    "{open}…{close} of {n}"
                );
            }
        }
    }

    #[test]
    fn a_bracket_inside_an_overlong_quotation_is_still_found() {
        let long = "字".repeat(130);
        let text = format!("“{long}（注释）{long}”");
        assert_eq!(enclosed(&text), groups(ENCLOSED, &text));
        assert_eq!(&text[enclosed(&text)[0].clone()], "注释");
    }

    /// Text made of the marks, line ends, the words around them and runs
    /// of filler long enough to cross the bounds.
    fn marked_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("《".to_owned()),
            Just("》".to_owned()),
            Just("“".to_owned()),
            Just("”".to_owned()),
            Just("\"".to_owned()),
            Just("（".to_owned()),
            Just("）".to_owned()),
            Just("(".to_owned()),
            Just(")".to_owned()),
            Just("\n".to_owned()),
            Just("题为".to_owned()),
            Just("一文".to_owned()),
            Just("这本书".to_owned()),
            Just("的文章".to_owned()),
            "[a-z字]{1,3}",
            (1usize..140).prop_map(|n| "文".repeat(n)),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn the_scans_agree_with_the_patterns(text in marked_text()) {
            prop_assert_eq!(
                book_titles(&text).into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
                groups(BOOK_TITLE, &text)
            );
            let whole: Vec<Range<usize>> = regex::Regex::new(BOOK_TITLE)
                .unwrap()
                .find_iter(&text)
                .map(|m| m.range())
                .collect();
            prop_assert_eq!(
                book_titles(&text).into_iter().map(|(w, _)| w).collect::<Vec<_>>(),
                whole
            );
            prop_assert_eq!(marked_articles(&text), groups(MARKED_ARTICLE, &text));
            prop_assert_eq!(enclosed(&text), groups(ENCLOSED, &text));
        }
    }
}

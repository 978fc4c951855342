//! Well-formed XML, as an EPUB's pages must be: reading systems refuse a
//! page that is not, where browsers repair HTML. And the characters XML
//! forbids, which `clean` takes out of every XML file zhushu writes (the
//! EPUB's files, sitemap.xml) and `zhushu check` points at.

use std::borrow::Cow;

/// A character no XML 1.0 document may hold, even as a character
/// reference: C0 controls but tab, line feed and carriage return, and
/// U+FFFE, U+FFFF. (Lone surrogates cannot be in a Rust string.)
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `text` without the characters XML forbids. A vertical tab or form feed
/// (pdftotext writes one at each page break) between two words that
/// would otherwise join becomes a space; every other one is dropped.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.contains(is_forbidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let joins = |c: Option<char>| {
        c.is_some_and(|c| !c.is_whitespace() && !is_forbidden(c) && !crate::markdown::is_cjk(c))
    };
    while let Some(c) = chars.next() {
        if !is_forbidden(c) {
            out.push(c);
            continue;
        }
        if matches!(c, '\u{B}' | '\u{C}') && joins(out.chars().next_back()) {
            // The next character that is not forbidden.
            let next = chars.clone().find(|&c| !is_forbidden(c));
            if joins(next) {
                out.push(' ');
            }
        }
    }
    Cow::Owned(out)
}

/// Why `text` is not well-formed XML, if it is not: unbalanced or crossed
/// tags, a repeated or unquoted attribute, an entity XML does not define
/// (`&nbsp;`), a bad character reference.
pub fn problem(text: &str) -> Option<String> {
    use quick_xml::events::Event as Xml;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    // "--" inside a comment is not well-formed XML; browsers let it pass.
    reader.config_mut().check_comments = true;
    let mut open = 0usize;
    let problem = |at: u64, e: &dyn std::fmt::Display| Some(format!("at byte {at}: {e}"));
    loop {
        let at = reader.buffer_position();
        let tag = match reader.read_event() {
            Err(e) => return problem(at, &e),
            Ok(Xml::Eof) => break,
            Ok(Xml::Start(tag)) => {
                open += 1;
                tag
            }
            Ok(Xml::Empty(tag)) => tag,
            Ok(Xml::End(_)) => {
                open = open.saturating_sub(1);
                continue;
            }
            Ok(Xml::GeneralRef(reference)) => {
                let known = if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .is_ok_and(|c| c.is_some_and(|c| !is_forbidden(c)))
                } else {
                    matches!(&*reference, "lt" | "gt" | "amp" | "quot" | "apos")
                };
                if !known {
                    return problem(at, &"an entity or character reference XML does not know");
                }
                continue;
            }
            Ok(_) => continue,
        };
        for attribute in tag.attributes().with_checks(true) {
            let unescaped = attribute.map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|_| ())
            });
            match unescaped {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return problem(at, &e),
                Err(e) => return problem(at, &e),
            }
        }
    }
    (open > 0).then(|| format!("{open} element(s) left open"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_double_hyphen_inside_a_comment_is_not_well_formed() {
        // Found by fuzzing: an author's `<!-- a -- b -->` passed the check
        // and made an EPUB page that reading systems refuse.
        assert!(problem("<p>a<!-- b -- c -->d</p>").is_some());
        assert!(problem("<p>a<!-- b - c -->d</p>").is_none());
    }

    #[test]
    fn forbidden_characters_are_taken_out() {
        assert!(matches!(clean("plain 文字\t\n"), Cow::Borrowed(_)));
        assert_eq!(clean("a\u{0}b\u{1F}c\u{FFFE}\u{FFFF}"), "abc");
        assert_eq!(clean("page\u{C}break"), "page break");
        assert_eq!(clean("page \u{C}break"), "page break");
        assert_eq!(clean("第一页\u{C}第二页"), "第一页第二页");
        assert_eq!(clean("\u{C}start\u{B}"), "start");
        assert_eq!(clean("a\u{C}\u{1}b"), "a b");
        for c in clean("\u{0}x\u{8}\u{B}\u{C}\u{E}\u{1F}\u{7F}\u{FFFD}").chars() {
            assert!(!is_forbidden(c), "{c:?}");
        }
    }

    #[test]
    fn a_reference_to_a_forbidden_character_is_not_well_formed() {
        assert!(problem("<p>a&#12;b</p>").is_some());
        assert!(problem("<p>a&#x1F;b</p>").is_some());
        assert!(problem("<p>a&#10;b&#x4E00;</p>").is_none());
    }
}

//! Well-formed XML, as an EPUB's pages must be: reading systems refuse a
//! page that is not, where browsers repair HTML.

/// Why `text` is not well-formed XML, if it is not: unbalanced or crossed
/// tags, a repeated or unquoted attribute, an entity XML does not define
/// (`&nbsp;`), a bad character reference.
pub fn problem(text: &str) -> Option<String> {
    use quick_xml::events::Event as Xml;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
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
                    reference.resolve_char_ref().is_ok_and(|c| c.is_some())
                } else {
                    matches!(&*reference, b"lt" | b"gt" | b"amp" | b"quot" | b"apos")
                };
                if !known {
                    return problem(at, &"an entity or character reference XML does not know");
                }
                continue;
            }
            Ok(_) => continue,
        };
        for attribute in tag.attributes().with_checks(true) {
            let unescaped = attribute.map(|a| a.unescape_value().map(|_| ()));
            match unescaped {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return problem(at, &e),
                Err(e) => return problem(at, &e),
            }
        }
    }
    (open > 0).then(|| format!("{open} element(s) left open"))
}

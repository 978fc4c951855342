//! Whether a text is well-formed XML, as an EPUB's XHTML pages must be
//! (reading systems refuse a page that is not): tags balanced and named
//! alike at both ends, attributes unique and quoted, only XML's own five
//! named entities and valid character references. Shared by the fuzz
//! regression test and the `chapter` fuzz target (`fuzz/`), which includes
//! this file by path.

use quick_xml::events::Event;

pub fn well_formed(text: &str) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut open = 0usize;
    loop {
        let at = reader.buffer_position();
        let fail = |e: &dyn std::fmt::Display| format!("at byte {at}: {e}");
        match reader.read_event().map_err(|e| fail(&e))? {
            Event::Start(tag) => {
                open += 1;
                for attribute in tag.attributes().with_checks(true) {
                    attribute
                        .map_err(|e| fail(&e))?
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| fail(&e))?;
                }
            }
            Event::Empty(tag) => {
                for attribute in tag.attributes().with_checks(true) {
                    attribute
                        .map_err(|e| fail(&e))?
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| fail(&e))?;
                }
            }
            Event::End(_) => open = open.saturating_sub(1),
            Event::GeneralRef(reference) => {
                if reference.is_char_ref() {
                    reference.resolve_char_ref().map_err(|e| fail(&e))?;
                } else {
                    let name: &str = &reference;
                    if !matches!(name, "lt" | "gt" | "amp" | "quot" | "apos") {
                        return Err(fail(&format!("&{name}; is not one of XML's entities")));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if open > 0 {
        return Err(format!("{open} element(s) left open at the end"));
    }
    Ok(())
}

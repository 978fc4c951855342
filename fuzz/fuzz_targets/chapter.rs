//! A chapter file (front matter and Markdown), loaded and rendered with
//! notes, quotations and glossary marks; its EPUB page and its TEI
//! document must be well-formed XML.
#![no_main]

#[path = "../../tests/common/xml.rs"]
mod xml;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // load() refuses a chapter that is not UTF-8 before it looks at it.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(page) = zhushu::fuzzing::render_chapter(text) {
            if let Err(problem) = xml::well_formed(&page) {
                panic!("the EPUB page is not well-formed XML: {problem}\n{page}");
            }
        }
        // The same chapter as a TEI document (`zhushu tei`).
        if let Some(tei) = zhushu::fuzzing::chapter_tei(text) {
            if let Err(problem) = xml::well_formed(&tei) {
                panic!("the TEI document is not well-formed XML: {problem}\n{tei}");
            }
        }
    }
});

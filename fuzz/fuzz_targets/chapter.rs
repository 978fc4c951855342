//! A chapter file (front matter and Markdown), loaded and rendered with
//! notes, quotations and glossary marks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // load() refuses a chapter that is not UTF-8 before it looks at it.
    if let Ok(text) = std::str::from_utf8(data) {
        zhushu::fuzzing::render_chapter(text);
    }
});

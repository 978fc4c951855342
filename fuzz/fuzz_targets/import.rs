//! `zhushu import --dry-run` on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // import() refuses anything that is not UTF-8 before it looks at it.
    if let Ok(text) = std::str::from_utf8(data) {
        zhushu::fuzzing::import_text(text);
    }
});

//! Inputs kept from fuzzing (`fuzz/`, see fuzz/README.md): every file in
//! tests/fuzz/import/ goes through the import pipeline and every file in
//! tests/fuzz/chapter/ through chapter loading and rendering. None may
//! panic, none may take longer than a few seconds, and every chapter's EPUB
//! page must be well-formed XML.

#[path = "common/xml.rs"]
mod xml;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Generous for an unoptimised build; the fuzzers give each input 10 s
/// optimised, and real inputs take milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

fn inputs(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

/// Runs `target` on each input as the fuzz target does (bytes, kept only
/// if UTF-8), each in its own thread with a time limit.
fn run_all(folder: &str, target: fn(&str)) {
    let mut failures = Vec::new();
    for path in inputs(folder) {
        let bytes = std::fs::read(&path).unwrap();
        let (done, finished) = mpsc::channel();
        let worker = thread::spawn(move || {
            if let Ok(text) = std::str::from_utf8(&bytes) {
                target(text);
            }
            let _ = done.send(());
        });
        match finished.recv_timeout(LIMIT) {
            Ok(()) => worker.join().unwrap(),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // The sender was dropped without sending: the target panicked
                // (its message is printed above by the panic hook).
                let _ = worker.join();
                failures.push(format!("{}: panicked", path.display()));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // The thread cannot be stopped; it dies with the test process.
                failures.push(format!("{}: still running after {LIMIT:?}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn import_inputs_neither_panic_nor_hang() {
    run_all("import", zhushu::fuzzing::import_text);
}

#[test]
fn chapter_inputs_neither_panic_nor_hang() {
    run_all("chapter", |text| {
        if let Some(page) = zhushu::fuzzing::render_chapter(text)
            && let Err(problem) = xml::well_formed(&page)
        {
            panic!("the EPUB page is not well-formed XML: {problem}\n{page}");
        }
    });
}

/// The checker itself, so that a pass above means something.
#[test]
fn the_xml_check_refuses_what_reading_systems_refuse() {
    let page = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p id=\"a\">&amp; &#x4e00;</p><br/></body></html>";
    assert_eq!(xml::well_formed(page), Ok(()));
    for bad in [
        "<p>unclosed",
        "<p><b>crossed</p></b>",
        "<p>&nbsp;</p>",
        "<p id=\"a\" id=\"b\">twice</p>",
        "<p title=\"&copy;\">x</p>",
        "<p>&#xFFFFFFF;</p>",
        "<br>",
    ] {
        assert!(xml::well_formed(bad).is_err(), "{bad} should be refused");
    }
}

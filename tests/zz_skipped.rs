//! The end of the run: repeats every test that was SKIPPED for a missing
//! outside tool (Chromium, node, java, poppler, epubcheck), so that a run
//! that passed without them says so where one looks last, not only in
//! SKIPPED lines far up the output.
//!
//! Named `zz_` because cargo runs a package's test targets in name order:
//! this one comes after every other test of zhushu (only the bench's unit
//! tests and the doc tests follow). Each skip is recorded by
//! `common::skip` in a file of this run (see `common::skip_record`); files
//! of earlier runs are removed here.

mod common;

use std::io::Write;

#[test]
fn report_skipped_tests() {
    let record = common::skip_record();
    let skipped = std::fs::read_to_string(&record).unwrap_or_default();
    if let Ok(entries) = std::fs::read_dir(record.parent().unwrap()) {
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let lines: Vec<&str> = skipped.lines().filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return;
    }
    // Straight to stderr, past libtest's capture, as the SKIPPED lines are.
    let mut report = format!(
        "\nSKIPPED: {} test(s) passed without running, for want of an outside tool \
         (README.md, \"Run the tests\"; {}=1 makes this a failure):\n",
        lines.len(),
        common::REQUIRE_TOOLS_VAR
    );
    for line in lines {
        report.push_str(&format!("  - {line}\n"));
    }
    let _ = std::io::stderr().write_all(report.as_bytes());
}

//! `zhushu pdf`: the seed's print edition printed by headless Chromium, read
//! back with pdftotext and pdfinfo (Debian's poppler-utils). A missing
//! Chromium or poppler is SKIPPED unless ZHUSHU_REQUIRE_TOOLS=1, as in CI.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The PDF's pages as text (pdftotext splits them with form feeds).
fn pages(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let out = Command::new(pdftotext)
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    // The text ends with a form feed: no page follows it.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn print(root: &Path, out: &Path, extra: &[&str]) {
    let mut cmd = Command::new(common::zhushu_bin());
    cmd.arg("pdf")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(extra);
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(600));
    assert!(
        run.success(),
        "zhushu pdf failed ({}):\n{}",
        run.describe_status(),
        run.output()
    );
}

#[test]
fn the_seed_prints_with_every_piece_on_a_right_hand_page() {
    let (Some(_), Some(pdftotext)) = (
        common::require_tool("chromium"),
        common::require_tool("pdftotext"),
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("book.pdf");
    let root = common::repo_root();
    print(&root, &pdf, &[]);
    let pages = pages(&pdftotext, &pdf);
    let edition = zhushu::load::load(&root, false).unwrap();
    let titles: Vec<String> = edition
        .chapters
        .iter()
        .map(|c| squeeze(&c.front.title))
        .collect();
    assert!(pages.len() > 20, "only {} pages", pages.len());

    // A piece starts on the first page after the previous piece's start
    // whose head (running head, then the title block) holds its title.
    let contents = pages
        .iter()
        .position(|p| squeeze(p).contains("目录"))
        .expect("a page of contents");
    let mut starts = Vec::new();
    let mut after = contents + 1;
    for title in &titles {
        let start = (after..pages.len())
            .find(|&k| {
                let head: String = pages[k].lines().take(8).collect();
                squeeze(&head).contains(title.as_str())
            })
            .unwrap_or_else(|| panic!("no page after {after} begins the piece {title}"));
        // Page numbers count from 1, the cover.
        let number = start + 1;
        assert!(
            number % 2 == 1,
            "{title} starts on page {number}, a left-hand page"
        );
        starts.push(number);
        after = start + 1;
    }

    // The contents give those pages, in order.
    let toc: String = pages[contents..starts[0] - 1].concat();
    let numbers: Vec<u32> = toc
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let mut seen = numbers.iter();
    for (title, start) in titles.iter().zip(&starts) {
        assert!(
            seen.any(|&n| n as usize == *start),
            "the contents do not give page {start} for {title} (in order); numbers found: {numbers:?}"
        );
    }

    // Every page but the blank ones and the cover carries its number in
    // the bottom margin.
    for (k, page) in pages.iter().enumerate().skip(2) {
        let last = page.lines().rev().find(|l| !l.trim().is_empty());
        if let Some(last) = last {
            assert_eq!(
                last.trim(),
                (k + 1).to_string(),
                "page {} has no page number at its foot:\n{page}",
                k + 1
            );
        }
    }
}

#[test]
fn the_paper_size_is_the_one_asked_for() {
    let (Some(_), Some(pdfinfo)) = (
        common::require_tool("chromium"),
        common::require_tool("pdfinfo"),
    ) else {
        return;
    };
    let edition = common::edition("mini-en");
    let pdf = edition.path().join("out.pdf");
    print(edition.path(), &pdf, &["--paper", "Letter"]);
    let info = Command::new(pdfinfo).arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
}

#[test]
fn without_chromium_the_message_names_the_package() {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(common::zhushu_bin())
        .args(["pdf", "--root"])
        .arg(common::repo_root())
        .env("PATH", empty.path())
        .env_remove("ZHUSHU_CHROMIUM")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = common::stderr(&out);
    assert!(stderr.contains("needs Chromium"), "{stderr}");
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
}

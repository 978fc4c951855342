//! `zhushu check`: every problem of an edition in one run, each located,
//! as text or JSON; exit 1 on an error; nothing written.

mod common;

use common::*;
use std::fs;
use std::path::Path;

fn check(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    zhushu(&args)
}

#[test]
fn a_sound_edition_passes() {
    let edition = edition("mini-zh");
    let out = check(edition.path(), &[]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
    assert!(!edition.path().join("site").exists(), "check wrote a site");
}

/// Five problems of different stages at once.
fn spoil(root: &Path) {
    // A chapter whose front matter no longer parses.
    edit(
        root,
        "content/chapters/02-fangtan.md",
        "title:",
        "title: [unclosed",
    );
    // A note whose text is gone.
    edit(
        root,
        "content/chapters/01-jianghua.md",
        "第一段，有脚注",
        "首段，有脚注",
    );
    // A link to a paragraph that does not exist.
    edit(
        root,
        "content/chapters/01-jianghua.md",
        "(02-fangtan.md#p2)",
        "(01-jianghua.md#p99)",
    );
    // A glossary term that occurs nowhere.
    edit(
        root,
        "content/glossary.yaml",
        "  - term: 大事记",
        "  - term: 不存在的术语\n    definition: 无。\n  - term: 大事记",
    );
    // A template with an unknown filter.
    edit(
        root,
        "themes/classic/templates/index.html",
        "{{ entry.title }}",
        "{{ entry.title | no_such_filter }}",
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let edition = edition("mini-zh");
    let root = edition.path();
    spoil(root);
    let out = check(root, &[]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for expected in [
        "error: ",
        "--> content/chapters/02-fangtan.md:2:",
        "quotes “第一段”, which chapter `jianghua` does not contain",
        "warning: link to `#p99`",
        "--> content/chapters/01-jianghua.md:",
        "warning: glossary entry `不存在的术语` occurs nowhere in the text",
        "--> content/glossary.yaml:",
        "template `index.html`",
        "no_such_filter",
        "errors, 2 warnings",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
    assert!(!root.join("site").exists(), "check wrote a site");
}

#[test]
fn json_lists_the_same_problems_with_their_places() {
    let edition = edition("mini-zh");
    let root = edition.path();
    spoil(root);
    let out = check(root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = report["diagnostics"].as_array().unwrap();
    assert_eq!(report["warnings"], 2);
    assert_eq!(report["errors"].as_u64().unwrap() as usize + 2, list.len());
    assert!(list.len() >= 5, "{report:#}");
    for d in list {
        assert!(d["severity"] == "error" || d["severity"] == "warning");
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(d["file"].is_string(), "every problem here has a file: {d}");
        assert!(d["line"].as_u64().is_some_and(|l| l >= 1));
        assert!(d["column"].as_u64().is_some_and(|c| c >= 1));
    }
    let link = list
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("#p99"))
        .unwrap();
    assert_eq!(link["file"], "content/chapters/01-jianghua.md");
    assert!(
        link["snippet"]
            .as_str()
            .unwrap()
            .contains("01-jianghua.md#p99")
    );
}

#[test]
fn html_the_epub_cannot_keep_is_a_warning_at_its_line() {
    let edition = edition("mini-zh");
    let root = edition.path();
    let chapter = root.join("content/chapters/01-jianghua.md");
    let text = fs::read_to_string(&chapter).unwrap();
    let (body, notes) = text.split_at(text.find("\n[^").unwrap_or(text.len()));
    let text = format!("{body}\n第二<sup>2</sup>段，写得规整。\n\n又一段<span>未闭合。\n{notes}");
    fs::write(&chapter, &text).unwrap();
    let line = text.lines().position(|l| l.contains("<span>")).unwrap() + 1;
    let out = check(root, &[]);
    let report = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "a warning only:\n{report}");
    assert!(
        report.contains("warning: this HTML is not well-formed XML"),
        "{report}"
    );
    assert!(
        report.contains(&format!("--> content/chapters/01-jianghua.md:{line}:")),
        "{report}"
    );
    assert!(
        report.contains("0 errors, 1 warning"),
        "only the span: {report}"
    );
}

/// A page mark the build cannot read stays a comment: check says so at its
/// line, and so it does of pages that do not rise.
#[test]
fn a_page_mark_the_build_cannot_read_is_a_warning_at_its_line() {
    let edition = edition("mini-zh");
    let root = edition.path();
    let chapter = root.join("content/chapters/01-jianghua.md");
    let text = fs::read_to_string(&chapter)
        .unwrap()
        .replace("<!-- page 3 -->", "<!-- page three -->")
        .replace("第一段，", "第一段<!-- page 1 -->，");
    fs::write(&chapter, &text).unwrap();
    let line = text.lines().position(|l| l.contains("page three")).unwrap() + 1;
    let out = check(root, &[]);
    let report = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "warnings only:\n{report}");
    assert!(
        report.contains("warning: `<!-- page three -->` is no page mark the build can read"),
        "{report}"
    );
    assert!(
        report.contains(&format!("--> content/chapters/01-jianghua.md:{line}:")),
        "{report}"
    );
    assert!(
        report.contains("warning: page 1 after page 1: the printed pages of a piece rise"),
        "{report}"
    );
    assert!(report.contains("0 errors, 2 warnings"), "{report}");
}

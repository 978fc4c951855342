//! Golden files: the fixture editions render to exactly the committed HTML.
//! After an intended change, regenerate with `UPDATE_GOLDEN=1 cargo test`
//! and review the diff.

mod common;

use common::*;
use std::path::Path;

fn check_golden(fixture: &str) {
    let edition = edition(fixture);
    let out = edition.path().join("site");
    let result = build(edition.path(), &out, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    let golden_dir = repo_root().join("tests/golden").join(fixture);
    let built = snapshot(&out);
    // The theme's own files are checked where they live; pages are golden.
    let pages: Vec<_> = built
        .iter()
        .filter(|(name, _)| !name.starts_with("static/"))
        .collect();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden_dir);
        for (name, bytes) in &pages {
            let path = golden_dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        return;
    }
    let golden = snapshot(&golden_dir);
    let built_names: Vec<_> = pages.iter().map(|(n, _)| n.as_str()).collect();
    let golden_names: Vec<_> = golden.keys().map(String::as_str).collect();
    assert_eq!(built_names, golden_names, "the set of pages differs");
    for (name, bytes) in pages {
        let expected = &golden[name];
        if bytes != expected {
            let (got, want) = (
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(expected),
            );
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name} differs from tests/golden/{fixture}/{name} at line {}:\n  got:  {}\n  want: {}\n(UPDATE_GOLDEN=1 cargo test regenerates after an intended change)",
                line + 1,
                got.lines().nth(line).unwrap_or(""),
                want.lines().nth(line).unwrap_or("")
            );
        }
    }
}

#[test]
fn chinese_fixture_matches_golden_html() {
    check_golden("mini-zh");
}

#[test]
fn english_fixture_matches_golden_html() {
    check_golden("mini-en");
}

#[test]
fn builds_are_deterministic() {
    let edition = edition("mini-zh");
    let (a, b) = (edition.path().join("a"), edition.path().join("b"));
    assert!(build(edition.path(), &a, &[]).status.success());
    assert!(build(edition.path(), &b, &[]).status.success());
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn the_committed_site_is_what_the_build_makes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let result = build(&repo_root(), &out, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    let committed = snapshot(&repo_root().join("site"));
    let built = snapshot(&out);
    let differing: Vec<_> = built
        .keys()
        .chain(committed.keys())
        .filter(|k| built.get(*k) != committed.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "site/ is out of date ({differing:?}); rebuild it with `cargo run -- build` and commit it"
    );
}

#[test]
fn pages_link_relatively_and_fetch_nothing() {
    let edition = edition("mini-zh");
    let out = edition.path().join("site");
    assert!(build(edition.path(), &out, &[]).status.success());
    for (name, bytes) in snapshot(&out) {
        if !name.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for link in html.split(attr).skip(1) {
                let url = &link[..link.find('"').unwrap()];
                let external = url.starts_with("http://") || url.starts_with("https://");
                assert!(!url.starts_with('/'), "{name}: absolute link {url}");
                if external {
                    // Only the author's own links in the text may leave the site.
                    assert_eq!(attr, "href=\"", "{name}: loads {url}");
                } else if let Some(target) = url.split('#').next().filter(|t| !t.is_empty()) {
                    assert!(out.join(target).is_file(), "{name}: broken link {url}");
                }
            }
        }
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let edition = edition("mini-zh");
    let out = edition.path().join("site");
    assert!(build(edition.path(), &out, &[]).status.success());
    assert!(!out.join("draft.html").exists());
    assert!(build(edition.path(), &out, &["--drafts"]).status.success());
    assert!(out.join("draft.html").exists());
}

#[test]
fn sitemap_only_with_a_base_url() {
    let zh = edition("mini-zh");
    let out = zh.path().join("site");
    assert!(build(zh.path(), &out, &[]).status.success());
    assert!(!out.join("sitemap.xml").exists());
    assert!(
        build(zh.path(), &out, &["--base-url", "https://ex.org/zh"])
            .status
            .success()
    );
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        xml.contains("<loc>https://ex.org/zh/jianghua.html</loc>"),
        "{xml}"
    );
    assert!(
        xml.contains("<loc>https://ex.org/zh/index.html</loc>"),
        "{xml}"
    );

    let en = edition("mini-en");
    let out = en.path().join("site");
    assert!(build(en.path(), &out, &[]).status.success());
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        xml.contains("<loc>https://example.org/small/speech.html</loc>"),
        "{xml}"
    );
}

#[test]
fn new_makes_an_edition_that_builds() {
    for language in ["zh-CN", "en"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("edition");
        let made = zhushu(&["new", dir.to_str().unwrap(), "--language", language, "-q"]);
        assert!(made.status.success(), "{}", stderr(&made));
        let out = dir.join("site");
        let built = build(&dir, &out, &[]);
        assert!(built.status.success(), "{}", stderr(&built));
        let html = std::fs::read_to_string(out.join("second.html")).unwrap();
        assert!(
            html.contains("class=\"turn\""),
            "interview turns are recognised"
        );
        assert!(html.contains(&format!("lang=\"{language}\"")));
        // It refuses to write over what is there now.
        let again = zhushu(&["new", dir.to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(1));
    }
}

#[test]
fn new_refuses_a_language_it_has_no_example_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("edition");
    let out = zhushu(&["new", dir.to_str().unwrap(), "--language", "fr"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no example content in `fr`"), "{err}");
    assert!(err.contains("zh (Chinese) and en (English)"), "{err}");
    assert!(!dir.exists(), "nothing is written");
    // A regional or script tag of a language it has is written as given.
    let made = zhushu(&["new", dir.to_str().unwrap(), "--language", "zh-Hant", "-q"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let config = std::fs::read_to_string(dir.join("content/edition.yaml")).unwrap();
    assert!(config.contains("language: zh-Hant"), "{config}");
}

#[test]
fn help_is_there_for_every_command() {
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["new", "--help"],
        &["serve", "--help"],
        &["check", "--help"],
        &["pdf", "--help"],
        &["epub", "--help"],
        &["import", "--help"],
    ] {
        let out = zhushu(args);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: zhushu"), "{text}");
    }
}

#[test]
fn quiet_prints_nothing_and_verbose_prints_stages() {
    let edition = edition("mini-en");
    let out = edition.path().join("site");
    let quiet = build(edition.path(), &out, &[]);
    assert!(quiet.stderr.is_empty() && quiet.stdout.is_empty());
    // Piped, not a terminal: the summary line and no progress bar.
    let plain = zhushu(&[
        "build",
        "--root",
        edition.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    let text = stderr(&plain);
    assert!(
        text.starts_with("built ") && text.lines().count() == 1,
        "{text:?}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no terminal codes when piped: {text:?}"
    );
    let verbose = zhushu(&[
        "build",
        "--root",
        edition.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "-v",
    ]);
    let text = stderr(&verbose);
    assert!(
        text.contains("render:") && text.contains("built 1 chapter (4 pages"),
        "{text}"
    );
    let _ = Path::new("");
}

#[test]
fn the_search_index_is_under_twice_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&repo_root(), &out, &[]).status.success());
    let edition = zhushu::load::load(&repo_root(), false).unwrap();
    let text: usize = edition
        .chapters
        .iter()
        .flat_map(|c| {
            c.document
                .units()
                .into_iter()
                .map(|u| u.text.len())
                .collect::<Vec<_>>()
        })
        .sum();
    let index = std::fs::metadata(out.join("search-index.js"))
        .unwrap()
        .len() as usize;
    assert!(
        index < 2 * text,
        "index {index} bytes for {text} bytes of text"
    );
}

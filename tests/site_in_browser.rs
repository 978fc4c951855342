//! The repository's own edition and the fixture editions, built by the
//! zhushu binary, checked in a
//! real browser and by the Nu HTML Checker: the scripts of tests/browser/.
//!
//! Needs node with `npm ci --prefix tests/browser` done, Debian's chromium
//! (for `check_site_in_chromium`) and java (for `site_is_valid_html`). A
//! missing one makes the test print `SKIPPED: ...` and pass, unless
//! `ZHUSHU_REQUIRE_TOOLS=1` is set, as .ci/run does.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn browser_dir() -> PathBuf {
    common::repo_root().join("tests").join("browser")
}

/// node and the npm packages of tests/browser, or None (after a SKIPPED line).
fn node_and_packages(packages: &[&str]) -> Option<PathBuf> {
    let node = common::require_tool("node")?;
    let modules = browser_dir().join("node_modules");
    for p in packages {
        common::require_path(
            &modules.join(p),
            &format!("the npm package {p} of tests/browser"),
            "install the pinned packages with `npm ci --prefix tests/browser`",
        )?;
    }
    Some(node)
}

/// Runs `node tests/browser/<script> <site> <args…>` and asserts that it
/// succeeds, with its report in the failure message (and on stdout on
/// success, seen with `cargo test -- --nocapture`).
fn run_script(node: &Path, script: &str, site: &Path, args: &[&str], envs: &[(&str, &Path)]) {
    let mut cmd = Command::new(node);
    cmd.arg(browser_dir().join(script))
        .arg(site)
        .args(args)
        .current_dir(common::repo_root());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(900));
    if run.success() {
        print!("{}", run.output());
    }
    assert!(
        run.success(),
        "`node tests/browser/{script} {} {}` failed ({}):\n{}",
        site.display(),
        args.join(" "),
        run.describe_status(),
        run.output()
    );
}

/// The repository's edition, and the fixtures, whose pages have what the
/// seed lacks so far (code, footnotes, English).
fn sites() -> Vec<(tempfile::TempDir, PathBuf)> {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = common::build_repo_site(tmp.path());
    let mut sites = vec![(tmp, site)];
    for fixture in ["mini-zh", "mini-en"] {
        let edition = common::edition(fixture);
        let site = edition.path().join("site");
        let built = common::build(edition.path(), &site, &[]);
        assert!(built.status.success(), "{}", common::stderr(&built));
        sites.push((edition, site));
    }
    sites
}

#[test]
fn check_site_in_chromium() {
    let Some(node) = node_and_packages(&["playwright-core", "axe-core"]) else {
        return;
    };
    let Some(chromium) = common::require_tool("chromium") else {
        return;
    };
    for (tmp, site) in sites() {
        run_script(
            &node,
            "check-site.mjs",
            &site,
            &[],
            &[("CHROMIUM", &chromium)],
        );
        drop(tmp);
    }
}

#[test]
fn site_is_valid_html() {
    let Some(node) = node_and_packages(&["vnu-jar"]) else {
        return;
    };
    let Some(java) = common::require_tool("java") else {
        return;
    };
    for (tmp, site) in sites() {
        run_script(&node, "validate-html.mjs", &site, &[], &[("JAVA", &java)]);
        drop(tmp);
    }
    // The other two themes too. The checker's CSS profile does not know CSS
    // Anchor Positioning, which places `vertical`'s popovers: the script
    // sets aside exactly those errors and counts them.
    for theme in ["modern", "vertical"] {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let site = build_repo_site_with_theme(tmp.path(), theme);
        run_script(&node, "validate-html.mjs", &site, &[], &[("JAVA", &java)]);
    }
}

/// Builds `site` checks with `node tests/browser/<script> SITE PAGE`, on the
/// first page of the site whose HTML contains `marker`.
fn check_page(script: &str, site: &Path, marker: &str) {
    let Some(node) = node_and_packages(&["playwright-core"]) else {
        return;
    };
    let Some(chromium) = common::require_tool("chromium") else {
        return;
    };
    let mut pages: Vec<PathBuf> = std::fs::read_dir(site)
        .expect("site")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    let page = pages
        .iter()
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .contains(marker)
        })
        .unwrap_or_else(|| panic!("no page of {} has {marker}", site.display()));
    let mut cmd = Command::new(&node);
    cmd.arg(browser_dir().join(script))
        .arg(site)
        .arg(page.file_name().expect("name"))
        .env("CHROMIUM", &chromium)
        .current_dir(common::repo_root());
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(300));
    assert!(run.success(), "{script} failed:\n{}", run.output());
}

/// A note opens in place on a phone (keyboard and touch), closes with
/// Escape, stands in the margin on a wide screen, and is a plain link
/// without JavaScript: on the first chapter of the edition that has notes.
#[test]
fn notes_open_close_and_stand_in_the_margin() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = common::build_repo_site(tmp.path());
    check_page("check-notes.mjs", &site, "class=\"sidenote\"");
}

/// A quotation's marker opens the list of the other places on keyboard
/// focus and on hover, Escape closes it, and every place it lists exists.
#[test]
fn quotation_markers_list_the_other_places() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = common::build_repo_site(tmp.path());
    check_page("check-quotations.mjs", &site, "class=\"quote-ref\"");
}

/// A glossary term shows its definition on focus and hover, hides it on
/// Escape, and leads to its entry, which lists the term's places.
#[test]
fn glossary_terms_show_their_definitions() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = common::build_repo_site(tmp.path());
    check_page("check-glossary.mjs", &site, "class=\"term\"");
}

/// Search from file://: a Chinese phrase on the seed, an English word on the
/// English fixture, a query with no match, keyboard to a result; on the
/// seed, words of a glossary definition found on the glossary page and
/// words of a recurring quotation on the quotations index.
#[test]
fn search_works_from_file_urls() {
    let Some(node) = node_and_packages(&["playwright-core"]) else {
        return;
    };
    let Some(chromium) = common::require_tool("chromium") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temporary directory");
    let seed = common::build_repo_site(tmp.path());
    let english = common::edition("mini-en");
    let english_site = english.path().join("site");
    let built = common::build(english.path(), &english_site, &[]);
    assert!(built.status.success(), "{}", common::stderr(&built));
    let back = ["--glossary=提出的七条要求", "--quotations=决胜于千里之外"];
    for (site, query, extra) in [
        (&seed, "运筹于帷幄之中", &back[..]),
        (&english_site, "emphasis", &[]),
    ] {
        let mut cmd = Command::new(&node);
        cmd.arg(browser_dir().join("check-search.mjs"))
            .arg(site)
            .arg(query)
            .args(extra)
            .env("CHROMIUM", &chromium)
            .current_dir(common::repo_root());
        let run = common::run_with_timeout(&mut cmd, Duration::from_secs(300));
        assert!(run.success(), "check-search.mjs failed:\n{}", run.output());
    }
}

/// Served over HTTP, the edition caches itself; with the server stopped,
/// its pages still open.
#[test]
fn the_site_reads_offline_after_a_visit() {
    let Some(node) = node_and_packages(&["playwright-core"]) else {
        return;
    };
    let Some(chromium) = common::require_tool("chromium") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = common::build_repo_site(tmp.path());
    let mut cmd = Command::new(&node);
    cmd.arg(browser_dir().join("check-offline.mjs"))
        .arg(&site)
        .env("CHROMIUM", &chromium)
        .current_dir(common::repo_root());
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(300));
    assert!(run.success(), "check-offline.mjs failed:\n{}", run.output());
}

/// The repository's edition built with `--theme <theme>` into `<dir>/site`.
fn build_repo_site_with_theme(dir: &Path, theme: &str) -> PathBuf {
    let site = dir.join("site");
    let mut cmd = Command::new(common::zhushu_bin());
    cmd.arg("build")
        .arg("--root")
        .arg(common::repo_root())
        .arg("--output")
        .arg(&site)
        .arg("--theme")
        .arg(theme)
        .arg("-q");
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(300));
    assert!(
        run.success(),
        "`zhushu build --theme {theme}` failed: {}\n{}",
        run.describe_status(),
        run.output()
    );
    site
}

/// The themes that extend classic, on the repository's edition: every page
/// from file:// without a console error or a serious axe finding, in the
/// dark scheme too; `modern` without horizontal overflow; `vertical` set
/// vertical-rl in a box as high as the window, the page never scrolling
/// down; on both, notes and popovers shown inside the window.
#[test]
fn child_themes_in_chromium() {
    let Some(node) = node_and_packages(&["playwright-core", "axe-core"]) else {
        return;
    };
    let Some(chromium) = common::require_tool("chromium") else {
        return;
    };
    for theme in ["modern", "vertical"] {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let site = build_repo_site_with_theme(tmp.path(), theme);
        run_script(
            &node,
            "check-themes.mjs",
            &site,
            &[theme],
            &[("CHROMIUM", &chromium)],
        );
    }
}

/// The geometry of every chapter page, in each theme, at phone and desktop
/// size (tests/browser/check-layout.mjs): no two text boxes overlap, every
/// note stands within three lines of its marker or opens in place, no line
/// starts with closing punctuation or a note number, nothing overflows the
/// window's width. The fixtures add footnotes and English.
#[test]
fn chapter_layout_in_chromium() {
    let Some(node) = node_and_packages(&["playwright-core"]) else {
        return;
    };
    let Some(chromium) = common::require_tool("chromium") else {
        return;
    };
    let run = |site: &Path, theme: &str| {
        run_script(
            &node,
            "check-layout.mjs",
            site,
            &[theme],
            &[("CHROMIUM", &chromium)],
        );
    };
    for theme in ["classic", "modern", "vertical"] {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let site = build_repo_site_with_theme(tmp.path(), theme);
        run(&site, theme);
    }
    for fixture in ["mini-zh", "mini-en"] {
        let edition = common::edition(fixture);
        let site = edition.path().join("site");
        let built = common::build(edition.path(), &site, &[]);
        assert!(built.status.success(), "{}", common::stderr(&built));
        run(&site, fixture);
    }
}

/// Reading modes and taps on a touch phone, in each theme
/// (tests/browser/check-reading.mjs): calm by default, a study mode switched
/// from the header and remembered from file://, terms and quotations opened
/// in place by a tap, axe clean in the study mode.
#[test]
fn reading_modes_and_taps_on_a_phone() {
    let Some(node) = node_and_packages(&["playwright-core", "axe-core"]) else {
        return;
    };
    let Some(chromium) = common::require_tool("chromium") else {
        return;
    };
    for theme in ["classic", "modern", "vertical"] {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let site = build_repo_site_with_theme(tmp.path(), theme);
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&site)
            .expect("site")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        pages.sort();
        let page = pages
            .iter()
            .find(|p| {
                let html = std::fs::read_to_string(p).unwrap_or_default();
                html.contains("class=\"quote-ref\"") && html.contains("class=\"term\"")
            })
            .expect("a page with a quotation and a term");
        let name = page.file_name().expect("name").to_string_lossy();
        run_script(
            &node,
            "check-reading.mjs",
            &site,
            &[&name],
            &[("CHROMIUM", &chromium)],
        );
    }
}

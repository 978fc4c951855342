//! The repository's own edition and the fixture editions, built by the
//! zhushu binary, checked in a
//! real browser and by the Nu HTML Checker: the scripts of tests/browser/.
//!
//! Needs node with `npm ci --prefix tests/browser` done, Debian's chromium
//! (for `check_site_in_chromium`) and java (for `site_is_valid_html`). A
//! missing one makes the test print `SKIPPED: ...` and pass, unless
//! `ZHUSHU_REQUIRE_TOOLS=1` is set, as .ci/run does.
//!
//! The checks share one Chromium (`browser`): started by the first test
//! that needs it, each script connects to it and works in browser contexts
//! of its own, so that no check pays for starting a browser.

mod common;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
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

/// The one Chromium the checks of this run share (tests/browser/
/// browser-server.mjs), rather than one started and stopped by every
/// script: the binary, and the endpoint each script connects to.
struct Browser {
    chromium: PathBuf,
    endpoint: String,
}

impl Browser {
    /// What a check script needs to find the shared browser (CHROMIUM too,
    /// for a script run on its own).
    fn env(&self) -> [(&'static str, &OsStr); 2] {
        [
            ("CHROMIUM", self.chromium.as_os_str()),
            ("ZHUSHU_BROWSER_WS", OsStr::new(&self.endpoint)),
        ]
    }
}

/// The server that holds the shared browser. Its stdin is a pipe this
/// process keeps open until it exits; the server closes Chromium when the
/// pipe closes, so the browser never outlives the tests.
struct Server {
    _child: Child,
    endpoint: String,
}

/// Chromium, started once for the whole test binary by the first test that
/// needs it, or None (after a SKIPPED line) when chromium is missing.
fn browser(node: &Path) -> Option<Browser> {
    let chromium = common::require_tool("chromium")?;
    static SERVER: OnceLock<Server> = OnceLock::new();
    let server = SERVER.get_or_init(|| start_browser_server(node, &chromium));
    Some(Browser {
        chromium,
        endpoint: server.endpoint.clone(),
    })
}

fn start_browser_server(node: &Path, chromium: &Path) -> Server {
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-server.log");
    let stderr = std::fs::File::create(&log).expect("browser-server.log");
    let mut child = Command::new(node)
        .arg(browser_dir().join("browser-server.mjs"))
        .env("CHROMIUM", chromium)
        .current_dir(common::repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("node tests/browser/browser-server.mjs");
    let stdout = child.stdout.take().expect("its stdout");
    // Its first line is the endpoint; read on a thread, to give up after a
    // minute rather than hang on a browser that never comes up.
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = send.send(line);
    });
    let endpoint = receive
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_default()
        .trim()
        .to_owned();
    assert!(
        endpoint.starts_with("ws://"),
        "the shared Chromium did not start (node tests/browser/browser-server.mjs):\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    Server {
        _child: child,
        endpoint,
    }
}

/// Runs `node tests/browser/<script> <site> <args…>` and asserts that it
/// succeeds, with its report in the failure message (and on stdout on
/// success, seen with `cargo test -- --nocapture`).
fn run_script(node: &Path, script: &str, site: &Path, args: &[&str], envs: &[(&str, &OsStr)]) {
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
    let Some(browser) = browser(&node) else {
        return;
    };
    for (tmp, site) in sites() {
        run_script(&node, "check-site.mjs", &site, &[], &browser.env());
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
        run_script(
            &node,
            "validate-html.mjs",
            &site,
            &[],
            &[("JAVA", java.as_os_str())],
        );
        drop(tmp);
    }
    // The other two themes too. The checker's CSS profile does not know CSS
    // Anchor Positioning, which places `vertical`'s popovers: the script
    // sets aside exactly those errors and counts them.
    for theme in ["modern", "vertical"] {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let site = build_repo_site_with_theme(tmp.path(), theme);
        run_script(
            &node,
            "validate-html.mjs",
            &site,
            &[],
            &[("JAVA", java.as_os_str())],
        );
    }
}

/// Builds `site` checks with `node tests/browser/<script> SITE PAGE`, on the
/// first page of the site whose HTML contains `marker`.
fn check_page(script: &str, site: &Path, marker: &str) {
    let Some(node) = node_and_packages(&["playwright-core"]) else {
        return;
    };
    let Some(browser) = browser(&node) else {
        return;
    };
    let pages = html_pages(site);
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
        .envs(browser.env())
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
/// seed, words of a glossary definition found on the glossary page, words
/// of a recurring quotation on the quotations index, and words of a
/// person's identification on the indexes' page.
#[test]
fn search_works_from_file_urls() {
    let Some(node) = node_and_packages(&["playwright-core"]) else {
        return;
    };
    let Some(browser) = browser(&node) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temporary directory");
    let seed = common::build_repo_site(tmp.path());
    let english = common::edition("mini-en");
    let english_site = english.path().join("site");
    let built = common::build(english.path(), &english_site, &[]);
    assert!(built.status.success(), "{}", common::stderr(&built));
    let back = [
        "--glossary=提出的七条要求",
        "--quotations=决胜于千里之外",
        "--indexes=文中引其1975年整顿时",
    ];
    for (site, query, extra) in [
        (&seed, "运筹于帷幄之中", &back[..]),
        (&english_site, "emphasis", &[]),
    ] {
        let mut cmd = Command::new(&node);
        cmd.arg(browser_dir().join("check-search.mjs"))
            .arg(site)
            .arg(query)
            .args(extra)
            .envs(browser.env())
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
    let Some(browser) = browser(&node) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = common::build_repo_site(tmp.path());
    let mut cmd = Command::new(&node);
    cmd.arg(browser_dir().join("check-offline.mjs"))
        .arg(&site)
        .envs(browser.env())
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

/// "Cite this" (tests/browser/check-cite.mjs), from file:// and by
/// keyboard, in every theme for the Chinese fixture and in classic for the
/// English one: a paragraph's button opens a modal dialog whose reference
/// is exactly the one below (GB/T 7714-2015 with the paragraph's printed
/// pages, or Chicago style with its pages and address), Copy says what it
/// did (or selects the reference where the clipboard cannot be used),
/// Escape gives focus back, axe finds nothing serious; on a phone too.
#[test]
fn cite_this_gives_the_exact_reference_from_file_urls() {
    let Some(node) = node_and_packages(&["playwright-core", "axe-core"]) else {
        return;
    };
    let Some(browser) = browser(&node) else {
        return;
    };
    let zh = "作者甲. 办公室工作要做到“三个坚持”: 在座谈会上的讲话[M]//编者甲, 编者乙. 小文集. [出版地不详]: 测试出版社, 2022: 第1—2页, 第5段.";
    let en = "A. Speaker. “On Offices.” In A Small Edition, edited by A. Editor, pp. 7–8, para. 2. 2020. https://example.org/small/speech.html#p2.";
    let cases = [
        ("mini-zh", "classic", "jianghua.html", "p5", zh),
        ("mini-zh", "modern", "jianghua.html", "p5", zh),
        ("mini-zh", "vertical", "jianghua.html", "p5", zh),
        ("mini-en", "classic", "speech.html", "p2", en),
    ];
    for (fixture, theme, page, paragraph, expected) in cases {
        let edition = common::edition(fixture);
        let site = edition.path().join("site");
        let built = common::build(edition.path(), &site, &["--theme", theme]);
        assert!(built.status.success(), "{}", common::stderr(&built));
        run_script(
            &node,
            "check-cite.mjs",
            &site,
            &[page, paragraph, expected],
            &browser.env(),
        );
    }
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
    let Some(browser) = browser(&node) else {
        return;
    };
    for theme in ["modern", "vertical"] {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let site = build_repo_site_with_theme(tmp.path(), theme);
        run_script(&node, "check-themes.mjs", &site, &[theme], &browser.env());
    }
}

/// The geometry of every chapter page, in each theme, at phone and desktop
/// size, and on the desktop without JavaScript
/// (tests/browser/check-layout.mjs): no two text boxes overlap, every note
/// stands within three lines of its marker, opens in place or (without
/// JavaScript) stands in the line, no line starts with closing punctuation
/// or a note number, no title breaks inside a word, an interview answer's
/// further paragraphs hang with it, nothing overflows the window's width;
/// print.html on screen keeps its paragraph numbers in the window. The
/// fixtures add footnotes and English.
#[test]
fn chapter_layout_in_chromium() {
    let Some(node) = node_and_packages(&["playwright-core"]) else {
        return;
    };
    let Some(browser) = browser(&node) else {
        return;
    };
    let run = |site: &Path, theme: &str| {
        run_script(&node, "check-layout.mjs", site, &[theme], &browser.env());
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
    let Some(browser) = browser(&node) else {
        return;
    };
    for theme in ["classic", "modern", "vertical"] {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let site = build_repo_site_with_theme(tmp.path(), theme);
        let pages = html_pages(&site);
        let page = pages
            .iter()
            .find(|p| {
                let html = std::fs::read_to_string(p).unwrap_or_default();
                html.contains("class=\"quote-ref\"") && html.contains("class=\"term\"")
            })
            .expect("a page with a quotation and a term");
        let name = page.file_name().expect("name").to_string_lossy();
        run_script(&node, "check-reading.mjs", &site, &[&name], &browser.env());
    }
}

/// The site's HTML pages, in name order.
fn html_pages(site: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(site)
        .expect("site")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    pages
}

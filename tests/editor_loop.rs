//! The editor's loop as README.md promises it, judged from what the editor
//! sees: `zhushu serve --bind`, `--open` and `--drafts`; a theme or title
//! edit rendering every chapter again where a text edit renders one; the
//! build's progress bar on a terminal and nothing of it when piped.
//! tests/serve.rs has the server's requests and the live-reload stream.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// A running `zhushu serve`, killed when dropped, with its stderr lines.
struct Server {
    child: Child,
    base: String,
    lines: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The next stderr line that starts with `prefix`, within a minute.
    fn next(&self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                if line.starts_with(prefix) {
                    return line;
                }
                seen.push(line);
            }
        }
        panic!("zhushu serve never said “{prefix}…”:\n{}", seen.join("\n"));
    }
}

/// `zhushu serve --port 0 --root ROOT EXTRA…`, once it says where it listens.
fn serve(root: &Path, extra: &[&str], path: Option<&Path>) -> Server {
    let mut cmd = Command::new(common::zhushu_bin());
    cmd.args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut server = Server {
        child,
        base: String::new(),
        lines,
    };
    let serving = server.next("serving ");
    server.base = serving["serving ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    server
}

/// `GET path` from `base` (`http://host:port/`): the status and the body.
fn get(base: &str, path: &str) -> (u16, String) {
    let address = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, body.to_owned())
}

// Linux answers on all of 127.0.0.0/8; other systems have only 127.0.0.1
// unless told otherwise.
#[cfg(target_os = "linux")]
#[test]
fn serve_bind_listens_on_the_address_asked_for_and_only_there() {
    let edition = common::edition("mini-zh");
    let server = serve(edition.path(), &["--bind", "127.0.0.2"], None);
    assert!(
        server.base.starts_with("http://127.0.0.2:"),
        "{}",
        server.base
    );
    let (status, body) = get(&server.base, "/jianghua.html");
    assert_eq!(status, 200);
    assert!(body.contains("id=\"p1\""), "{body}");
    // Not on the default address at the same port.
    let port = server
        .base
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap();
    assert!(
        TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
        "127.0.0.1:{port} answers too"
    );
}

/// A stand-in for the desktop's opener (`xdg-open URL`): it writes the
/// address it was asked to open into `opened`.
fn fake_opener(dir: &Path) -> std::path::PathBuf {
    let opened = dir.join("opened");
    let script = dir.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    opened
}

#[cfg(target_os = "linux")]
#[test]
fn serve_open_opens_the_served_address_in_the_browser() {
    let edition = common::edition("mini-zh");
    let bin = tempfile::tempdir().unwrap();
    let opened = fake_opener(bin.path());
    let server = serve(edition.path(), &["--open"], Some(bin.path()));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !opened.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = std::fs::read_to_string(&opened).expect("--open ran the opener");
    assert_eq!(url.trim(), server.base);

    // Without --open, the opener is left alone (it would have run before
    // the first request was answered).
    let quiet = tempfile::tempdir().unwrap();
    let not_opened = fake_opener(quiet.path());
    let server = serve(edition.path(), &[], Some(quiet.path()));
    assert_eq!(get(&server.base, "/").0, 200);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !not_opened.exists(),
        "the browser was opened without --open"
    );
}

#[test]
fn serve_drafts_serves_the_draft_chapters_only_when_asked() {
    let edition = common::edition("mini-zh");
    let server = serve(edition.path(), &[], None);
    assert_eq!(get(&server.base, "/draft.html").0, 404);
    let (_, cover) = get(&server.base, "/");
    assert!(!cover.contains("draft.html"), "{cover}");
    drop(server);
    let server = serve(edition.path(), &["--drafts"], None);
    let (status, draft) = get(&server.base, "/draft.html");
    assert_eq!(status, 200);
    assert!(draft.contains("不应出现在网站里"), "{draft}");
    let (_, cover) = get(&server.base, "/");
    assert!(cover.contains("draft.html"), "{cover}");
}

/// (rendered, chapters) from serve's line `built N pages in T ms (R of C
/// chapters rendered[; quotations …])`.
fn rendered(line: &str) -> (usize, usize) {
    let inner = &line[line.rfind('(').unwrap() + 1..];
    let inner = inner.split(';').next().unwrap().trim_end_matches(')');
    let words: Vec<&str> = inner.split_whitespace().collect();
    assert_eq!(&words[1..], ["of", words[2], "chapters", "rendered"]);
    (words[0].parse().unwrap(), words[2].parse().unwrap())
}

#[test]
fn a_text_edit_renders_its_chapter_and_a_theme_or_title_edit_renders_them_all() {
    let edition = common::edition("mini-zh");
    let root = edition.path();
    let server = serve(root, &[], None);
    // The first build rendered everything; it was told before `serving`,
    // so the next `built` lines are the rebuilds.
    common::edit(
        root,
        "content/chapters/02-fangtan.md",
        "请谈谈工作内容。",
        "请谈谈工作内容吧。",
    );
    let built = server.next("built ");
    assert_eq!(rendered(&built), (1, 2));
    assert!(get(&server.base, "/fangtan.html").1.contains("工作内容吧"));
    // Quotations were carried over the edit, and are detected again once
    // the edits pause.
    assert!(built.contains("quotations carried over"), "{built}");
    let again = server.next("quotations detected again");
    assert!(again.ends_with("nothing changed"), "{again}");

    common::edit(
        root,
        "themes/classic/templates/chapter.html",
        "</nav>",
        "</nav>\n<p class=\"theme-edit\">主题改了</p>",
    );
    assert_eq!(rendered(&server.next("built ")), (2, 2));
    for chapter in ["/jianghua.html", "/fangtan.html"] {
        let (_, html) = get(&server.base, chapter);
        assert!(html.contains("主题改了"), "{chapter}: the theme edit shows");
    }

    // A chapter's title stands in every page's table of contents.
    common::edit(
        root,
        "content/chapters/02-fangtan.md",
        "title: 访谈录",
        "title: 访谈",
    );
    assert_eq!(rendered(&server.next("built ")), (2, 2));
    let (_, other) = get(&server.base, "/jianghua.html");
    assert!(
        other.contains("访谈<") && !other.contains("访谈录"),
        "{other}"
    );
}

// ---- The progress bar ----------------------------------------------------

/// An edition large enough that its build runs for well over the moment
/// after which the bar appears (300 ms; with paragraphs of 30 characters
/// a quiet machine built it in 284 ms, and the bar never showed): 2,000
/// chapters of eight paragraphs of 240 characters, text that does not
/// repeat (characters drawn by a fixed sequence), so that they have no
/// quotation in common for the detector to weigh.
fn large_edition() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let chapters = dir.path().join("content/chapters");
    std::fs::create_dir_all(&chapters).unwrap();
    std::fs::write(
        dir.path().join("content/edition.yaml"),
        "title: 大文集\nlanguage: zh-CN\n",
    )
    .unwrap();
    let mut state: u32 = 2026;
    let mut words = |len: usize| -> String {
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                char::from_u32(0x4e00 + (state >> 16) % 0x5000).unwrap()
            })
            .collect()
    };
    for n in 0..2000 {
        let body: String = (0..8)
            .map(|p| format!("第{n}篇第{p}段。{}。\n\n", words(240)))
            .collect();
        std::fs::write(
            chapters.join(format!("{n:05}.md")),
            format!("---\ntitle: 第{n}篇\nslug: c{n}\n---\n\n{body}"),
        )
        .unwrap();
    }
    common::copy_dir(
        &common::repo_root().join("themes"),
        &dir.path().join("themes"),
    );
    dir
}

/// Runs `zhushu build` with its stderr on a pseudo-terminal (as in a
/// terminal window) and returns all it wrote there.
#[cfg(target_os = "linux")]
fn build_on_a_terminal(root: &Path) -> String {
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut controller, mut terminal) = (-1, -1);
    // SAFETY: openpty writes two new descriptors into the integers given;
    // the null pointers ask for no name, default settings and size.
    let made = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(made, 0, "openpty failed");
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (controller, terminal) = unsafe {
        (
            std::fs::File::from(OwnedFd::from_raw_fd(controller)),
            OwnedFd::from_raw_fd(terminal),
        )
    };
    let mut child = Command::new(common::zhushu_bin())
        .args(["build", "--root"])
        .arg(root)
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(terminal))
        .spawn()
        .unwrap();
    // The child holds the terminal's only other copy: reading ends when it
    // exits (Linux then reports an error, EIO, instead of end of file).
    let reader = std::thread::spawn(move || {
        let mut controller = controller;
        let mut out = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = controller.read(&mut chunk) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
        }
        out
    });
    let status = child.wait().unwrap();
    let out = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    assert!(status.success(), "the build failed:\n{out}");
    out
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_build_shows_its_progress_on_a_terminal_and_not_when_piped() {
    let edition = large_edition();
    let on_terminal = build_on_a_terminal(edition.path());
    // The bar: redrawn in place, counting chapters out of the whole.
    assert!(
        on_terminal.contains("/2000 chapters"),
        "no progress bar on a terminal:\n{on_terminal:?}"
    );
    assert!(on_terminal.contains('\r') || on_terminal.contains("\u{1b}["));
    // Cleared at the end, leaving the summary.
    let last = on_terminal.trim_end().rsplit(['\r', '\n']).next().unwrap();
    assert!(
        last.trim_start_matches(|c: char| c != 'b')
            .starts_with("built 2000 chapters"),
        "{on_terminal:?}"
    );

    let piped = Command::new(common::zhushu_bin())
        .args(["build", "--root"])
        .arg(edition.path())
        .output()
        .unwrap();
    assert!(piped.status.success());
    let text = common::stderr(&piped);
    assert!(
        text.starts_with("built 2000 chapters") && text.lines().count() == 1,
        "piped, only the summary: {text:?}"
    );
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");

    let quiet = Command::new(common::zhushu_bin())
        .args(["build", "-q", "--root"])
        .arg(edition.path())
        .output()
        .unwrap();
    assert!(quiet.status.success() && quiet.stderr.is_empty());
}

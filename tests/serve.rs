//! `zhushu serve` as a real server: HTTP requests over TCP (paths that try
//! to leave the site among them), the live-reload event stream through an
//! edit and a broken build, and (with Chromium) a page that reloads itself.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `zhushu serve` on a copy of the fixture, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    edition: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(fixture: &str) -> Server {
    let edition = common::edition(fixture);
    let mut child = Command::new(common::zhushu_bin())
        .args(["serve", "--port", "0", "--root"])
        .arg(edition.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Killed and reaped when dropped, also if this function panics.
    let mut server = Server {
        child,
        base: String::new(),
        edition,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            if let Some(url) = line.strip_prefix("serving ") {
                server.base = url.split_whitespace().next().unwrap().to_owned();
                return server;
            }
            seen.push(line);
        }
    }
    panic!(
        "zhushu serve never said where it listens:\n{}",
        seen.join("\n")
    );
}

/// One raw HTTP/1.0 request, the path sent exactly as given.
fn get(base: &str, path: &str) -> (u16, String) {
    let (status, _, body) = get_with(base, path, "");
    (status, body)
}

/// A request with extra header lines; the status, the head, the body.
fn get_with(base: &str, path: &str, headers: &str) -> (u16, String, String) {
    let address = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {address}\r\n{headers}\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_owned(), body.to_owned())
}

/// The live-reload stream: events as they come, one string each.
fn events(base: &str) -> std::sync::mpsc::Receiver<String> {
    let address = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "GET /_zhushu/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        let mut event = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if line.is_empty() {
                if event.starts_with("event:") && tx.send(std::mem::take(&mut event)).is_err() {
                    return;
                }
                event.clear();
            } else {
                event.push_str(&line);
                event.push('\n');
            }
        }
    });
    rx
}

fn next_event(events: &std::sync::mpsc::Receiver<String>) -> String {
    events
        .recv_timeout(Duration::from_secs(60))
        .expect("an event within a minute")
}

#[test]
fn the_site_is_served_and_nothing_outside_it() {
    let server = serve("mini-zh");
    let (status, body) = get(&server.base, "/");
    assert_eq!(status, 200);
    assert!(body.contains("小文集"), "{body}");
    assert!(body.contains("<script src=\"/_zhushu/live.js?g=1\"></script>\n</body>"));
    let (status, body) = get(&server.base, "/jianghua.html#p1");
    assert_eq!(status, 200);
    assert!(body.contains("id=\"p1\""));
    assert_eq!(get(&server.base, "/static/style.css").0, 200);
    assert_eq!(get(&server.base, "/no-such-page.html").0, 404);

    // The edition's sources sit right beside the site.
    for path in [
        "/../content/edition.yaml",
        "/static/../../content/edition.yaml",
        "/%2e%2e/content/edition.yaml",
        "/%2E%2E%2Fcontent%2Fedition.yaml",
        "/static/%2e%2e/%2e%2e/content/edition.yaml",
        "/..%5ccontent%5cedition.yaml",
        "/%00",
    ] {
        let (status, body) = get(&server.base, path);
        assert_eq!(status, 403, "{path}: {body}");
    }
    #[cfg(unix)]
    {
        let site = server.edition.path().join("site");
        std::os::unix::fs::symlink(
            server.edition.path().join("content/edition.yaml"),
            site.join("leak.yaml"),
        )
        .unwrap();
        assert_eq!(get(&server.base, "/leak.yaml").0, 403);
    }
    assert_eq!(get(&server.base, "/.zhushu-site").0, 404);
    // Pages are never kept; a script or a style is, until it changes.
    let (_, head, _) = get_with(&server.base, "/", "");
    assert!(head.contains("Cache-Control: no-store"), "{head}");
    let (_, head, _) = get_with(&server.base, "/static/style.css", "");
    let tag = head
        .lines()
        .find_map(|l| l.strip_prefix("ETag: "))
        .expect("an ETag")
        .to_owned();
    let (status, _, body) = get_with(
        &server.base,
        "/static/style.css",
        &format!("If-None-Match: {tag}\r\n"),
    );
    assert_eq!((status, body.as_str()), (304, ""));
    let (status, _, _) = get_with(
        &server.base,
        "/static/style.css",
        "If-None-Match: \"stale\"\r\n",
    );
    assert_eq!(status, 200);
    let (status, worker) = get(&server.base, "/sw.js");
    assert_eq!(status, 200);
    assert!(
        worker.contains("unregister"),
        "while serving, no offline cache: {worker}"
    );
}

#[test]
fn an_edit_rebuilds_and_a_broken_build_is_reported_while_the_site_stays() {
    let server = serve("mini-zh");
    let chapter = server
        .edition
        .path()
        .join("content/chapters/01-jianghua.md");
    let stream = events(&server.base);
    // The first build has no site before it: everything changed.
    assert_eq!(next_event(&stream), "event: built\ndata: 1\ndata: *\n");

    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\n新加的一段。\n")).unwrap();
    let built = next_event(&stream);
    assert!(built.starts_with("event: built\ndata: 2\n"), "{built}");
    // The edited chapter's page changed; the other chapter's page and the
    // theme's files did not, so pages showing them need not reload.
    let changed: Vec<&str> = built.lines().skip(2).map(|l| &l[6..]).collect();
    assert!(changed.contains(&"jianghua.html"), "{built}");
    assert!(changed.contains(&"search-index.js"), "{built}");
    let others: Vec<String> = std::fs::read_dir(server.edition.path().join("site"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".html") && f != "jianghua.html" && f != "print.html")
        .collect();
    assert!(others.iter().any(|f| f != "index.html"), "{others:?}");
    for other in &others {
        assert!(
            !changed.contains(&other.as_str()),
            "{other} unchanged: {built}"
        );
    }
    assert!(!changed.iter().any(|f| f.starts_with("static/")), "{built}");
    let (_, page) = get(&server.base, "/jianghua.html");
    assert!(page.contains("新加的一段。"), "the edit is served");
    // The site it replaced is removed once the pages are told.
    let leftovers = || {
        std::fs::read_dir(server.edition.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|f| f.starts_with(".site."))
            .collect::<Vec<_>>()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !leftovers().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(leftovers(), Vec::<String>::new());

    std::fs::write(&chapter, text.replacen("title:", "title: [", 1)).unwrap();
    let failed = next_event(&stream);
    assert!(failed.starts_with("event: failed\ndata: 2\n"), "{failed}");
    assert!(
        failed.contains("data:  --> content/chapters/01-jianghua.md:2:"),
        "{failed}"
    );
    let (status, page) = get(&server.base, "/jianghua.html");
    assert_eq!(status, 200);
    assert!(
        page.contains("新加的一段。"),
        "the last good site is served"
    );

    std::fs::write(&chapter, &text).unwrap();
    let built = next_event(&stream);
    assert!(built.starts_with("event: built\ndata: 3\n"), "{built}");
    assert!(built.contains("\ndata: jianghua.html\n"), "{built}");
}

#[test]
fn only_this_machine_is_listened_to_by_default() {
    let server = serve("mini-zh");
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "{}",
        server.base
    );
}

#[test]
fn a_page_reloads_itself_after_an_edit() {
    let Some(node) = common::require_tool("node") else {
        return;
    };
    if common::require_tool("chromium").is_none() {
        return;
    }
    let modules = common::repo_root().join("tests/browser/node_modules/playwright-core");
    if common::require_path(
        &modules,
        "the npm package playwright-core of tests/browser",
        "npm ci --prefix tests/browser",
    )
    .is_none()
    {
        return;
    }
    let server = serve("mini-zh");
    let chapter: &Path = &server
        .edition
        .path()
        .join("content/chapters/01-jianghua.md");
    let mut cmd = Command::new(node);
    cmd.arg(common::repo_root().join("tests/browser/check-serve.mjs"))
        .arg(&server.base)
        .arg(chapter);
    let run = common::run_with_timeout(&mut cmd, Duration::from_secs(300));
    print!("{}", run.output());
    assert!(run.success(), "{}", run.output());
}

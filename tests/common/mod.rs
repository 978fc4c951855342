//! Helpers shared by the integration tests: finding the outside tools a test
//! needs (node, chromium, java, ...), skipping when they are absent, building
//! the repository's own edition with the zhushu binary, and running a command
//! with a time limit.
//!
//! A test file uses them with `mod common;`.
//!
//! When a tool is missing, a test prints
//! `SKIPPED: <test>: <what is missing>; <how to install it>` to stderr and
//! returns, unless the environment variable `ZHUSHU_REQUIRE_TOOLS=1` is set
//! (as CI does), in which case the absence fails the test.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::env;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The environment variable that turns a missing tool into a failure.
pub const REQUIRE_TOOLS_VAR: &str = "ZHUSHU_REQUIRE_TOOLS";

/// The repository's root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The zhushu binary that cargo built for this test run.
pub fn zhushu_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zhushu"))
}

/// Whether `ZHUSHU_REQUIRE_TOOLS` asks for every tool to be present
/// (set to anything but empty, `0`, `false` or `no`).
pub fn tools_required() -> bool {
    match env::var(REQUIRE_TOOLS_VAR) {
        Ok(v) => !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "no"
        ),
        Err(_) => false,
    }
}

/// The name of the running test: libtest names each test's thread after it.
pub fn test_name() -> String {
    thread::current()
        .name()
        .filter(|n| *n != "main")
        .unwrap_or("unknown test")
        .to_string()
}

/// Reports that something a test needs is missing: fails the test (panics)
/// when [`tools_required`], otherwise prints `SKIPPED: ...` to stderr and
/// returns, so that the caller can `return`.
pub fn skip(missing: &str, how_to_install: &str) {
    let line = format!("{}: {missing}; {how_to_install}", test_name());
    if tools_required() {
        panic!("{line} ({REQUIRE_TOOLS_VAR} is set, so a missing tool is a failure)");
    }
    // Straight to the process's stderr: libtest captures eprintln!, and a
    // skip must be seen in a plain `cargo test` run.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {line}");
    record_skip(&line);
}

/// Where this `cargo test` run's skips are listed, for tests/zz_skipped.rs
/// to repeat at the end of the run: one file per run, named by the process
/// that runs the test binaries (cargo), which is the same for all of them.
pub fn skip_record() -> PathBuf {
    let run = {
        #[cfg(unix)]
        {
            std::os::unix::process::parent_id()
        }
        #[cfg(not(unix))]
        {
            0
        }
    };
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("skipped")
        .join(format!("run-{run}.txt"))
}

fn record_skip(line: &str) {
    let path = skip_record();
    let _ = std::fs::create_dir_all(path.parent().unwrap());
    // One short line in append mode: tests that skip at once do not mix.
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        // The test's file too: the test's name alone may stand in several.
        let file_name = concat!("tests/", env!("CARGO_CRATE_NAME"), ".rs");
        let _ = file.write_all(format!("{file_name}: {line}\n").as_bytes());
    }
}

/// The environment variable that names a tool's binary, overriding PATH.
fn override_var(tool: &str) -> Option<&'static str> {
    match tool {
        "chromium" => Some("CHROMIUM"),
        "java" => Some("JAVA"),
        "node" => Some("NODE"),
        _ => None,
    }
}

/// How to install a tool on Debian, for the SKIPPED line.
pub fn install_hint(tool: &str) -> String {
    match tool {
        "chromium" => "install it with `apt-get install chromium fonts-noto-cjk` \
                       (or point CHROMIUM at a Chromium binary)"
            .to_string(),
        "java" => "install it with `apt-get install default-jre-headless` (or point JAVA at a java binary)"
            .to_string(),
        "pdftotext" | "pdfinfo" => {
            "install it with `apt-get install poppler-utils`".to_string()
        }
        "jing" => "install it with `apt-get install jing`".to_string(),
        "node" | "npm" => {
            "install Node.js 20 or newer with npm (Debian: `apt-get install nodejs npm`)".to_string()
        }
        other => format!("install `{other}` and put it on PATH"),
    }
}

fn is_executable(p: &Path) -> bool {
    match p.metadata() {
        Ok(m) if m.is_file() => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                m.permissions().mode() & 0o111 != 0
            }
            #[cfg(not(unix))]
            {
                true
            }
        }
        _ => false,
    }
}

/// Finds a tool: the binary named by its override variable (`CHROMIUM`,
/// `JAVA`, `NODE`) if set, else `name` on PATH. For chromium, the names
/// `chromium-browser` and `/usr/bin/chromium` are tried too.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    if let Some(var) = override_var(name)
        && let Some(v) = env::var_os(var).filter(|v| !v.is_empty())
    {
        let p = PathBuf::from(&v);
        if p.components().count() > 1 {
            return is_executable(&p).then_some(p);
        }
        return search_path(&v);
    }
    let mut candidates = vec![name];
    if name == "chromium" {
        candidates.push("chromium-browser");
    }
    for c in candidates {
        if let Some(p) = search_path(OsStr::new(c)) {
            return Some(p);
        }
    }
    if name == "chromium" {
        let p = PathBuf::from("/usr/bin/chromium");
        if is_executable(&p) {
            return Some(p);
        }
    }
    None
}

fn search_path(name: &OsStr) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// Finds a tool as [`find_tool`] does; when it is absent, reports it with
/// [`skip`] (a failure under `ZHUSHU_REQUIRE_TOOLS=1`) and returns `None`.
///
/// ```ignore
/// let Some(chromium) = common::require_tool("chromium") else { return };
/// ```
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = find_tool(name);
    if found.is_none() {
        let what = match override_var(name) {
            Some(var) if env::var_os(var).is_some_and(|v| !v.is_empty()) => format!(
                "`{name}` not found at {var}={}",
                env::var_os(var).unwrap_or_default().to_string_lossy()
            ),
            _ => format!("`{name}` not found on PATH"),
        };
        skip(&what, &install_hint(name));
    }
    found
}

/// Checks that a file or directory a test needs exists (for example
/// `tests/browser/node_modules`); when not, reports it with [`skip`] and
/// returns `None`.
pub fn require_path(path: &Path, what: &str, how_to_install: &str) -> Option<PathBuf> {
    if path.exists() {
        Some(path.to_path_buf())
    } else {
        skip(
            &format!("{what} ({}) is missing", path.display()),
            how_to_install,
        );
        None
    }
}

/// What a finished command did.
pub struct Run {
    pub status: Option<ExitStatus>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn success(&self) -> bool {
        !self.timed_out && self.status.is_some_and(|s| s.success())
    }

    /// Both streams, for an assertion message.
    pub fn output(&self) -> String {
        let mut s = String::new();
        if !self.stdout.trim().is_empty() {
            s.push_str("--- stdout ---\n");
            s.push_str(&self.stdout);
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        if !self.stderr.trim().is_empty() {
            s.push_str("--- stderr ---\n");
            s.push_str(&self.stderr);
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        s
    }

    pub fn describe_status(&self) -> String {
        if self.timed_out {
            format!("killed after {:.0?} (time limit)", self.elapsed)
        } else {
            match self.status {
                Some(s) => format!("{s}"),
                None => "no exit status".to_string(),
            }
        }
    }
}

/// Runs a command to completion with both outputs captured, killing it when
/// it outlives `limit`.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Run {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if started.elapsed() > limit => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for {cmd:?}: {e}"),
        }
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Run {
        status,
        timed_out,
        stdout,
        stderr,
        elapsed: started.elapsed(),
    }
}

/// Builds the repository's own edition with the zhushu binary into
/// `<dir>/site` and returns that path (`zhushu build --root <repo root>
/// --output <dir>/site -q`). Panics, with zhushu's output, when the build
/// fails or leaves no index.html.
pub fn build_repo_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    let mut cmd = Command::new(zhushu_bin());
    cmd.arg("build")
        .arg("--root")
        .arg(repo_root())
        .arg("--output")
        .arg(&site)
        .arg("-q");
    let run = run_with_timeout(&mut cmd, Duration::from_secs(300));
    assert!(
        run.success(),
        "`zhushu build --root {} --output {} -q` failed: {}\n{}",
        repo_root().display(),
        site.display(),
        run.describe_status(),
        run.output()
    );
    assert!(
        site.join("index.html").is_file(),
        "zhushu build made no index.html in {}\n{}",
        site.display(),
        run.output()
    );
    site
}

// ---- Running the binary on fixture editions -----------------------------

pub fn zhushu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhushu"))
        .args(args)
        .output()
        .expect("the zhushu binary runs")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fixture edition in a fresh folder, with the repository's themes.
pub fn edition(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_root().join("tests/fixtures").join(fixture),
        dir.path(),
    );
    copy_dir(&repo_root().join("themes"), &dir.path().join("themes"));
    dir
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn build(root: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    zhushu(&args)
}

/// Replaces the first `from` in `root/file` by `to`; panics if the file
/// has no `from`, so that a test never breaks nothing.
pub fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

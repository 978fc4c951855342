//! `zhushu-bench serve`: the editor's loop, timed. A copy of a synthetic
//! corpus is served by `zhushu serve`; one chapter is edited again and
//! again (a new paragraph at the top of its body, as
//! tests/browser/bench-serve.mjs edits), with a pause between edits; serve's
//! own lines say how long each rebuild took (`built … in N ms`) and how long
//! the detection that follows took (`quotations detected again in N ms`).
//! The server's peak RSS is read from /proc before it is stopped.
//!
//! What a reader waits for in a browser (the event and the page's reload)
//! is timed by bench-serve.mjs; this needs no browser.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::CorpusKind;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// What the corpus is written in.
    #[arg(long, value_enum, default_value_t = CorpusKind::Formulaic)]
    kind: CorpusKind,
    /// Its size, in chapters.
    #[arg(long, default_value_t = 1000)]
    chapters: usize,
    /// How many edits.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    edits: u32,
    /// Seconds between edits: long enough for the detection that follows
    /// an edit to end, or short enough to stop it.
    #[arg(long, default_value_t = 3.0)]
    gap: f64,
    /// The zhushu binary [default: target/release/zhushu].
    #[arg(long)]
    zhushu: Option<PathBuf>,
    /// Where corpora go [default: target/bench].
    #[arg(long)]
    work: Option<PathBuf>,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = crate::synth::DEFAULT_SEED)]
    seed: u64,
}

/// The milliseconds in `built 1004 pages in 131 ms (…)` or `quotations
/// detected again in 420 ms: …`, after `prefix`.
fn millis_after(line: &str, prefix: &str) -> Option<u64> {
    let rest = line.strip_prefix(prefix)?;
    let at = rest.find(" in ")? + 4;
    rest[at..].split_whitespace().next()?.parse().ok()
}

/// The next line of serve's stderr that starts with `prefix`, within
/// `timeout`.
fn next_line(lines: &Receiver<String>, prefix: &str, timeout: Duration) -> Result<String, String> {
    let deadline = Instant::now() + timeout;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.starts_with(prefix) => return Ok(line),
            Ok(line) if line.contains("error") => return Err(format!("zhushu serve: {line}")),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Err(format!("zhushu serve never said “{prefix}…”"))
}

/// `VmHWM` of process `pid`, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The chapter file edited: the first in name order.
fn first_chapter(root: &Path) -> Result<PathBuf, String> {
    crate::hugo::chapter_files(root)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("no chapter in {}", root.join("content/chapters").display()))
}

/// `text` with a new paragraph at the top of its body, on the line after
/// the front matter's closing `---` (as bench-serve.mjs writes it).
fn with_paragraph(text: &str, n: u32) -> String {
    let body = text
        .get(4..)
        .and_then(|t| t.find("\n---"))
        .map_or(0, |i| i + 8);
    format!("{}\n第{n}次改动。\n{}", &text[..body], &text[body..])
}

fn median(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or(0)
}

pub fn serve(args: &ServeArgs) -> Result<ExitCode, String> {
    let zhushu = crate::resolve_zhushu(args.zhushu.as_deref())?;
    let work = crate::work_dir(args.work.as_deref())?;
    let corpus = crate::ensure_corpus(args.kind, args.chapters, args.seed, &work)?;
    // A copy, so that the edits never touch the cached corpus.
    let root = work.join(format!("serve-{}", args.kind.folder(args.chapters)));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&corpus.join("content"), &root.join("content"))?;
    copy_dir(&crate::project_dir().join("themes"), &root.join("themes"))?;
    let chapter = first_chapter(&root)?;
    let original = std::fs::read_to_string(&chapter).map_err(|e| e.to_string())?;

    let mut child = Command::new(&zhushu)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", zhushu.display()))?;
    let stderr = child.stderr.take().expect("piped");
    let (tx, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let result = edit_and_time(args, &lines, &chapter, &original, child.id());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&root);
    result
}

fn edit_and_time(
    args: &ServeArgs,
    lines: &Receiver<String>,
    chapter: &Path,
    original: &str,
    pid: u32,
) -> Result<ExitCode, String> {
    let first = next_line(lines, "built ", Duration::from_secs(600))?;
    next_line(lines, "serving ", Duration::from_secs(10))?;
    println!("first build: {first}");
    let (mut rebuilds, mut detections) = (Vec::new(), Vec::new());
    let gap = Duration::from_secs_f64(args.gap);
    let mut text = original.to_owned();
    for n in 1..=args.edits {
        text = with_paragraph(&text, n);
        std::fs::write(chapter, &text).map_err(|e| e.to_string())?;
        let edited = Instant::now();
        let built = next_line(lines, "built ", Duration::from_secs(120))?;
        let told = edited.elapsed();
        rebuilds.push(millis_after(&built, "built ").unwrap_or(0));
        println!("edit {n}: {built} (edit to built: {} ms)", told.as_millis());
        // The detection that follows, if it ends before the next edit.
        let deadline = edited + gap;
        let left = deadline.saturating_duration_since(Instant::now());
        if let Ok(line) = next_line(lines, "quotations detected again", left) {
            detections.push(millis_after(&line, "quotations detected again").unwrap_or(0));
            println!("        {line}");
        }
        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
    }
    let peak = peak_rss_kib(pid).map_or("?".to_owned(), |k| (k / 1024).to_string());
    println!(
        "\n{} of {} chapters, {} edits {:.1} s apart: rebuild median {} ms (min {}, max {}); \
         detection again median {} ms in {} of {}; serve's peak RSS {peak} MiB",
        args.kind.name(),
        args.chapters,
        args.edits,
        args.gap,
        median(&rebuilds),
        rebuilds.iter().min().unwrap_or(&0),
        rebuilds.iter().max().unwrap_or(&0),
        median(&detections),
        detections.len(),
        args.edits,
    );
    Ok(ExitCode::SUCCESS)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_lines_give_their_milliseconds() {
        let built = "built 1004 pages in 131 ms (1 of 1000 chapters rendered)";
        assert_eq!(millis_after(built, "built "), Some(131));
        let again = "quotations detected again in 420 ms: nothing changed";
        assert_eq!(millis_after(again, "quotations detected again"), Some(420));
        assert_eq!(millis_after("serving http://x/", "built "), None);
    }

    #[test]
    fn a_paragraph_goes_after_the_front_matter() {
        let text = "---\ntitle: T\n---\n\n正文。\n";
        assert_eq!(
            with_paragraph(text, 2),
            "---\ntitle: T\n---\n第2次改动。\n\n\n正文。\n"
        );
    }
}

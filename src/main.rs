//! The command line: parses arguments, calls the library, prints. Nothing
//! else happens here.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

// A build allocates and frees millions of small strings and events from
// several threads at once; mimalloc does that faster than the system
// allocator (about a tenth of a large build's time, see BENCHMARKS.md).
// Built without transparent huge pages (`no_thp` in Cargo.toml): where the
// system grants them on request, every page mimalloc purges and takes back
// is a 2 MiB page cleared by the kernel, which cost a 10,000-piece build a
// third of its time (11.6 s -> 7.6 s) and 50 MiB of peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (the same index in mimalloc 2 and 3): how long
/// freed memory waits before it goes back to the system.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system after 30 ms instead of 10: a
/// build frees each stage's tables before the next allocates its own, and
/// every page given back too soon is faulted in and cleared again by the
/// next (a 10,000-piece render's pages, made one after another). At 1 ms
/// one 2 MB paragraph peaked at 57 MB instead of 127; at 30 ms, against
/// 1 ms, a 10,000-piece build takes 8-9 % less time for 10 MB more at its
/// peak (BENCHMARKS.md, "The allocator's purge delay").
fn tune_allocator() {
    // Safety: set once, at the start of `main`, before any other thread
    // exists (the function is not thread safe).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 30) };
}

/// A report piped into `head` (`zhushu quotations review --format json |
/// head`) ends as other command-line tools do when the reader stops: the
/// process is ended by SIGPIPE, quietly, rather than panicking in
/// `println!`. Rust ignores SIGPIPE so that a write to a closed socket is
/// an error, which `serve` (its browsers) and `pdf` (Chromium's pipes)
/// need: they keep it ignored.
fn quit_quietly_on_a_closed_pipe() {
    // Safety: set once, at the start of `main`, before any other thread
    // exists.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[derive(Parser)]
#[command(name = "zhushu", version, about = "注疏 — build annotated digital editions", long_about = None)]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what each stage did and how long it took.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PaperArg {
    #[value(name = "A4")]
    A4,
    #[value(name = "A5")]
    A5,
    #[value(name = "Letter")]
    Letter,
}

/// Which edition, in which theme, with or without drafts: the same three
/// options for every command that builds.
#[derive(clap::Args)]
struct EditionArgs {
    /// The edition's folder (the one holding content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Theme to use [default: `theme` in content/edition.yaml].
    #[arg(long)]
    theme: Option<String>,
    /// Include chapters marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the edition in content/ into a static site.
    Build {
        #[command(flatten)]
        edition: EditionArgs,
        /// Where to write the site [default: ROOT/site]. zhushu only ever
        /// replaces a folder it made itself.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Public address of the site, for sitemap.xml and the pages' citation metadata [default: `base_url`
        /// in content/edition.yaml].
        #[arg(long)]
        base_url: Option<String>,
        /// Write the edition as one TEI P5 document into the site too,
        /// edition.tei.xml (as `options: {tei: true}` in edition.yaml does).
        #[arg(long)]
        tei: bool,
    },
    /// Turn a raw compilation (text extracted from a PDF) into content/.
    Import {
        /// The UTF-8 text file.
        source: PathBuf,
        /// The edition's folder: import writes its content/ (and, in a new
        /// folder, copies the classic theme beside it). A folder that is
        /// itself a content folder (it holds edition.yaml) is written into
        /// as it is.
        #[arg(long, default_value = ".")]
        into: PathBuf,
        /// Show what would be written, and the report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace chapters edited since the last import (each edited file
        /// is backed up under source/backup/ first).
        #[arg(long)]
        force: bool,
        /// Write the full report (every judgement, with source lines) here.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Make the EPUB only (the build writes it into the site as well).
    Epub {
        /// The edition's folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the EPUB [default: the edition's title as a slug, .epub].
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Write the edition as one TEI P5 document: header, pieces, notes,
    /// emendations, page breaks, quotations, glossary.
    Tei {
        /// The edition's folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include chapters marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Where to write it [default: ROOT/edition.tei.xml].
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Build, serve the site on this machine, and rebuild and reload the
    /// open pages whenever content/ or themes/ change.
    Serve {
        #[command(flatten)]
        edition: EditionArgs,
        /// Where to write the site [default: ROOT/site].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on. Only this machine can connect to the
        /// default; another address (0.0.0.0) opens the site to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Check the edition as the build would, and more, reporting every
    /// problem at once; writes nothing. Exits 1 if there is an error.
    Check {
        #[command(flatten)]
        edition: EditionArgs,
        /// `human` (for a terminal) or `json` (one object, for editors' tools).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the print edition (print.html) to PDF with headless Chromium.
    Pdf {
        #[command(flatten)]
        edition: EditionArgs,
        /// Paper size.
        #[arg(long, value_enum, default_value_t = PaperArg::A5)]
        paper: PaperArg,
        /// Where to write the PDF [default: the edition's title as a slug, .pdf].
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Work with the glossary (content/glossary.yaml).
    Glossary {
        #[command(subcommand)]
        action: GlossaryAction,
    },
    /// Work with the index of persons and places (content/index.yaml).
    Index {
        #[command(subcommand)]
        action: IndexAction,
    },
    /// Work with recurring quotations and the editor's decisions about
    /// them (content/quotations.yaml).
    Quotations {
        #[command(subcommand)]
        action: QuotationsAction,
    },
    /// Make a new, small edition that builds as it is.
    New {
        /// Folder to create (must be new or empty).
        dir: PathBuf,
        /// Language of the example content (BCP 47): Chinese (zh, zh-CN,
        /// zh-Hant, ...) or English (en, en-GB, ...); others are refused.
        #[arg(long, default_value = "zh-CN")]
        language: String,
    },
}

#[derive(Subcommand)]
enum GlossaryAction {
    /// Suggest terms the text coins (numeric formulas, short quoted
    /// coinages, recurring capitalised phrases), ranked, with counts and
    /// chapters; terms already defined are left out.
    Suggest {
        /// The edition's folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How many to show.
        #[arg(long, default_value_t = 40)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum IndexAction {
    /// Suggest persons and places the text names (names before posts and
    /// titles, place names before administrative suffixes, authors and
    /// interview particulars, capitalised names in English), ranked, with
    /// counts and chapters; names content/index.yaml already has are left
    /// out.
    Suggest {
        /// The edition's folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How many to show.
        #[arg(long, default_value_t = 60)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum QuotationsAction {
    /// List every cluster after the editor's decisions, most doubtful
    /// first: kind, doubt, evidence, origin, every place with its words,
    /// and the entries for content/quotations.yaml that would reject or
    /// merge it.
    Review {
        /// The edition's folder (the one holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include chapters marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// `text` (for people) or `json` (one object, for tools).
        #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
        format: ReviewFormat,
        /// List this many of the recurring words the detector refused,
        /// nearest the bar first, each with the entry that accepts it (0:
        /// none, and a faster review).
        #[arg(long, value_name = "N", default_value_t = 10)]
        near_misses: usize,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReviewFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. } | Command::Pdf { .. }) {
        quit_quietly_on_a_closed_pipe();
    }
    match run(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> zhushu::Result<ExitCode> {
    match &cli.command {
        Command::Build {
            edition,
            output,
            base_url,
            tei,
        } => {
            let bar = (!cli.quiet).then(progress_bar);
            let options = zhushu::BuildOptions {
                root: edition.root.clone(),
                output: output.clone(),
                theme: edition.theme.clone(),
                base_url: base_url.clone(),
                drafts: edition.drafts,
                tei: *tei,
                progress: bar.as_ref().map(|(sink, _)| sink.clone()),
                memory: None,
                carry_quotations: false,
                leave_previous_site: false,
            };
            // Told before the build, which may yet fail.
            for notice in zhushu::build::prepare_output(&options)? {
                note(cli, &notice);
            }
            let report = zhushu::build(&options);
            if let Some((_, bar)) = &bar {
                bar.finish_and_clear();
            }
            let report = report?;
            for notice in &report.notices {
                note(cli, notice);
            }
            if cli.verbose {
                print_timings(&report.timings);
                if let Some(bytes) = zhushu::memory::peak() {
                    eprintln!(
                        "    peak: {:.1} MiB resident",
                        bytes as f64 / (1 << 20) as f64
                    );
                }
            }
            if !cli.quiet {
                let total: f64 = report.timings.iter().map(|(_, t)| t.as_secs_f64()).sum();
                eprintln!(
                    "built {} ({}, {}) into {} in {:.0} ms",
                    count(report.chapters, "chapter"),
                    count(report.pages, "page"),
                    count(report.static_files, "static file"),
                    report.output.display(),
                    total * 1000.0
                );
            }
        }
        Command::Import {
            source,
            into,
            dry_run,
            force,
            report,
        } => {
            // `--into` names the edition's root, like `--root` everywhere
            // else; a content folder given as before is still understood.
            let is_content_folder =
                into.join("edition.yaml").is_file() && !into.join("content").exists();
            let content = if is_content_folder {
                into.clone()
            } else {
                into.join("content")
            };
            let outcome = zhushu::import::import(&zhushu::import::ImportOptions {
                source: source.clone(),
                into: content.clone(),
                dry_run: *dry_run,
                force: *force,
            })?;
            let theme_copied =
                !*dry_run && !is_content_folder && zhushu::scaffold::write_classic_theme(into)?;
            if let Some(path) = report {
                std::fs::write(path, &outcome.report)
                    .map_err(|e| zhushu::Error::io("write", path, e))?;
            }
            if *dry_run {
                println!("{}", outcome.report);
            } else if !cli.quiet {
                let kept = outcome
                    .files
                    .iter()
                    .filter(|f| {
                        matches!(
                            f.action,
                            zhushu::import::Action::KeepEdited | zhushu::import::Action::KeepStale
                        )
                    })
                    .count();
                eprintln!(
                    "imported {} into {}: {} judgements, {} emendations{}",
                    count(outcome.pieces, "piece"),
                    content.display(),
                    outcome.judgements,
                    outcome.emendations,
                    if report.is_some() {
                        "; see the report"
                    } else {
                        " (--report FILE lists them)"
                    }
                );
                if kept > 0 {
                    eprintln!(
                        "kept {} edited since the last import (--force replaces them, after a backup)",
                        count(kept, "file")
                    );
                }
                if theme_copied {
                    eprintln!(
                        "copied the classic theme into {}; build the edition with: zhushu build --root {}",
                        into.join("themes").display(),
                        into.display()
                    );
                }
                if cli.verbose {
                    for f in &outcome.files {
                        eprintln!("  {:?}: {}", f.action, f.path);
                    }
                }
            }
        }
        Command::Glossary {
            action: GlossaryAction::Suggest { root, limit },
        } => {
            let edition = zhushu::load::load(root, false)?;
            let glossary = zhushu::enrich::glossary::load(root)?;
            let candidates = zhushu::enrich::glossary::suggest(&edition, glossary.as_ref());
            println!("count\tchapters\tkind\tcandidate\tin");
            for c in candidates.iter().take(*limit) {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    c.count,
                    c.chapters.len(),
                    c.kind,
                    c.text,
                    c.chapters.join(", ")
                );
            }
        }
        Command::Index {
            action: IndexAction::Suggest { root, limit },
        } => {
            let edition = zhushu::load::load(root, false)?;
            let index = zhushu::enrich::indexes::load(root)?;
            let candidates = zhushu::enrich::indexes::suggest(&edition, index.as_ref());
            println!("count\tchapters\tkind\tcandidate\twhy\tin");
            for c in candidates.iter().take(*limit) {
                let kind = match c.kind {
                    zhushu::enrich::indexes::Kind::Person => "person",
                    zhushu::enrich::indexes::Kind::Place => "place",
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    c.count,
                    c.chapters.len(),
                    kind,
                    c.text,
                    c.reason,
                    c.chapters.join(", ")
                );
            }
        }
        Command::Quotations {
            action:
                QuotationsAction::Review {
                    root,
                    drafts,
                    format,
                    near_misses,
                },
        } => {
            let review = zhushu::review::review(root, *drafts, *near_misses)?;
            match format {
                ReviewFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&review).expect("a review serialises")
                ),
                ReviewFormat::Text => print!("{}", review.text()),
            }
        }
        Command::Tei {
            root,
            drafts,
            output,
        } => {
            let written = zhushu::build::tei_only(root, *drafts, output.as_deref())?;
            if !cli.quiet {
                eprintln!("wrote {}", written.display());
            }
        }
        Command::Epub { root, output } => {
            let written = zhushu::build::epub_only(root, output.as_deref())?;
            if !cli.quiet {
                eprintln!("wrote {}", written.display());
            }
        }
        Command::Serve {
            edition,
            output,
            port,
            bind,
            open,
        } => {
            let quiet = cli.quiet;
            let verbose = cli.verbose;
            let open = *open;
            let report = move |event: zhushu::serve::ServeEvent| match event {
                zhushu::serve::ServeEvent::Listening(url) => {
                    eprintln!("serving {url} (Ctrl-C to stop)");
                    if open {
                        open_in_browser(url);
                    }
                }
                zhushu::serve::ServeEvent::Built {
                    pages,
                    rendered: (rendered, chapters),
                    took,
                    quotations,
                    timings,
                } => {
                    if verbose {
                        print_timings(timings);
                    }
                    if !quiet {
                        let carried = match quotations {
                            zhushu::build::QuotationPass::Carried => {
                                "; quotations carried over, to be detected again"
                            }
                            _ => "",
                        };
                        eprintln!(
                            "built {pages} pages in {} ms ({rendered} of {chapters} chapters rendered{carried})",
                            took.as_millis()
                        );
                    }
                }
                zhushu::serve::ServeEvent::Redetected { changed, took } => {
                    if !quiet {
                        let changed = match changed {
                            0 => "nothing changed".to_owned(),
                            usize::MAX => "every file changed".to_owned(),
                            1 => "1 file changed".to_owned(),
                            n => format!("{n} files changed"),
                        };
                        eprintln!(
                            "quotations detected again in {} ms: {changed}",
                            took.as_millis()
                        );
                    }
                }
                zhushu::serve::ServeEvent::Failed { error, served } => {
                    if served {
                        eprintln!("{error}\n(the last good site is still served)");
                    } else {
                        eprintln!("{error}");
                    }
                }
                zhushu::serve::ServeEvent::Notice(notice) => {
                    if !quiet {
                        eprintln!("note: {notice}");
                    }
                }
            };
            zhushu::serve::serve(
                &zhushu::serve::ServeOptions {
                    build: zhushu::BuildOptions {
                        root: edition.root.clone(),
                        output: output.clone(),
                        theme: edition.theme.clone(),
                        base_url: None,
                        drafts: edition.drafts,
                        ..Default::default()
                    },
                    address: std::net::SocketAddr::new(*bind, *port),
                },
                &report,
            )?;
        }
        Command::Check { edition, format } => {
            let found = zhushu::check::check(&zhushu::check::CheckOptions {
                root: edition.root.clone(),
                theme: edition.theme.clone(),
                drafts: edition.drafts,
            });
            let errors = found
                .iter()
                .filter(|d| d.severity == zhushu::check::Severity::Error)
                .count();
            let warnings = found.len() - errors;
            match format {
                Format::Json => {
                    let list: Vec<zhushu::check::JsonDiagnostic> =
                        found.iter().map(Into::into).collect();
                    let report = serde_json::json!({
                        "errors": errors,
                        "warnings": warnings,
                        "diagnostics": list,
                    });
                    println!("{report:#}");
                }
                Format::Human => {
                    for diagnostic in &found {
                        if cli.quiet && diagnostic.severity == zhushu::check::Severity::Warning {
                            continue;
                        }
                        eprintln!(
                            "{}
",
                            diagnostic.render()
                        );
                    }
                    if !cli.quiet {
                        eprintln!(
                            "checked {}: {errors} error{}, {warnings} warning{}",
                            edition.root.display(),
                            if errors == 1 { "" } else { "s" },
                            if warnings == 1 { "" } else { "s" }
                        );
                    }
                }
            }
            if errors > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Pdf {
            edition,
            paper,
            output,
        } => {
            let report = zhushu::pdf::pdf(&zhushu::pdf::PdfOptions {
                root: edition.root.clone(),
                theme: edition.theme.clone(),
                drafts: edition.drafts,
                paper: match paper {
                    PaperArg::A4 => zhushu::pdf::Paper::A4,
                    PaperArg::A5 => zhushu::pdf::Paper::A5,
                    PaperArg::Letter => zhushu::pdf::Paper::Letter,
                },
                output: output.clone(),
            })?;
            if !cli.quiet {
                eprintln!(
                    "wrote {} ({} pages, printed {} times)",
                    report.output.display(),
                    report.pages,
                    report.prints
                );
            }
        }
        Command::New { dir, language } => {
            zhushu::scaffold::new_edition(dir, language)?;
            if !cli.quiet {
                eprintln!(
                    "made a new edition in {0}; build it with: zhushu build --root {0}",
                    dir.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Something the build did beside the site, worth a line unless `-q`.
fn note(cli: &Cli, notice: &str) {
    if !cli.quiet {
        eprintln!("note: {notice}");
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Each stage's time, as `-v` asks.
fn print_timings(timings: &[(&'static str, std::time::Duration)]) {
    for (stage, time) in timings {
        eprintln!("{stage:>8}: {:.1} ms", time.as_secs_f64() * 1000.0);
    }
}

/// Best effort: the platform's opener, and a word if there is none.
fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not run {opener}: open {url} yourself");
    }
}

/// A progress bar on stderr for a build: the stage, then the chapters
/// rendered. indicatif draws nothing when stderr is not a terminal, and
/// the bar appears only once a build has run for a moment, so that a small
/// edition's build prints just its summary.
fn progress_bar() -> (zhushu::build::ProgressSink, indicatif::ProgressBar) {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:>10} [{bar:30}] {pos}/{len} chapters")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let handle = bar.clone();
    let sink = zhushu::build::ProgressSink(std::sync::Arc::new(move |progress| {
        if !shown.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed() > std::time::Duration::from_millis(300)
        {
            shown.store(true, std::sync::atomic::Ordering::Relaxed);
            handle.set_draw_target(ProgressDrawTarget::stderr());
        }
        match progress {
            zhushu::build::Progress::Stage(stage) => handle.set_message(stage),
            zhushu::build::Progress::Chapters { done, total } => {
                handle.set_length(total as u64);
                handle.set_position(done as u64);
            }
        }
    }));
    (sink, bar)
}

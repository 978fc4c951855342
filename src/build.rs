//! `zhushu build`: load, render, write — and nothing written unless all of
//! it succeeded.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostic::{Error, Result};
use crate::output::Staging;
use crate::render::tei::{self, TeiInput};
use crate::render::{offline, pages, sitemap};
use crate::{enrich, load, theme};
use std::sync::Mutex;

/// What a build tells as it goes (stage by stage, chapter by chapter), for
/// a progress bar; the library itself never prints.
#[derive(Clone)]
pub struct ProgressSink(pub std::sync::Arc<dyn Fn(Progress) + Send + Sync>);

#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// A stage begins: `load`, `notes`, `quotations`, … (as in `-v`).
    Stage(&'static str),
    /// Of the edition's chapters, `done` are rendered.
    Chapters { done: usize, total: usize },
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

impl ProgressSink {
    fn tell(sink: &Option<ProgressSink>, progress: Progress) {
        if let Some(sink) = sink {
            (sink.0)(progress);
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The folder holding `content/` (and usually `themes/`).
    pub root: PathBuf,
    /// Default: `<root>/site`.
    pub output: Option<PathBuf>,
    /// Default: the theme named in edition.yaml.
    pub theme: Option<String>,
    /// Default: `base_url` in edition.yaml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Write `edition.tei.xml` too (as `options: {tei: true}` in
    /// edition.yaml does).
    pub tei: bool,
    pub progress: Option<ProgressSink>,
    /// What this process's previous builds left, for `zhushu serve` to do
    /// again only what an edit changed.
    pub memory: Option<std::sync::Arc<Memory>>,
    /// Carry the last detection's clusters over an edit rather than detect
    /// again (`enrich::quotations::carry`): serve's quick pass.
    pub carry_quotations: bool,
    /// Leave the previous site, put aside, for the caller to remove
    /// (`BuildReport::previous_site`): serve does once the pages are told.
    pub leave_previous_site: bool,
}

/// What `zhushu serve` keeps from one build to the next. `zhushu build`
/// keeps nothing; tests/render_cache.rs checks that builds through it give
/// the bytes of fresh ones.
#[derive(Debug, Default)]
pub struct Memory {
    /// Chapters loaded, by their file's bytes.
    pub chapters: load::ChapterCache,
    /// Chapters rendered, by everything their rendering reads.
    pub render: crate::render::cache::RenderCache,
    /// The last quotation detection.
    pub detection: enrich::quotations::carry::LastDetection,
    /// The titles each chapter cites.
    pub works: crate::memo::ChapterMemo<Vec<enrich::indexes::WorkPlace>>,
}

impl BuildOptions {
    /// Where the site goes: `output`, or `<root>/site`.
    pub fn output_folder(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("site"))
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub chapters: usize,
    pub pages: usize,
    pub static_files: usize,
    pub timings: Vec<(&'static str, Duration)>,
    /// What this build changed in the site it replaced.
    pub changes: crate::output::Changes,
    /// Chapters rendered, rather than taken from the render cache.
    pub chapters_rendered: usize,
    /// What the build did beside the site and should be told: leftovers of
    /// stopped builds removed, a site put back (`output::tidy`).
    pub notices: Vec<String>,
    pub quotations: QuotationPass,
    /// The previous site, put aside, when `leave_previous_site` asked for
    /// it to be left (`output::remove_retired` removes it).
    pub previous_site: Option<PathBuf>,
}

/// How a build came by its quotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotationPass {
    /// Detected (or none: detection is off).
    Detected,
    /// The last detection's, over an edition it had seen unchanged.
    Same,
    /// The last detection's, moved over edited chapters: detecting again
    /// may find otherwise.
    Carried,
}

/// Checks that the output may be written (not over the sources) and tidies
/// what builds that were stopped left beside it (`output::tidy`); returns
/// what that did, in words. `build` does this first itself; a caller that
/// wants those words even if the build then fails calls it before.
pub fn prepare_output(options: &BuildOptions) -> Result<Vec<String>> {
    let output = options.output_folder();
    check_output_outside_content(&options.root, &output)?;
    Ok(crate::output::tidy(&output))
}

pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let progress = &options.progress;
    let mut lap = |name: &'static str, next: &'static str| {
        timings.push((name, clock.elapsed()));
        clock = Instant::now();
        ProgressSink::tell(progress, Progress::Stage(next));
    };
    ProgressSink::tell(progress, Progress::Stage("theme"));

    let root = &options.root;
    let output = options.output_folder();
    // A base URL given on the command line is checked before anything
    // else (edition.yaml's, as the file is read).
    if let Some(why) = options
        .base_url
        .as_deref()
        .and_then(crate::config::base_url_problem)
    {
        return Err(Error::new(format!("--base-url: {why}")));
    }
    let mut notices = prepare_output(options)?;
    // The theme first: a template that does not parse is told at once, not
    // after the chapters are loaded and their quotations found (a minute at
    // 100,000 pieces).
    let config = load::config(root)?;
    let theme_name = options.theme.as_deref().unwrap_or(&config.theme);
    let mut theme = theme::load(root, theme_name, &config.language)?;
    drop(config);
    lap("theme", "load");
    let Annotated {
        edition,
        notes,
        anchors,
        quotations,
        glossary,
        places,
        names,
        name_places,
        works,
        pass,
    } = annotate_with(
        root,
        options.drafts,
        options.base_url.as_deref(),
        Recall {
            memory: options.memory.as_deref(),
            carry: options.carry_quotations,
        },
        &mut lap,
    )?;
    lap("glossary", "render");
    let staging = Staging::open(&output)?;
    // Each file's digest, for the build's version (the offline cache name).
    let digests: Mutex<Vec<(String, [u8; 32])>> = Mutex::new(Vec::new());
    let write = |file: &str, bytes: &[u8]| {
        digests
            .lock()
            .expect("no writer panicked")
            .push((file.to_owned(), offline::digest(bytes)));
        staging.write(file, bytes)
    };
    let cache = options.memory.as_deref().map(|m| &m.render);
    if let Some(cache) = cache {
        cache.start();
    }
    let keep = |file: &str, digest: [u8; 32]| {
        let kept = staging.keep(file);
        if kept {
            digests
                .lock()
                .expect("no writer panicked")
                .push((file.to_owned(), digest));
        }
        kept
    };
    let rendered = pages::render_all(
        &edition,
        &mut theme,
        &notes,
        &anchors,
        &quotations,
        pages::Lists {
            glossary: (glossary.as_ref(), &places),
            index: (names.as_ref(), &name_places, &works),
        },
        pages::Sinks {
            write: &write,
            create: &|file| staging.create(file),
            streamed: &|file, digest| {
                digests
                    .lock()
                    .expect("no writer panicked")
                    .push((file.to_owned(), digest))
            },
            progress: &|done, total| {
                ProgressSink::tell(progress, Progress::Chapters { done, total })
            },
            keep: &keep,
            cache,
        },
    )?;
    let mut files = rendered.files;
    if options.tei || edition.config.options.tei {
        let tei = tei_document(
            &edition,
            &notes,
            &anchors,
            &quotations,
            glossary.as_ref(),
            names.as_ref(),
        )?;
        write(TEI_FILE, tei.as_bytes())?;
        files.push(TEI_FILE.to_owned());
    }
    lap("render", "write");
    for (relative, source) in &theme.static_files {
        let file = format!("static/{relative}");
        let bytes = std::fs::read(source).map_err(|e| Error::io("read", source, e))?;
        write(&file, &bytes)?;
        files.push(file);
    }
    write(
        "manifest.webmanifest",
        offline::manifest(&edition.config).as_bytes(),
    )?;
    files.push("manifest.webmanifest".to_owned());
    let mut precache: Vec<String> = files
        .iter()
        .filter(|f| offline::precached(f))
        .cloned()
        .collect();
    precache.sort();
    let version = offline::version(&mut digests.lock().expect("no writer panicked"));
    staging.write(
        "sw.js",
        offline::service_worker(&precache, &version).as_bytes(),
    )?;
    if let Some(base) = edition.config.base_url.as_deref() {
        let files: Vec<&str> = files
            .iter()
            .map(String::as_str)
            .filter(|f| f.ends_with(".html") && *f != "print.html")
            .collect();
        staging.write("sitemap.xml", sitemap::sitemap(base, &files).as_bytes())?;
    }
    let committed = if options.leave_previous_site {
        staging.commit_leaving_previous()?
    } else {
        staging.commit()?
    };
    notices.extend(committed.notices);
    if let Some(cache) = cache {
        cache.promote();
    }
    lap("write", "done");

    let chapters = edition.chapters.len();
    if let Some(memory) = &options.memory {
        memory.chapters.keep(edition.chapters);
    }
    Ok(BuildReport {
        output,
        chapters,
        pages: files.iter().filter(|f| f.ends_with(".html")).count(),
        static_files: theme.static_files.len(),
        timings,
        changes: committed.changes,
        chapters_rendered: rendered.chapters_rendered,
        notices,
        quotations: pass,
        previous_site: committed.previous,
    })
}

/// What detecting again after a build that carried quotations gave.
#[derive(Debug)]
pub enum Redetection {
    /// Detection found what was carried: the site stands.
    Stands,
    /// Detection found otherwise, and the site was built again.
    Rebuilt(BuildReport),
    /// `stop` said so (an edit came) before detection was done.
    Stopped,
}

/// For `zhushu serve`, after a build that carried quotations over an
/// edit: detects them again, and builds the site again only if they are
/// not what was carried. The new detection is remembered either way;
/// given up as soon as `stop` says so.
pub fn detect_again(
    options: &BuildOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Redetection> {
    let memory = options
        .memory
        .as_deref()
        .ok_or_else(|| Error::new("detecting again needs the builds' memory"))?;
    let edition = load::load_with(&options.root, options.drafts, Some(&memory.chapters))?;
    if !edition.config.options.quotations.disabled {
        let quotation_options = enrich::quotations::QuotationOptions::for_edition(&edition.config);
        let found = enrich::quotations::detect_unless(&edition, &quotation_options, stop);
        let Some(found) = found else {
            memory.chapters.keep(edition.chapters);
            crate::memory::give_back();
            return Ok(Redetection::Stopped);
        };
        let same = (memory.detection).carried_the_same(&edition, &quotation_options, &found);
        memory
            .detection
            .remember(&edition, &quotation_options, &found);
        memory.chapters.keep(edition.chapters);
        crate::memory::give_back();
        if same {
            return Ok(Redetection::Stands);
        }
    } else {
        memory.chapters.keep(edition.chapters);
    }
    // The detection just made is carried unchanged, unless an edit came
    // meanwhile.
    build(&BuildOptions {
        carry_quotations: true,
        ..options.clone()
    })
    .map(Redetection::Rebuilt)
}

/// The TEI document's name, in the site and by default beside content/.
pub const TEI_FILE: &str = "edition.tei.xml";

/// The edition read and annotated: what every output is made from.
pub struct Annotated {
    pub edition: crate::model::Edition,
    pub notes: Vec<enrich::notes::LoadedNote>,
    pub anchors: Vec<enrich::notes::Anchor>,
    pub quotations: Vec<enrich::quotations::Quotation>,
    pub glossary: Option<enrich::glossary::Glossary>,
    /// The glossary's places, linked as the edition's link mode says.
    pub places: Vec<enrich::glossary::Place>,
    /// content/index.yaml, its names' places, and the works the text names.
    pub names: Option<enrich::indexes::NameIndex>,
    pub name_places: Vec<enrich::glossary::Place>,
    pub works: Vec<enrich::indexes::WorkPlace>,
    pub pass: QuotationPass,
}

/// What a build may take from the ones before it (`zhushu serve`): the
/// chapters loaded, and the last detection's quotations if `carry`.
#[derive(Clone, Copy, Default)]
pub struct Recall<'a> {
    pub memory: Option<&'a Memory>,
    /// Carry the last detection's clusters over an edit, if there is one.
    pub carry: bool,
}

/// Load, then notes, quotations (detected, then the editor's decisions)
/// and the glossary; `lap(stage, next)` is told as each stage ends.
pub fn annotate(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
    lap: &mut dyn FnMut(&'static str, &'static str),
) -> Result<Annotated> {
    annotate_with(root, drafts, base_url, Recall::default(), lap)
}

/// `annotate`, with what `recall` gives of the builds before.
pub fn annotate_with(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
    recall: Recall,
    lap: &mut dyn FnMut(&'static str, &'static str),
) -> Result<Annotated> {
    let loaded = recall.memory.map(|m| &m.chapters);
    let mut edition = load::load_with(root, drafts, loaded)?;
    // The public address given on the command line stands for
    // edition.yaml's everywhere it is used (sitemap, citation metadata).
    if let Some(base) = base_url {
        edition.config.base_url = Some(base.to_owned());
    }
    lap("load", "notes");
    let notes = enrich::notes::load(root)?;
    let anchors = enrich::notes::anchor(&edition, &notes)?;
    // The editor's other files are read before detection runs: a mistake
    // in them is found at once.
    let decisions = match edition.config.options.quotations.disabled {
        true => None,
        false => enrich::quotation_decisions::load(root)?,
    };
    let glossary = enrich::glossary::load(root)?;
    let names = enrich::indexes::load(root)?;
    lap("notes", "quotations");
    let (quotations, pass) = if edition.config.options.quotations.disabled {
        (Vec::new(), QuotationPass::Detected)
    } else {
        let options = enrich::quotations::QuotationOptions::for_edition(&edition.config);
        let (found, pass) = find_quotations(&edition, &options, recall);
        let decided = enrich::quotation_decisions::apply(&edition, found, decisions.as_ref())?;
        (decided, pass)
    };
    crate::memory::give_back();
    lap("quotations", "glossary");
    let places = match &glossary {
        Some(g) => enrich::glossary::find(&edition, g, edition.config.options.glossary.link),
        None => Vec::new(),
    };
    let name_places = match &names {
        Some(n) => enrich::indexes::find_names(&edition, n),
        None => Vec::new(),
    };
    let works = enrich::indexes::find_works_with(
        &edition,
        edition.config.latin_script(),
        recall.memory.map(|m| &m.works),
    );
    if let Some(memory) = recall.memory {
        (memory.works).keep_only(edition.chapters.iter().map(|c| c.slug.as_str()));
    }
    Ok(Annotated {
        edition,
        notes,
        anchors,
        quotations,
        glossary,
        places,
        names,
        name_places,
        works,
        pass,
    })
}

/// The edition's recurring quotations, before the editor's decisions:
/// carried over from the last detection where `recall` allows it, else
/// detected (and remembered, for serve).
fn find_quotations(
    edition: &crate::model::Edition,
    options: &enrich::quotations::QuotationOptions,
    recall: Recall,
) -> (Vec<enrich::quotations::Quotation>, QuotationPass) {
    use enrich::quotations::carry::Carried;
    let last = recall.memory.map(|m| &m.detection);
    let carried = match last {
        Some(last) if recall.carry => last.carry(edition, options),
        _ => None,
    };
    match carried {
        Some(Carried::Same(found)) => (found, QuotationPass::Same),
        Some(Carried::Moved(found)) => (found, QuotationPass::Carried),
        None => {
            let found = enrich::quotations::detect(edition, options);
            if let Some(last) = last {
                last.remember(edition, options, &found);
            }
            (found, QuotationPass::Detected)
        }
    }
}

/// `zhushu tei`: the edition as one TEI P5 document, written to `output`
/// (or `edition.tei.xml` in the root). Returns where it went.
pub fn tei_only(root: &Path, drafts: bool, output: Option<&Path>) -> Result<PathBuf> {
    let target = match output {
        Some(path) => path.to_owned(),
        None => root.join(TEI_FILE),
    };
    // Never over the author's files.
    check_output_outside_content(root, &target).map_err(|e| {
        e.with_help(format!(
            "write it outside content/ and themes/, such as {}",
            root.join(TEI_FILE).display()
        ))
    })?;
    let a = annotate(root, drafts, None, &mut |_, _| {})?;
    let tei = tei_document(
        &a.edition,
        &a.notes,
        &a.anchors,
        &a.quotations,
        a.glossary.as_ref(),
        a.names.as_ref(),
    )?;
    std::fs::write(&target, tei).map_err(|e| Error::io("write", &target, e))?;
    Ok(target)
}

/// The TEI document of an annotated edition, for `zhushu tei` and the
/// build alike, with the persons and places of content/index.yaml (the
/// works the text names TEI finds itself, from its 《…》).
fn tei_document(
    edition: &crate::model::Edition,
    notes: &[enrich::notes::LoadedNote],
    anchors: &[enrich::notes::Anchor],
    quotations: &[enrich::quotations::Quotation],
    glossary: Option<&enrich::glossary::Glossary>,
    names: Option<&enrich::indexes::NameIndex>,
) -> Result<String> {
    let index: Vec<tei::IndexEntry> = names
        .map(|n| n.entries.iter().map(tei_entry).collect())
        .unwrap_or_default();
    tei::document(&TeiInput {
        edition,
        notes,
        anchors,
        quotations,
        glossary,
        index: &index,
    })
}

/// An entry of content/index.yaml as TEI lists it: named by its name, with
/// its identification and dates as a note.
fn tei_entry(entry: &enrich::indexes::Entry) -> tei::IndexEntry {
    let note = match &entry.dates {
        Some(dates) => format!("{} ({dates})", entry.identification),
        None => entry.identification.clone(),
    };
    tei::IndexEntry {
        kind: match entry.kind {
            enrich::indexes::Kind::Person => tei::IndexKind::Person,
            enrich::indexes::Kind::Place => tei::IndexKind::Place,
        },
        id: entry.name.clone(),
        name: entry.name.clone(),
        forms: entry.forms.clone(),
        note: Some(note),
    }
}

/// Replacing the output must never touch the sources.
fn check_output_outside_content(root: &Path, output: &Path) -> Result<()> {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|p| normalise(&p))
            .unwrap_or_else(|_| p.to_owned())
    };
    let (root, output) = (absolute(root), absolute(output));
    let inside_sources = ["content", "themes"]
        .iter()
        .any(|dir| output.starts_with(root.join(dir)));
    if root.starts_with(&output) || inside_sources {
        return Err(Error::new(format!(
            "the output {} would overwrite the edition's sources in {}",
            output.display(),
            root.display()
        ))
        .with_help("write the site to a folder of its own, such as site/"));
    }
    Ok(())
}

/// Removes `.` and `..` components without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `zhushu epub`: builds the edition into a scratch folder and keeps only
/// its EPUB, written to `output` (or `<title-slug>.epub` in the root).
pub fn epub_only(root: &Path, output: Option<&Path>) -> Result<PathBuf> {
    let scratch = std::env::temp_dir().join(format!("zhushu-epub-{}", std::process::id()));
    let report = build(&BuildOptions {
        root: root.to_owned(),
        output: Some(scratch.clone()),
        ..BuildOptions::default()
    });
    let result = report.and_then(|_| {
        let edition_name = std::fs::read_dir(&scratch)
            .map_err(|e| Error::io("read", &scratch, e))?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "epub"))
            .ok_or_else(|| Error::new("the build made no EPUB"))?;
        let target = match output {
            Some(path) => path.to_owned(),
            None => root.join(edition_name.file_name().unwrap_or_default()),
        };
        std::fs::copy(&edition_name, &target).map_err(|e| Error::io("write", &target, e))?;
        Ok(target)
    });
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

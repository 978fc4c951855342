//! The edition's pages: template contexts (documented for theme authors in
//! docs/theme-context.md) and their rendering with the theme's Tera.

use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

use crate::date::DisplayDate;
use crate::diagnostic::{Error, Result};
use crate::digest;
use crate::enrich::glossary::{Glossary, Place as GlossaryPlace};
use crate::enrich::indexes::{NameIndex, WorkPlace};
use crate::enrich::notes::{Anchor, LoadedNote};
use crate::enrich::quotations::Quotation;
use crate::memo::ChapterMemo;
use crate::model::{Author, Chapter, Edition};
use crate::render::body::Mark;
use crate::render::body::{self, BodyOptions};
use crate::render::cache::{self, RenderCache};
use crate::render::citations;
use crate::render::epub::{self, EpubInput, EpubWriter};
use crate::render::glossary::GlossaryIndex;
use crate::render::glossary::Stretch;
use crate::render::indexes::BookIndex;
use crate::render::notes::{self as apparatus, Apparatus, NoteRecord, NoteView};
use crate::render::notes_page::{self, NoteRecords};
use crate::render::print::{self, PrintWriter, Targets};
use crate::render::quotations::{QuotationEntry, QuotationIndex};
use crate::theme::{Theme, template_error};
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Serialize)]
struct EditionView<'a> {
    title: &'a str,
    subtitle: Option<&'a str>,
    description: Option<&'a str>,
    publisher: Option<&'a str>,
    editors: &'a [String],
    date: Option<DisplayDate>,
}

#[derive(Serialize, Clone)]
struct Entry<'a> {
    number: usize,
    slug: &'a str,
    url: String,
    title: &'a str,
    subtitle: Option<&'a str>,
    authors: Vec<AuthorView<'a>>,
    date: Option<DisplayDate>,
    kind: Option<&'a str>,
    kind_label: Option<String>,
    page: Option<u32>,
}

#[derive(Serialize, Clone)]
struct AuthorView<'a> {
    name: &'a str,
    role: Option<&'a str>,
}

#[derive(Serialize)]
struct ChapterView<'a> {
    #[serde(flatten)]
    entry: Entry<'a>,
    source: Option<&'a str>,
    place: Option<&'a str>,
    interview: Option<InterviewView<'a>>,
    body_html: String,
    notes: Vec<NoteView>,
    headings: Vec<HeadingView<'a>>,
}

#[derive(Serialize)]
struct InterviewView<'a> {
    interviewee: Option<&'a str>,
    about: Option<&'a str>,
    interviewers: &'a [String],
    date: Option<DisplayDate>,
    place: Option<&'a str>,
}

#[derive(Serialize)]
struct HeadingView<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct BackMatter {
    url: &'static str,
    title: String,
}

#[derive(Serialize)]
struct PageView<'a> {
    kind: &'a str,
    url: &'a str,
    title: &'a str,
}

/// Where pages go (a file's bytes written whole, from any thread; a file
/// opened to be written as it is made), and who hears of the progress.
pub struct Sinks<'a> {
    /// Writes a whole file.
    pub write: &'a (dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    /// Opens a file that is written as it is made (print.html, the EPUB,
    /// the search index), from any thread.
    pub create: &'a (dyn Fn(&str) -> Result<std::fs::File> + Sync),
    /// Takes the digest of a file written through `create` into the
    /// build's version, as `write` does for the files it writes.
    pub streamed: &'a (dyn Fn(&str, [u8; 32]) + Sync),
    /// Chapters rendered so far, of all.
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// Links a file unchanged from the previous site, with its digest;
    /// false when it cannot.
    pub keep: &'a (dyn Fn(&str, [u8; 32]) -> bool + Sync),
    /// Chapters rendered by the previous build (`zhushu serve` only).
    pub cache: Option<&'a RenderCache>,
}

/// The files written, and how many chapters were rendered rather than
/// taken from the cache.
pub struct Rendered {
    pub files: Vec<String>,
    pub chapters_rendered: usize,
}

/// A rendered page: its file name in the site and its bytes.
pub struct Page {
    pub file: String,
    pub html: String,
}

pub fn page_file(slug: &str) -> String {
    format!("{slug}.html")
}

pub fn render_all(
    edition: &Edition,
    theme: &mut Theme,
    notes: &[LoadedNote],
    anchors: &[Anchor],
    quotations: &[Quotation],
    lists: Lists,
    sinks: Sinks,
) -> Result<Rendered> {
    let language = &edition.config.language;
    let entries: Vec<Entry> = (edition.chapters.iter())
        .map(|c| entry(c, language, &theme.strings))
        .collect();
    share_globals(edition, theme, &entries);
    let indexes = Indexes::new(edition, notes, anchors, quotations, lists, &theme.strings);
    let back = Back::new(edition, notes, &theme.tera, &theme.strings, &indexes);
    theme
        .tera
        .global_context()
        .insert("back_matter", &back.list);
    let theme: &Theme = theme;

    let chapter_pages = chapter_pages(edition);
    let body_options = body_options(edition, theme, &chapter_pages);
    // Each page is written as soon as it is made, so that thousands of
    // pages are never all in memory at once.
    let mut files = Vec::new();
    // What every page reads beyond its own chapter (`zhushu serve` only).
    let edition_key = sinks
        .cache
        .map(|_| edition_key(edition, theme, &entries, &back.list));
    files.push("index.html".to_owned());
    let (mut print, targets) = match print_frame(edition, theme, &indexes, &back, sinks.create)? {
        Some((writer, targets)) => (Some(writer), Some(targets)),
        None => (None, None),
    };
    crate::memory::give_back();
    let epub_input = epub_input(edition, theme, &indexes);
    let epub_file = epub::file_name(edition);
    let mut epub_writer = EpubWriter::start(&epub_input, (sinks.create)(&epub_file)?)?;
    let run = ChapterRun {
        edition,
        theme,
        entries: &entries,
        body_options: &body_options,
        indexes: &indexes,
        targets: targets.as_ref(),
        epub_input: &epub_input,
        edition_key,
        write: sinks.write,
        keep: sinks.keep,
        cache: sinks.cache,
        rendered: AtomicUsize::new(0),
    };
    let records = run.all(&mut print, &mut epub_writer, &mut files, sinks.progress)?;
    std::thread::scope(|scope| {
        // The cover, the search index and the quotations' data read nothing
        // that the chapters make: they are made on a thread of their own,
        // beside the print edition's tail and the back matter, which are
        // each made on one thread (at 10,000 pieces, made after them, they
        // took a tenth of the render while a core waited). Not beside the
        // chapters: a chapter the size of a book would be held twice over.
        let beside = scope.spawn(|| {
            write_cover(edition, theme, &sinks, edition_key)?;
            write_search_index(edition, theme, &indexes, &back, &sinks)?;
            write_quotations_json(&indexes.quotations, &sinks)
        });
        let records_key = (sinks.cache.is_some())
            .then(|| digest::key(|h| records.chapters.iter().for_each(|c| c.key.hash(h))));
        // What the notes page and data/notes.json are made from, for the
        // render cache to know them unchanged.
        let notes_keys = NotesKeys {
            page: (run.edition_key.zip(records_key)).map(|k| digest::key(|h| k.hash(h))),
            data: records_key,
        };
        let cache = sinks.cache;
        let notes_page = NotesPage {
            records: &records,
            keys: notes_keys,
            edition_key: run.edition_key,
        };
        let write = sinks.write;
        let back_matter = |side_by_side: bool| -> Result<Vec<String>> {
            let mut files = Vec::new();
            write_back_matter(
                edition,
                theme,
                &indexes,
                &back,
                &notes_page,
                (cache, side_by_side),
                &mut |file: &str, bytes: &[u8]| -> Result<()> {
                    write(file, bytes)?;
                    files.push(file.to_owned());
                    Ok(())
                },
            )?;
            Ok(files)
        };
        // The print edition's tail and the EPUB's; then the back matter's
        // pages.
        let finish_rest = || -> Result<Vec<String>> {
            let mut files = Vec::new();
            if let (Some(writer), Some(targets)) = (print, &targets) {
                finish_print(writer, theme, &indexes, &back, targets)?;
                files.push("print.html".to_owned());
            }
            epub_writer.finish()?;
            files.push(epub_file);
            files.push(SEARCH_INDEX.to_owned());
            files.push(QUOTATIONS_JSON.to_owned());
            Ok(files)
        };
        // A small edition's steps are each too short to share the cores
        // among their parts: the back matter is made beside the rest, its
        // pages side by side. A large one's are made one after the other, a
        // page at a time, for the peak's sake (`write_back_matter`).
        let (rest, back_files) = if side_by_side(edition) {
            std::thread::scope(|scope| {
                let back_matter = scope.spawn(|| back_matter(true));
                let rest = finish_rest();
                (
                    rest,
                    back_matter.join().expect("the back matter never panics"),
                )
            })
        } else {
            let rest = finish_rest();
            (rest, back_matter(false))
        };
        files.extend(rest?);
        files.extend(back_files?);
        if let Some(cache) = sinks.cache {
            cache.forget_all_but(edition.chapters.iter().map(|c| c.slug.as_str()));
        }
        let chapters_rendered = run.rendered.into_inner();
        beside
            .join()
            .expect("the cover, the search index and the data never panic")?;
        Ok(Rendered {
            files,
            chapters_rendered,
        })
    })
}

/// The cover, index.html, written. It reads nothing but the contents: kept
/// while they are the same (`zhushu serve`).
fn write_cover(
    edition: &Edition,
    theme: &Theme,
    sinks: &Sinks,
    edition_key: Option<u64>,
) -> Result<()> {
    let index = match sinks.cache.zip(edition_key) {
        Some((cache, key)) => cache.files.try_get_or("index.html", key, || {
            render_index(edition, theme).map(|page| Arc::from(page.html.into_bytes()))
        })?,
        None => Arc::from(render_index(edition, theme)?.html.into_bytes()),
    };
    (sinks.write)("index.html", &index)
}

/// Whether the edition is small enough for the back matter to be made
/// beside the rest of the render, its pages side by side: its text under
/// `SIDE_BY_SIDE_BELOW` bytes. (At 1,000 pieces of formulaic prose, 7 MB,
/// the peak is a fifth of the bound issue 14 sets at 10,000.)
fn side_by_side(edition: &Edition) -> bool {
    let mut bytes = 0;
    edition.chapters.iter().all(|c| {
        bytes += c.document.text_len();
        bytes < SIDE_BY_SIDE_BELOW
    })
}

/// See `side_by_side`.
const SIDE_BY_SIDE_BELOW: usize = 16 << 20;

fn body_options<'a>(
    edition: &Edition,
    theme: &'a Theme,
    chapter_pages: &'a HashMap<String, String>,
) -> BodyOptions<'a> {
    BodyOptions {
        paragraph_numbers: edition.config.options.paragraph_numbers,
        paragraph_label: crate::theme::ui_string(&theme.strings, "paragraph_label", "¶ {n}"),
        chapter_pages,
        raw_html: crate::render::raw_html::RawHtml::Keep,
        page_label: crate::theme::ui_string(&theme.strings, "page_label", "p. {n}"),
        page_inferred: crate::theme::ui_string(&theme.strings, "page_inferred", "inferred"),
        page_unknown: crate::theme::ui_string(&theme.strings, "page_unknown", "page break"),
        pages: &[],
    }
}

fn epub_input<'a>(edition: &'a Edition, theme: &'a Theme, indexes: &'a Indexes) -> EpubInput<'a> {
    EpubInput {
        edition,
        strings: &theme.strings,
        apparatus: &indexes.apparatus,
        glossary: &indexes.glossary,
        quotations: &indexes.quotations,
        book_index: &indexes.book,
        // The stylesheet for reading systems.
        stylesheet: theme
            .static_files
            .get("epub.css")
            .and_then(|path| std::fs::read(path).ok()),
        writing_mode: theme.writing_mode,
        slugs: edition.chapters.iter().map(|c| c.slug.as_str()).collect(),
    }
}

/// What every page shares goes into Tera's global context once, rather
/// than being copied into each of thousands of page contexts.
fn share_globals(edition: &Edition, theme: &mut Theme, entries: &[Entry]) {
    let config = &edition.config;
    let global = theme.tera.global_context();
    global.insert("lang", &config.language);
    // The public address, ending in a slash, for the citation metadata's
    // absolute URLs (pages link to each other relatively).
    if let Some(base) = &config.base_url {
        let slash = if base.ends_with('/') { "" } else { "/" };
        global.insert("base_url", &format!("{base}{slash}"));
    }
    global.insert("t", &theme.strings);
    global.insert(
        "generator",
        &format!("zhushu {}", env!("CARGO_PKG_VERSION")),
    );
    global.insert(
        "edition",
        &EditionView {
            title: &config.title,
            subtitle: config.subtitle.as_deref(),
            description: config.description.as_deref(),
            publisher: config.publisher.as_deref(),
            editors: &config.editors,
            date: config.date.map(|d| d.display(&config.language)),
        },
    );
    global.insert("toc", entries);
    global.insert("stylesheets", &theme.stylesheets);
    global.insert("print_stylesheets", &theme.print_stylesheets);
    global.insert("scripts", &theme.scripts);
    global.insert("writing_mode", &theme.writing_mode);
}

/// What the indexes of persons, places and works are made from: the
/// editor's index (content/index.yaml), its names' places, the titles
/// cited.
pub type IndexInput<'a> = (Option<&'a NameIndex>, &'a [GlossaryPlace], &'a [WorkPlace]);

/// The glossary and the indexes, with what enrich found of them.
pub struct Lists<'a> {
    pub glossary: (Option<&'a Glossary>, &'a [GlossaryPlace]),
    pub index: IndexInput<'a>,
}

/// What notes, quotations, the glossary and the indexes give the pages,
/// made once for the whole edition.
struct Indexes<'a> {
    apparatus: Apparatus<'a>,
    quotations: QuotationIndex<'a>,
    glossary: GlossaryIndex,
    book: BookIndex,
}

impl<'a> Indexes<'a> {
    fn new(
        edition: &'a Edition,
        notes: &'a [LoadedNote],
        anchors: &'a [Anchor],
        quotations: &'a [Quotation],
        lists: Lists,
        strings: &'a serde_json::Value,
    ) -> Indexes<'a> {
        let (glossary, places) = lists.glossary;
        let (names, name_places, works) = lists.index;
        let quotations = QuotationIndex::new(edition, quotations, strings);
        let apparatus = Apparatus::new(edition, notes, anchors, strings);
        // What notes and quotations mark in each chapter, which glossary
        // links must not cut across: only where they lie, since their markup
        // is made again when each chapter is rendered, rather than held for
        // every chapter at once.
        let taken: Vec<Vec<Stretch>> = edition
            .chapters
            .par_iter()
            .enumerate()
            .map(|(i, chapter)| {
                (apparatus.marks(i, chapter).iter())
                    .map(|m| (m.events.clone(), m.start, m.end))
                    .chain(quotations.stretches(i))
                    .collect()
            })
            .collect();
        let mut glossary = GlossaryIndex::new(edition, glossary, places, &taken, strings);
        // A cited title's link to its piece may not cut across those
        // either, nor across a term's link; a term inside it is not linked.
        let terms: Vec<Vec<Stretch>> = (0..edition.chapters.len())
            .map(|i| {
                glossary
                    .marks(i)
                    .iter()
                    .map(|m| (m.events.clone(), m.start, m.end))
                    .collect()
            })
            .collect();
        let book = BookIndex::new(edition, names, name_places, works, &taken, &terms, strings);
        for i in 0..edition.chapters.len() {
            glossary.drop_marks_within(i, &book.stretches(i));
        }
        Indexes {
            apparatus,
            quotations,
            glossary,
            book,
        }
    }
}

/// The pages after the chapters, listed with the contents: each only when
/// there is something to show and the theme has its template.
struct Back {
    list: Vec<BackMatter>,
    notes: bool,
    quotations: bool,
    glossary: bool,
    indexes: bool,
}

impl Back {
    fn new(
        edition: &Edition,
        notes: &[LoadedNote],
        templates: &tera::Tera,
        strings: &serde_json::Value,
        indexes: &Indexes,
    ) -> Back {
        let has_notes = !notes.is_empty()
            || edition
                .chapters
                .iter()
                .any(|c| !c.document.footnotes.is_empty());
        let back = Back {
            list: Vec::new(),
            notes: has_notes && templates.contains_template("notes.html"),
            quotations: !indexes.quotations.views.is_empty()
                && templates.contains_template("quotations.html"),
            glossary: !indexes.glossary.entries.is_empty()
                && templates.contains_template("glossary.html"),
            indexes: !indexes.book.is_empty() && templates.contains_template("indexes.html"),
        };
        let pages = [
            (back.notes, "notes.html", "notes_page_title", "Notes"),
            (
                back.quotations,
                "quotations.html",
                "quotations_page_title",
                "Quotations",
            ),
            (
                back.glossary,
                "glossary.html",
                "glossary_page_title",
                "Glossary",
            ),
            (back.indexes, "indexes.html", "index_page_title", "Index"),
        ];
        let list = pages
            .into_iter()
            .filter(|(shown, ..)| *shown)
            .map(|(_, url, key, default)| BackMatter {
                url,
                title: crate::theme::ui_string(strings, key, default).to_owned(),
            })
            .collect();
        Back { list, ..back }
    }
}

/// Each chapter's Markdown file name → its page, for links between pieces.
pub(crate) fn chapter_pages(edition: &Edition) -> HashMap<String, String> {
    edition
        .chapters
        .iter()
        .filter_map(|c| {
            let name = c.file.file_name()?.to_string_lossy().into_owned();
            Some((name, page_file(&c.slug)))
        })
        .collect()
}

/// What every chapter's rendering reads beyond the chapter itself, as a
/// key for the render cache.
fn edition_key(edition: &Edition, theme: &Theme, entries: &[Entry], back: &[BackMatter]) -> u64 {
    digest::key(|h| {
        env!("CARGO_PKG_VERSION").hash(h);
        digest::feed_debug(h, &edition.config);
        theme.name.hash(h);
        for (name, template) in &theme.templates {
            name.hash(h);
            template.source.hash(h);
        }
        theme.strings.to_string().hash(h);
        theme.stylesheets.hash(h);
        theme.print_stylesheets.hash(h);
        theme.scripts.hash(h);
        digest::feed_debug(h, &theme.writing_mode);
        theme.static_files.keys().for_each(|f| f.hash(h));
        serde_json::to_string(entries).ok().hash(h);
        serde_json::to_string(back).ok().hash(h);
        for chapter in &edition.chapters {
            chapter.file.hash(h);
            chapter.slug.hash(h);
        }
    })
}

const SEARCH_INDEX: &str = "search-index.js";

/// The search index, written as it is made: as large as the edition's
/// text, it was a large build's peak when it was held whole (the list it
/// was made from beside it).
/// `file`, written through `sinks.create` as `write` makes it, its digest
/// taken on the way.
fn write_streamed(
    sinks: &Sinks,
    file: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    let failed = |e: std::io::Error| Error::new(format!("cannot write {file}: {e}"));
    let mut out =
        crate::render::offline::Digesting::new(std::io::BufWriter::new((sinks.create)(file)?));
    write(&mut out).map_err(failed)?;
    let (_, digest) = out.finish().map_err(failed)?;
    (sinks.streamed)(file, digest);
    Ok(())
}

/// The quotations' data, for tools.
const QUOTATIONS_JSON: &str = "data/quotations.json";

/// Writes `QUOTATIONS_JSON`: tens of megabytes in a large edition, written
/// as it is made.
fn write_quotations_json(quotations: &QuotationIndex, sinks: &Sinks) -> Result<()> {
    write_streamed(sinks, QUOTATIONS_JSON, |out| quotations.write_json(out))
}

fn write_search_index(
    edition: &Edition,
    theme: &Theme,
    indexes: &Indexes,
    back: &Back,
    sinks: &Sinks,
) -> Result<()> {
    write_streamed(sinks, SEARCH_INDEX, |out| {
        crate::render::search::write_index_script(
            edition,
            &indexes.quotations,
            &indexes.glossary,
            // Only where the indexes' page is written: the results lead there.
            back.indexes.then_some(&indexes.book),
            &theme.strings,
            sinks.cache.map(|c| &c.search),
            out,
        )
    })
}

/// The pages after the chapters and the data files, once every chapter's
/// note records are known.
fn write_back_matter(
    edition: &Edition,
    theme: &Theme,
    indexes: &Indexes,
    back: &Back,
    notes: &NotesPage,
    (cache, side_by_side): (Option<&RenderCache>, bool),
    emit: &mut dyn FnMut(&str, &[u8]) -> Result<()>,
) -> Result<()> {
    type Make<'m> = Box<dyn Fn() -> Result<(String, Vec<u8>)> + Send + Sync + 'm>;
    let page = |made: Result<Page>| made.map(|p| (p.file, p.html.into_bytes()));
    let notes_keys = notes.keys;
    // Made again only when what it is made from changed (`zhushu serve`).
    let remembered =
        |name: &'static str, key: Option<u64>, make: &dyn Fn() -> Result<Vec<u8>>| match (
            cache, key,
        ) {
            (Some(cache), Some(key)) => cache
                .files
                .try_get_or(name, key, || make().map(Arc::from))
                .map(|bytes| (name.to_owned(), bytes.to_vec())),
            _ => make().map(|bytes| (name.to_owned(), bytes)),
        };
    let paged = edition
        .chapters
        .iter()
        .any(|c| c.front.page.is_some() || !c.document.page_breaks.is_empty());
    let file = |name: &str, bytes: String| Ok((name.to_owned(), bytes.into_bytes()));
    // The pages, each a template given the whole of its index, one at a
    // time unless `side_by_side` (a random 10,000-piece edition's notes and
    // quotations pages made side by side raised its peak by 250 MiB); the
    // data files as many at a time as there are cores, each batch written
    // before the next is made.
    let pages: Vec<Make> = [
        back.notes.then(|| {
            Box::new(|| {
                remembered("notes.html", notes_keys.page, &|| {
                    let memo = cache.map(|c| &c.note_entries).zip(notes.edition_key);
                    page(render_notes_page(
                        edition,
                        theme,
                        notes.records,
                        &indexes.apparatus,
                        memo,
                    ))
                    .map(|(_, b)| b)
                })
            }) as Make
        }),
        back.quotations
            .then(|| Box::new(|| page(render_quotations_page(theme, &indexes.quotations))) as Make),
        back.glossary
            .then(|| Box::new(|| page(render_glossary_page(theme, &indexes.glossary))) as Make),
        back.indexes
            .then(|| Box::new(|| page(render_indexes_page(theme, &indexes.book))) as Make),
    ]
    .into_iter()
    .flatten()
    .collect();
    let data: Vec<Make> = [
        Some(Box::new(|| file("data/glossary.json", indexes.glossary.json())) as Make),
        Some(Box::new(|| file("data/index.json", indexes.book.json())) as Make),
        Some(Box::new(|| {
            let memo = cache.map(|c| &c.citations);
            file("data/citations.json", citations::csl_json(edition, memo))
        }) as Make),
        Some(Box::new(|| {
            let memo = cache.map(|c| &c.bib);
            file("edition.bib", citations::bibtex(edition, memo))
        }) as Make),
        paged.then(|| {
            Box::new(|| {
                let memo = cache.map(|c| &c.pages);
                file("data/pages.json", citations::pages_json(edition, memo))
            }) as Make
        }),
        Some(Box::new(|| {
            remembered("data/notes.json", notes_keys.data, &|| {
                let memo = cache.map(|c| (&c.notes_json, edition));
                Ok(notes_page::json(notes.records, memo).into_bytes())
            })
        }) as Make),
    ]
    .into_iter()
    .flatten()
    .collect();
    let at_once = if side_by_side { pages.len().max(1) } else { 1 };
    let batches = pages
        .chunks(at_once)
        .chain(data.chunks(rayon::current_num_threads()));
    for batch in batches {
        let made: Vec<_> = batch.par_iter().map(|make| make()).collect();
        for made in made {
            let (file, bytes) = made?;
            emit(&file, &bytes)?;
        }
        // A page is made on whichever rayon thread takes it, and what one
        // thread freed is not used by another until it is handed back: the
        // quotations page made beside what the notes page left on the other
        // thread raised the peak by 60-90 MiB in one build in three.
        crate::memory::give_back();
    }
    Ok(())
}

/// What the notes page and data/notes.json are made from.
struct NotesPage<'a> {
    records: &'a NoteRecords,
    keys: NotesKeys,
    /// What every entry reads beyond its record (with the render cache
    /// only).
    edition_key: Option<u64>,
}

/// The keys of what the notes page and data/notes.json are made from
/// (with the render cache only).
#[derive(Clone, Copy)]
struct NotesKeys {
    page: Option<u64>,
    data: Option<u64>,
}

/// Everything the chapters' rendering shares, and the count of chapters
/// rendered rather than taken from the cache.
struct ChapterRun<'a> {
    edition: &'a Edition,
    theme: &'a Theme,
    entries: &'a [Entry<'a>],
    body_options: &'a BodyOptions<'a>,
    indexes: &'a Indexes<'a>,
    /// The print edition's link targets, when the theme makes one.
    targets: Option<&'a Targets>,
    epub_input: &'a EpubInput<'a>,
    /// What every chapter reads beyond itself (`zhushu serve` only).
    edition_key: Option<u64>,
    /// The parts of `Sinks` the rendering threads share.
    write: &'a (dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    keep: &'a (dyn Fn(&str, [u8; 32]) -> bool + Sync),
    cache: Option<&'a RenderCache>,
    rendered: AtomicUsize,
}

/// A chapter done: its page written, what print.html and the EPUB take.
struct Done {
    file: String,
    records: Arc<[NoteRecord]>,
    /// The key of `records` (with the render cache only).
    records_key: u64,
    /// Its article for print.html, when the theme makes one.
    piece: Option<Arc<[u8]>>,
    /// Its EPUB page, deflated.
    xhtml: epub::PackedChapter,
}

impl ChapterRun<'_> {
    /// Every chapter, in batches, so that the print edition and the EPUB
    /// take the pieces in order while only a batch of them is held in
    /// memory. Returns the note records of all, and their key when the
    /// render cache is on.
    fn all(
        &self,
        print: &mut Option<PrintOutputWriter>,
        epub_writer: &mut EpubWriter,
        files: &mut Vec<String>,
        progress: &dyn Fn(usize, usize),
    ) -> Result<NoteRecords> {
        let chapters = &self.edition.chapters;
        // Each batch is written into the print edition and the EPUB, in
        // order, on a thread of its own while the next batch is rendered:
        // written between batches, a core waited for it (a quarter of a
        // second at 10,000 pieces). (Handed over when the writer is ready:
        // no more than one batch waits.)
        let (batches, rendered) = std::sync::mpsc::sync_channel::<(usize, Vec<Done>)>(0);
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> Result<(NoteRecords, Vec<String>)> {
                let mut records = NoteRecords::default();
                let mut files = Vec::new();
                for (first, done) in rendered {
                    for (k, done) in done.into_iter().enumerate() {
                        let i = first + k;
                        files.push(done.file);
                        records.push(done.records, done.records_key);
                        if let (Some(writer), Some(piece)) = (print.as_mut(), done.piece) {
                            writer.piece(i, &chapters[i].slug, &piece)?;
                        }
                        epub_writer.chapter(done.xhtml)?;
                    }
                }
                Ok((records, files))
            });
            for (batch, batch_chapters) in chapters.chunks(BATCH).enumerate() {
                let done: Vec<Done> = batch_chapters
                    .par_iter()
                    .enumerate()
                    .map(|(k, chapter)| self.chapter(batch * BATCH + k, chapter))
                    .collect::<Result<_>>()?;
                // (The writer stops only on an error, which its join tells.)
                if batches.send((batch * BATCH, done)).is_err() {
                    break;
                }
                progress(
                    (batch * BATCH + batch_chapters.len()).min(chapters.len()),
                    chapters.len(),
                );
            }
            drop(batches);
            let (records, written) = writer.join().expect("the writer never panics")?;
            files.extend(written);
            Ok(records)
        })
    }

    /// Chapter `i`, from the cache when nothing it reads has changed and
    /// its page can be kept, else rendered and its page written.
    fn chapter(&self, i: usize, chapter: &Chapter) -> Result<Done> {
        let file = page_file(&chapter.slug);
        let cache = self.cache;
        let key = self
            .edition_key
            .map(|key| self.chapter_key(key, i, chapter));
        if let (Some(cache), Some(key)) = (cache, key)
            && let Some(hit) = cache.get(&file, key)
            && (self.keep)(&file, hit.digest)
        {
            cache.put(file.clone(), hit.clone());
            return Ok(Done {
                file,
                records: hit.records,
                records_key: hit.records_key,
                piece: hit.piece,
                xhtml: hit.xhtml,
            });
        }
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let rendered = self.render(i, &self.edition.chapters[i])?;
        (self.write)(&rendered.file, &rendered.html)?;
        let records: Arc<[NoteRecord]> = rendered.records.into();
        let mut records_key = 0;
        if let (Some(cache), Some(key)) = (cache, key) {
            records_key = digest::key(|h| serde_json::to_string(&records[..]).ok().hash(h));
            let cached = cache::Cached {
                key,
                digest: crate::render::offline::digest(&rendered.html),
                records: records.clone(),
                records_key,
                piece: rendered.piece.clone(),
                xhtml: rendered.xhtml.clone(),
            };
            cache.put(rendered.file.clone(), cached);
        }
        Ok(Done {
            file: rendered.file,
            records,
            records_key,
            piece: rendered.piece,
            xhtml: rendered.xhtml,
        })
    }

    /// Everything chapter `i`'s rendering reads: the edition's key, its
    /// place, its source, its notes and marks.
    fn chapter_key(&self, edition_key: u64, i: usize, chapter: &Chapter) -> u64 {
        let indexes = self.indexes;
        digest::key(|h| {
            edition_key.hash(h);
            i.hash(h);
            chapter.source_digest.hash(h);
            digest::feed_debug(h, &indexes.apparatus.marks(i, chapter));
            indexes.apparatus.feed_notes(i, h);
            digest::feed_debug(h, &indexes.quotations.marks(i));
            indexes.quotations.feed_places(i, h);
            digest::feed_debug(h, &indexes.glossary.marks(i));
            digest::feed_debug(h, &indexes.book.marks(i));
            digest::feed_debug(h, &self.edition.page_frame(i));
        })
    }
}

/// Chapters rendered together before the print edition and the EPUB take
/// them in order.
const BATCH: usize = 256;

#[derive(Serialize)]
struct PrintView<'a> {
    /// Where the pieces go: see `print::PIECES_PLACEHOLDER`.
    pieces: &'a str,
    /// `@page` rules naming each piece's running head.
    running_heads: String,
    /// The glossary and the quotations index, as sections.
    back: Vec<PrintSection>,
}

#[derive(Serialize)]
struct PrintSection {
    id: String,
    title: String,
    html: String,
}

type PrintOutputWriter = PrintWriter<std::io::BufWriter<std::fs::File>>;
type PrintOutput = (PrintOutputWriter, Targets);

/// Starts print.html, when the theme has a `print.html` (and the
/// `piece.html` it takes the pieces from): its frame is rendered and written
/// up to the place of the pieces.
fn print_frame(
    edition: &Edition,
    theme: &Theme,
    indexes: &Indexes,
    back: &Back,
    create: &dyn Fn(&str) -> Result<std::fs::File>,
) -> Result<Option<PrintOutput>> {
    let templates = &theme.tera;
    if !templates.contains_template("print.html") || !templates.contains_template("piece.html") {
        return Ok(None);
    }
    let mut pages: Vec<(String, String)> = edition
        .chapters
        .iter()
        .map(|c| (page_file(&c.slug), print::piece_id(&c.slug)))
        .collect();
    let sections = print_sections(theme, indexes, back);
    for (kind, _, _) in &sections {
        pages.push((format!("{kind}.html"), print::back_id(kind)));
    }
    let targets = Targets::new(pages);
    let back: Vec<PrintSection> = (sections.iter())
        .map(|&(kind, title, _)| PrintSection {
            html: print::section_placeholder(&print::back_id(kind)),
            id: print::back_id(kind),
            title: title.to_owned(),
        })
        .collect();
    let heads: Vec<(String, String, &str)> = edition
        .chapters
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                print::page_name(k),
                print::piece_id(&c.slug),
                c.front.brief_title(),
            )
        })
        .chain(
            back.iter()
                .map(|s| (s.id.clone(), s.id.clone(), s.title.as_str())),
        )
        .collect();
    let mut context = tera::Context::new();
    context.insert(
        "page",
        &PageView {
            kind: "print",
            url: "print.html",
            title: &edition.config.title,
        },
    );
    context.insert(
        "print",
        &PrintView {
            pieces: print::PIECES_PLACEHOLDER,
            running_heads: print::running_heads(&edition.config.title, &heads),
            back,
        },
    );
    let frame = templates
        .render("print.html", &context)
        .map_err(|e| template_error(&e, &theme.templates))?;
    let template = &theme.templates["print.html"].path;
    let out = std::io::BufWriter::new(create("print.html")?);
    Ok(Some((PrintWriter::start(out, &frame, template)?, targets)))
}

/// A section after the pieces of print.html: its kind (`glossary`), its
/// title, and its article's context, made when it is written.
type PrintSectionMaker<'c> = (
    &'static str,
    &'c str,
    Box<dyn Fn() -> Result<tera::Context> + 'c>,
);

/// The back sections of print.html the theme has articles for.
fn print_sections<'c>(
    theme: &'c Theme,
    indexes: &'c Indexes,
    back: &Back,
) -> Vec<PrintSectionMaker<'c>> {
    let templates = &theme.tera;
    let strings = &theme.strings;
    let mut sections: Vec<PrintSectionMaker> = Vec::new();
    if back.glossary && templates.contains_template("glossary-article.html") {
        let title = crate::theme::ui_string(strings, "glossary_page_title", "Glossary");
        sections.push((
            "glossary",
            title,
            Box::new(|| Ok(glossary_context(&indexes.glossary))),
        ));
    }
    if back.quotations && templates.contains_template("quotations-article.html") {
        let title = crate::theme::ui_string(strings, "quotations_page_title", "Quotations");
        sections.push((
            "quotations",
            title,
            Box::new(|| {
                let entries = quotation_entries(theme, &indexes.quotations);
                Ok(quotations_context(&entries))
            }),
        ));
    }
    if back.indexes && templates.contains_template("indexes-article.html") {
        let title = crate::theme::ui_string(strings, "index_page_title", "Index");
        sections.push((
            "indexes",
            title,
            Box::new(|| Ok(indexes_context(&indexes.book))),
        ));
    }
    sections
}

/// Finishes print.html: its tail, each back section (`kind-article.html`)
/// made in its place, one at a time, its ids and links made the
/// document's own.
fn finish_print(
    writer: PrintOutputWriter,
    theme: &Theme,
    indexes: &Indexes,
    back: &Back,
    targets: &Targets,
) -> Result<()> {
    let sections = print_sections(theme, indexes, back);
    writer.finish(&mut |id, out| {
        let Some((kind, title, context)) = sections.iter().find(|s| print::back_id(s.0) == id)
        else {
            return Ok(());
        };
        let url = format!("{kind}.html");
        let mut context = context()?;
        context.insert(
            "page",
            &PageView {
                kind,
                url: &url,
                title,
            },
        );
        let html = theme
            .tera
            .render(&format!("{kind}-article.html"), &context)
            .map_err(|e| template_error(&e, &theme.templates))?;
        drop(context);
        // Entries are localised one by one as they are made: an id or a
        // link is never cut by an entry's edge.
        fill_entries(theme, &indexes.quotations, &html, &mut |part| {
            targets
                .localise_into(part.as_bytes(), id, out)
                .map_err(|e| Error::new(format!("cannot write print.html: {e}")))
        })
    })
}

/// A page after the chapters (`kind.html`): its title from the strings
/// table, and the template's own data in `context`.
fn render_back_page(
    theme: &Theme,
    kind: &str,
    (title_key, default_title): (&str, &str),
    mut context: tera::Context,
) -> Result<Page> {
    let file = format!("{kind}.html");
    let title = crate::theme::ui_string(&theme.strings, title_key, default_title);
    context.insert(
        "page",
        &PageView {
            kind,
            url: &file,
            title,
        },
    );
    let html = theme
        .tera
        .render(&file, &context)
        .map_err(|e| template_error(&e, &theme.templates))?;
    Ok(Page { file, html })
}

fn glossary_context(index: &GlossaryIndex) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("letters", &index.letters());
    context.insert("entry_count", &index.entries.len());
    context
}

fn indexes_context(index: &BookIndex) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("indexes", &index.views());
    context
}

fn render_indexes_page(theme: &Theme, index: &BookIndex) -> Result<Page> {
    render_back_page(
        theme,
        "indexes",
        ("index_page_title", "Index"),
        indexes_context(index),
    )
}

/// Each passage of the quotations index with its entry: the theme's
/// `quotation-item.html` rendered for it (`q`, with all its places), one
/// at a time, on every core: a large edition's passages have a hundred
/// thousand places, whose values held at once for one template took
/// hundreds of megabytes. Made for print.html and again for the index page,
/// rather than held between the two (40 MB for a random 10,000-piece
/// edition).
/// The passages as quotations.html and print.html list them. Each entry's
/// `html` is a placeholder where the theme has `quotation-item.html`: the
/// entries are made when the page is written (`fill_entries`), a batch at
/// a time, rather than held all at once, once more in the template's
/// values and again in its output (a large edition's entries are tens of
/// megabytes).
fn quotation_entries(theme: &Theme, index: &QuotationIndex) -> Vec<QuotationEntry> {
    let has_item = theme.tera.contains_template(QUOTATION_ITEM);
    (index.views.iter().enumerate())
        .map(|(k, view)| {
            let html = if has_item {
                format!("{ENTRY_PLACEHOLDER}{k} -->")
            } else {
                String::new()
            };
            QuotationEntry::new(view, html)
        })
        .collect()
}

const QUOTATION_ITEM: &str = "quotation-item.html";
const ENTRY_PLACEHOLDER: &str = "<!-- zhushu: the entry of passage ";
/// Entries made side by side while a page is filled.
const ENTRIES_AT_ONCE: usize = 128;

/// `html` to `write`, each entry's placeholder replaced by its passage's
/// `quotation-item.html`, made on every core a batch at a time.
fn fill_entries(
    theme: &Theme,
    index: &QuotationIndex,
    html: &str,
    write: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<()> {
    // (text before it, the passage) for every placeholder, in order.
    let (placeholders, rest) = crate::render::split_at_placeholders(html, ENTRY_PLACEHOLDER);
    let parts: Vec<(&str, usize)> = (placeholders.into_iter())
        .map(|(before, k)| match k.parse() {
            Ok(k) if k < index.views.len() => Ok((before, k)),
            _ => Err(Error::new(format!(
                "no passage {k} for its entry's placeholder"
            ))),
        })
        .collect::<Result<_>>()?;
    for batch in parts.chunks(ENTRIES_AT_ONCE) {
        let entries: Vec<String> = batch
            .par_iter()
            .map(|&(_, k)| {
                let mut context = tera::Context::new();
                context.insert("q", &index.views[k]);
                theme
                    .tera
                    .render(QUOTATION_ITEM, &context)
                    .map_err(|e| template_error(&e, &theme.templates))
            })
            .collect::<Result<_>>()?;
        for (&(before, _), entry) in batch.iter().zip(&entries) {
            write(before)?;
            write(entry)?;
        }
    }
    write(rest)
}

fn quotations_context(entries: &[QuotationEntry]) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("quotations", entries);
    context
}

fn render_glossary_page(theme: &Theme, index: &GlossaryIndex) -> Result<Page> {
    let context = glossary_context(index);
    render_back_page(
        theme,
        "glossary",
        ("glossary_page_title", "Glossary"),
        context,
    )
}

fn render_quotations_page(theme: &Theme, index: &QuotationIndex) -> Result<Page> {
    let context = quotations_context(&quotation_entries(theme, index));
    let page = render_back_page(
        theme,
        "quotations",
        ("quotations_page_title", "Quotations"),
        context,
    )?;
    let mut html = String::new();
    fill_entries(theme, index, &page.html, &mut |part| {
        html.push_str(part);
        Ok(())
    })?;
    Ok(Page {
        file: page.file,
        html,
    })
}

fn render_notes_page(
    edition: &Edition,
    theme: &Theme,
    notes: &NoteRecords,
    apparatus: &Apparatus,
    memo: Option<(&ChapterMemo<Arc<[String]>>, u64)>,
) -> Result<Page> {
    let entries = notes_page::entries(edition, theme, notes, memo)?;
    let records: Vec<&NoteRecord> = notes.all().collect();
    let entries: Option<Vec<&str>> = entries.as_ref().map(|chapters| {
        chapters
            .iter()
            .flat_map(|c| c.iter().map(String::as_str))
            .collect()
    });
    let mut context = tera::Context::new();
    context.insert(
        "note_groups",
        &apparatus::groups(&records, entries.is_some(), apparatus),
    );
    context.insert("note_count", &records.len());
    let page = render_back_page(theme, "notes", ("notes_page_title", "Notes"), context)?;
    let Some(entries) = entries else {
        return Ok(page);
    };
    let size = entries.iter().map(|e| e.len() + 1).sum::<usize>();
    let mut html = String::with_capacity(page.html.len() + size);
    apparatus::fill_groups(&page.html, &records, &entries, &mut html);
    Ok(Page {
        file: page.file,
        html,
    })
}

fn render_index(edition: &Edition, theme: &Theme) -> Result<Page> {
    let mut context = tera::Context::new();
    context.insert(
        "page",
        &PageView {
            kind: "index",
            url: "index.html",
            title: &edition.config.title,
        },
    );
    let html = theme
        .tera
        .render("index.html", &context)
        .map_err(|e| template_error(&e, &theme.templates))?;
    Ok(Page {
        file: "index.html".to_owned(),
        html,
    })
}

impl<'a> ChapterRun<'a> {
    /// Chapter `i`'s page, with its sidenotes, quotation and glossary
    /// marks; then its print piece and EPUB page (`plain`).
    fn render(&self, i: usize, chapter: &'a Chapter) -> Result<RenderedChapter> {
        let Indexes {
            apparatus,
            quotations,
            glossary,
            book,
        } = self.indexes;
        let mut marks: Vec<Mark> = apparatus.marks(i, chapter);
        marks.extend(quotations.marks(i));
        marks.extend(glossary.marks(i).iter().cloned());
        marks.extend(book.marks(i).iter().cloned());
        let sidenotes = apparatus.sidenotes(i, chapter);
        let frame = self.edition.page_frame(i);
        let pages = chapter.document.break_pages(frame);
        let options = BodyOptions {
            pages: &pages,
            ..*self.body_options
        };
        let rendered = body::render(&chapter.document, &options, &marks, &sidenotes);
        let views = apparatus.views(i, chapter, &rendered);
        let records: Vec<NoteRecord> = views
            .iter()
            .map(|(view, loaded)| apparatus::record(chapter, view.clone(), *loaded))
            .collect();
        let notes: Vec<NoteView> = views.into_iter().map(|(view, _)| view).collect();
        let url = page_file(&chapter.slug);
        let mut context = tera::Context::new();
        context.insert(
            "page",
            &PageView {
                kind: "chapter",
                url: &url,
                title: &chapter.front.title,
            },
        );
        // The lists of places of the page's quotations go after its text,
        // once each (see `QuotationIndex::templates`).
        let body_html = rendered.html + &quotations.templates(i);
        let mut view = self.chapter_view(i, chapter, body_html, notes);
        let cite = citations::cite_json(&self.edition.config, chapter, frame);
        context.insert("cite", &cite);
        context.insert("chapter", &view);
        context.insert("prev", &i.checked_sub(1).map(|j| &self.entries[j]));
        context.insert("next", &self.entries.get(i + 1));
        let html = self.render_template("chapter.html", &context)?;
        context.remove("cite");
        let (piece, xhtml) = self.plain(i, chapter, &options, &mut view, &mut context)?;
        Ok(RenderedChapter {
            file: url,
            html,
            records,
            piece: piece.map(Arc::from),
            xhtml,
        })
    }

    /// What `chapter.html` and `piece.html` receive as `chapter`.
    fn chapter_view(
        &self,
        i: usize,
        chapter: &'a Chapter,
        body_html: String,
        notes: Vec<NoteView>,
    ) -> ChapterView<'a> {
        let language = &self.edition.config.language;
        ChapterView {
            entry: self.entries[i].clone(),
            source: chapter.front.source.as_deref(),
            place: chapter.front.place.as_deref(),
            interview: chapter.front.interview.as_ref().map(|i| InterviewView {
                interviewee: i.interviewee.as_deref(),
                about: i.about.as_deref(),
                interviewers: &i.interviewers,
                date: i.date.map(|d| d.display(language)),
                place: i.place.as_deref(),
            }),
            body_html,
            notes,
            headings: chapter
                .document
                .headings()
                .iter()
                .map(|h| HeadingView {
                    level: h.level,
                    id: &h.id,
                    text: &h.text,
                })
                .collect(),
        }
    }

    /// The print edition and the EPUB share a body with notes only: no
    /// sidenote copies, no quotation or glossary marks, which paper and
    /// reading systems cannot open. Gives the print piece (when the theme
    /// makes print.html), rendered with the page's context, and the EPUB
    /// page, deflated.
    fn plain(
        &self,
        i: usize,
        chapter: &Chapter,
        options: &BodyOptions,
        view: &mut ChapterView,
        context: &mut tera::Context,
    ) -> Result<(Option<Vec<u8>>, epub::PackedChapter)> {
        let apparatus = &self.indexes.apparatus;
        let plain_marks = apparatus.marks(i, chapter);
        let (plain, xhtml) =
            epub::plain_body_and_page(i, chapter, self.epub_input, options, &plain_marks)?;
        let xhtml = epub::pack_chapter(&chapter.slug, &xhtml)?;
        let Some(targets) = self.targets else {
            return Ok((None, xhtml));
        };
        view.notes = apparatus
            .views(i, chapter, &plain)
            .into_iter()
            .map(|(view, _)| view)
            .collect();
        view.body_html = plain.html;
        context.insert("chapter", &*view);
        let article = self.render_template("piece.html", context)?;
        let piece = targets.localise(&article, &print::piece_id(&chapter.slug));
        Ok((Some(piece), xhtml))
    }

    /// Template `name`'s bytes: Tera writes them from `str`s, and a page
    /// goes to its file, so they are not checked as UTF-8 once more
    /// (`Tera::render` does, a twentieth of a large build's time).
    fn render_template(&self, name: &str, context: &tera::Context) -> Result<Vec<u8>> {
        let theme = self.theme;
        let mut out = Vec::new();
        theme
            .tera
            .render_to(name, context, &mut out)
            .map_err(|e| template_error(&e, &theme.templates))?;
        Ok(out)
    }
}

struct RenderedChapter {
    /// Its page's file and bytes.
    file: String,
    html: Vec<u8>,
    records: Vec<NoteRecord>,
    /// Its article for print.html, when the theme makes one.
    piece: Option<Arc<[u8]>>,
    /// Its EPUB page, deflated.
    xhtml: epub::PackedChapter,
}

fn entry<'a>(chapter: &'a Chapter, language: &str, strings: &serde_json::Value) -> Entry<'a> {
    let front = &chapter.front;
    let kind = front.kind.as_deref();
    let kind_label = kind.map(|k| {
        strings
            .get("kinds")
            .and_then(|kinds| kinds.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or(k)
            .to_owned()
    });
    Entry {
        number: chapter.number,
        slug: &chapter.slug,
        url: page_file(&chapter.slug),
        title: &front.title,
        subtitle: front.subtitle.as_deref(),
        authors: front.authors.iter().map(author).collect(),
        date: front.date.map(|d| d.display(language)),
        kind,
        kind_label,
        page: front.page,
    }
}

fn author(author: &Author) -> AuthorView<'_> {
    AuthorView {
        name: &author.name,
        role: author.role.as_deref(),
    }
}

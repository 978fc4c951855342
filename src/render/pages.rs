//! The edition's pages: template contexts (documented for theme authors in
//! docs/theme-context.md) and their rendering with the theme's Tera.

use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

use crate::date::DisplayDate;
use crate::diagnostic::Result;
use crate::digest;
use crate::enrich::glossary::{Glossary, Place as GlossaryPlace};
use crate::enrich::notes::{Anchor, LoadedNote};
use crate::enrich::quotations::Quotation;
use crate::model::{Author, Chapter, Edition};
use crate::render::body::Mark;
use crate::render::body::{self, BodyOptions};
use crate::render::cache::{self, RenderCache};
use crate::render::epub::{self, EpubInput, EpubWriter};
use crate::render::glossary::GlossaryIndex;
use crate::render::glossary::Stretch;
use crate::render::notes::{self as apparatus, Apparatus, NoteRecord, NoteView};
use crate::render::print::{self, PrintWriter, Targets};
use crate::render::quotations::QuotationIndex;
use crate::theme::{Theme, template_error};
use std::hash::Hash;

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
    /// Opens a file that is written as it is made (print.html, the EPUB).
    pub create: &'a dyn Fn(&str) -> Result<std::fs::File>,
    /// Chapters rendered so far, of all.
    pub progress: &'a dyn Fn(usize, usize),
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
    glossary: (Option<&Glossary>, &[GlossaryPlace]),
    sinks: Sinks,
) -> Result<Rendered> {
    let Sinks {
        write,
        create,
        progress,
        keep,
        cache,
    } = sinks;
    let language = &edition.config.language;
    let strings = &theme.strings;
    let entries: Vec<Entry> = edition
        .chapters
        .iter()
        .map(|c| entry(c, language, strings))
        .collect();

    // What every page shares goes into Tera's global context once, rather
    // than being copied into each of thousands of page contexts.
    let config = &edition.config;
    let global = theme.tera.global_context();
    global.insert("lang", &config.language);
    global.insert("t", strings);
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
            date: config.date.map(|d| d.display(language)),
        },
    );
    global.insert("toc", &entries);
    global.insert("stylesheets", &theme.stylesheets);
    global.insert("print_stylesheets", &theme.print_stylesheets);
    global.insert("scripts", &theme.scripts);
    global.insert("writing_mode", &theme.writing_mode);
    // Pages after the chapters, listed with the contents.
    let has_notes = !notes.is_empty()
        || edition
            .chapters
            .iter()
            .any(|c| !c.document.footnotes.is_empty());
    let mut back_matter = Vec::new();
    if has_notes && theme.tera.contains_template("notes.html") {
        back_matter.push(BackMatter {
            url: "notes.html",
            title: crate::theme::ui_string(strings, "notes_page_title", "Notes").to_owned(),
        });
    }
    let quotation_index = QuotationIndex::new(edition, quotations, strings);
    let has_quotations =
        !quotation_index.views.is_empty() && theme.tera.contains_template("quotations.html");
    if has_quotations {
        back_matter.push(BackMatter {
            url: "quotations.html",
            title: crate::theme::ui_string(strings, "quotations_page_title", "Quotations")
                .to_owned(),
        });
    }
    // What notes and quotations mark in each chapter, which glossary links
    // must not cut across.
    let apparatus = Apparatus::new(edition, notes, anchors, strings);
    // Only where they lie: their markup is made again when each chapter is
    // rendered, rather than held for every chapter at once.
    let taken: Vec<Vec<Stretch>> = edition
        .chapters
        .par_iter()
        .enumerate()
        .map(|(i, chapter)| {
            apparatus
                .marks(i, chapter)
                .iter()
                .chain(quotation_index.marks(i))
                .map(|m| (m.events.clone(), m.start, m.end))
                .collect()
        })
        .collect();
    let glossary_index = GlossaryIndex::new(edition, glossary.0, glossary.1, &taken, strings);
    let has_glossary =
        !glossary_index.entries.is_empty() && theme.tera.contains_template("glossary.html");
    if has_glossary {
        back_matter.push(BackMatter {
            url: "glossary.html",
            title: crate::theme::ui_string(strings, "glossary_page_title", "Glossary").to_owned(),
        });
    }
    theme
        .tera
        .global_context()
        .insert("back_matter", &back_matter);
    let theme: &Theme = theme;
    let strings = &theme.strings;

    let paragraph_label = crate::theme::ui_string(strings, "paragraph_label", "¶ {n}");
    let chapter_pages: HashMap<String, String> = edition
        .chapters
        .iter()
        .filter_map(|c| {
            let name = c.file.file_name()?.to_string_lossy().into_owned();
            Some((name, page_file(&c.slug)))
        })
        .collect();
    let body_options = BodyOptions {
        paragraph_numbers: config.options.paragraph_numbers,
        paragraph_label,
        chapter_pages: &chapter_pages,
        raw_html: crate::render::raw_html::RawHtml::Keep,
    };

    // Each page is written as soon as it is made, so that thousands of
    // pages are never all in memory at once.
    let mut files = Vec::new();
    let mut emit = |page: Page| -> Result<()> {
        write(&page.file, page.html.as_bytes())?;
        files.push(page.file);
        Ok(())
    };
    emit(render_index(edition, theme)?)?;
    let print = print_frame(
        edition,
        theme,
        (&quotation_index, has_quotations),
        (&glossary_index, has_glossary),
        create,
    )?;
    let (mut print, targets) = match print {
        Some((writer, targets)) => (Some(writer), Some(targets)),
        None => (None, None),
    };
    let targets = targets.as_ref();
    let stylesheet = theme
        .static_files
        .get("epub.css")
        .and_then(|path| std::fs::read(path).ok());
    let epub_input = EpubInput {
        edition,
        strings,
        apparatus: &apparatus,
        glossary: &glossary_index,
        quotations: &quotation_index,
        stylesheet,
        writing_mode: theme.writing_mode,
        slugs: edition.chapters.iter().map(|c| c.slug.as_str()).collect(),
    };
    let epub_file = epub::file_name(edition);
    let mut epub_writer = EpubWriter::start(&epub_input, create(&epub_file)?)?;
    // What every chapter's rendering reads beyond the chapter itself.
    let edition_key = cache.map(|_| {
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
            serde_json::to_string(&entries).ok().hash(h);
            serde_json::to_string(&back_matter).ok().hash(h);
            for chapter in &edition.chapters {
                chapter.file.hash(h);
                chapter.slug.hash(h);
            }
        })
    });
    let chapters_rendered = std::sync::atomic::AtomicUsize::new(0);
    // In batches, so that the print edition and the EPUB take the pieces in
    // order while only a batch of them is held in memory.
    let mut records = Vec::new();
    for (batch, chapters) in edition.chapters.chunks(BATCH).enumerate() {
        let done: Vec<(String, Vec<NoteRecord>, Option<String>, epub::PackedChapter)> = chapters
            .par_iter()
            .enumerate()
            .map(|(k, chapter)| {
                let i = batch * BATCH + k;
                let file = page_file(&chapter.slug);
                let key = edition_key.map(|edition_key| {
                    digest::key(|h| {
                        edition_key.hash(h);
                        i.hash(h);
                        chapter.source_digest.hash(h);
                        digest::feed_debug(h, &apparatus.marks(i, chapter));
                        apparatus.feed_notes(i, h);
                        digest::feed_debug(h, &quotation_index.marks(i));
                        digest::feed_debug(h, &glossary_index.marks(i));
                    })
                });
                if let (Some(cache), Some(key)) = (cache, key)
                    && let Some(hit) = cache.get(&file, key)
                    && keep(&file, hit.digest)
                {
                    cache.put(file.clone(), hit.clone());
                    return Ok((file, hit.records, hit.piece, hit.xhtml));
                }
                chapters_rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let prev = i.checked_sub(1).map(|j| &entries[j]);
                let next = entries.get(i + 1);
                let neighbours = (prev, next);
                let rendered = render_chapter(
                    i,
                    chapter,
                    &entries[i],
                    neighbours,
                    theme,
                    &body_options,
                    (&apparatus, &quotation_index, &glossary_index),
                    language,
                    (targets, &epub_input),
                )?;
                write(&rendered.page.file, rendered.page.html.as_bytes())?;
                if let (Some(cache), Some(key)) = (cache, key) {
                    let cached = cache::Cached {
                        key,
                        digest: crate::render::offline::digest(rendered.page.html.as_bytes()),
                        records: rendered.records.clone(),
                        piece: rendered.piece.clone(),
                        xhtml: rendered.xhtml.clone(),
                    };
                    cache.put(rendered.page.file.clone(), cached);
                }
                Ok((
                    rendered.page.file,
                    rendered.records,
                    rendered.piece,
                    rendered.xhtml,
                ))
            })
            .collect::<Result<_>>()?;
        for (k, (file, chapter_records, piece, xhtml)) in done.into_iter().enumerate() {
            let i = batch * BATCH + k;
            files.push(file);
            records.extend(chapter_records);
            if let (Some(writer), Some(piece)) = (print.as_mut(), piece) {
                writer.piece(i, &edition.chapters[i].slug, &piece)?;
            }
            epub_writer.chapter(xhtml)?;
        }
        progress(
            (batch * BATCH + chapters.len()).min(edition.chapters.len()),
            edition.chapters.len(),
        );
    }
    if let Some(writer) = print {
        writer.finish()?;
        files.push("print.html".to_owned());
    }
    epub_writer.finish()?;
    files.push(epub_file);
    let files = std::cell::RefCell::new(files);
    let emit_bytes = |file: &str, bytes: &[u8]| -> Result<()> {
        write(file, bytes)?;
        files.borrow_mut().push(file.to_owned());
        Ok(())
    };
    let emit = |page: Page| emit_bytes(&page.file, page.html.as_bytes());
    if has_notes && theme.tera.contains_template("notes.html") {
        emit(render_notes_page(theme, &records, &apparatus)?)?;
    }
    if has_quotations {
        emit(render_quotations_page(theme, &quotation_index)?)?;
    }
    if has_glossary {
        emit(render_glossary_page(theme, &glossary_index)?)?;
    }
    emit(Page {
        file: "data/glossary.json".to_owned(),
        html: glossary_index.json(),
    })?;
    let search_index =
        crate::render::search::index_script(edition, &quotation_index, &glossary_index, strings);
    emit_bytes("search-index.js", &search_index)?;
    drop(search_index);
    emit(Page {
        file: "data/quotations.json".to_owned(),
        html: quotation_index.json(),
    })?;
    emit(Page {
        file: "data/notes.json".to_owned(),
        html: apparatus::notes_json(&records),
    })?;
    Ok(Rendered {
        files: files.into_inner(),
        chapters_rendered: chapters_rendered.into_inner(),
    })
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

type PrintOutput = (PrintWriter<std::io::BufWriter<std::fs::File>>, Targets);

/// Starts print.html, when the theme has a `print.html` (and the
/// `piece.html` it takes the pieces from): its frame is rendered and written
/// up to the place of the pieces.
fn print_frame(
    edition: &Edition,
    theme: &Theme,
    (quotations, has_quotations): (&QuotationIndex, bool),
    (glossary, has_glossary): (&GlossaryIndex, bool),
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
    let strings = &theme.strings;
    let mut sections = Vec::new();
    if has_glossary && templates.contains_template("glossary-article.html") {
        let title = crate::theme::ui_string(strings, "glossary_page_title", "Glossary");
        sections.push(("glossary", title, glossary_context(glossary)));
    }
    if has_quotations && templates.contains_template("quotations-article.html") {
        let title = crate::theme::ui_string(strings, "quotations_page_title", "Quotations");
        sections.push(("quotations", title, quotations_context(quotations)));
    }
    for (kind, _, _) in &sections {
        pages.push((format!("{kind}.html"), print::back_id(kind)));
    }
    let targets = Targets::new(pages);
    let mut back = Vec::new();
    for (kind, title, mut context) in sections {
        let url = format!("{kind}.html");
        context.insert(
            "page",
            &PageView {
                kind,
                url: &url,
                title,
            },
        );
        let html = templates
            .render(&format!("{kind}-article.html"), &context)
            .map_err(|e| template_error(&e, &theme.templates))?;
        let id = print::back_id(kind);
        back.push(PrintSection {
            html: targets.localise(&html, &id),
            id,
            title: title.to_owned(),
        });
    }
    let titles: Vec<&str> = edition
        .chapters
        .iter()
        .map(|c| c.front.title.as_str())
        .collect();
    let back_heads: Vec<(&str, &str)> = back
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
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
            running_heads: print::running_heads(&edition.config.title, &titles, &back_heads),
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

fn quotations_context(index: &QuotationIndex) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("quotations", &index.views);
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
    let context = quotations_context(index);
    render_back_page(
        theme,
        "quotations",
        ("quotations_page_title", "Quotations"),
        context,
    )
}

fn render_notes_page(theme: &Theme, records: &[NoteRecord], apparatus: &Apparatus) -> Result<Page> {
    let mut context = tera::Context::new();
    context.insert("note_groups", &apparatus::groups(records, apparatus));
    context.insert("note_count", &records.len());
    render_back_page(theme, "notes", ("notes_page_title", "Notes"), context)
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

#[allow(clippy::too_many_arguments)]
fn render_chapter(
    index: usize,
    chapter: &Chapter,
    entry: &Entry,
    (prev, next): (Option<&Entry>, Option<&Entry>),
    theme: &Theme,
    options: &BodyOptions,
    (apparatus, quotations, glossary): (&Apparatus, &QuotationIndex, &GlossaryIndex),
    language: &str,
    (print, epub_input): (Option<&Targets>, &EpubInput),
) -> Result<RenderedChapter> {
    let mut marks: Vec<Mark> = apparatus.marks(index, chapter);
    marks.extend(quotations.marks(index).iter().cloned());
    marks.extend(glossary.marks(index).iter().cloned());
    let sidenotes = apparatus.sidenotes(index, chapter);
    let rendered = body::render(&chapter.document, options, &marks, &sidenotes);
    let views = apparatus.views(index, chapter, &rendered);
    let records: Vec<NoteRecord> = views
        .iter()
        .map(|(view, loaded)| apparatus::record(chapter, view.clone(), *loaded))
        .collect();
    let notes: Vec<NoteView> = views.into_iter().map(|(view, _)| view).collect();
    let headings = chapter
        .document
        .headings
        .iter()
        .map(|h| HeadingView {
            level: h.level,
            id: &h.id,
            text: &h.text,
        })
        .collect();
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
    let mut view = ChapterView {
        entry: entry.clone(),
        source: chapter.front.source.as_deref(),
        place: chapter.front.place.as_deref(),
        interview: chapter.front.interview.as_ref().map(|i| InterviewView {
            interviewee: i.interviewee.as_deref(),
            about: i.about.as_deref(),
            interviewers: &i.interviewers,
            date: i.date.map(|d| d.display(language)),
            place: i.place.as_deref(),
        }),
        // The lists of places of the page's quotations go after its text,
        // once each (see `QuotationIndex::templates`).
        body_html: rendered.html + &quotations.templates(index),
        notes,
        headings,
    };
    context.insert("chapter", &view);
    context.insert("prev", &prev);
    context.insert("next", &next);
    let html = theme
        .tera
        .render("chapter.html", &context)
        .map_err(|e| template_error(&e, &theme.templates))?;
    // The print edition and the EPUB share a body with notes only: no
    // sidenote copies, no quotation or glossary marks, which paper and
    // reading systems cannot open.
    let plain_marks = apparatus.marks(index, chapter);
    let (plain, xhtml) =
        epub::plain_body_and_page(index, chapter, epub_input, options, &plain_marks)?;
    let xhtml = epub::pack_chapter(&chapter.slug, &xhtml)?;
    let piece = match print {
        Some(targets) => {
            let notes: Vec<NoteView> = apparatus
                .views(index, chapter, &plain)
                .into_iter()
                .map(|(view, _)| view)
                .collect();
            view.body_html = plain.html;
            view.notes = notes;
            context.insert("chapter", &view);
            let article = theme
                .tera
                .render("piece.html", &context)
                .map_err(|e| template_error(&e, &theme.templates))?;
            Some(targets.localise(&article, &print::piece_id(&chapter.slug)))
        }
        None => None,
    };
    Ok(RenderedChapter {
        page: Page { file: url, html },
        records,
        piece,
        xhtml,
    })
}

struct RenderedChapter {
    page: Page,
    records: Vec<NoteRecord>,
    /// Its article for print.html, when the theme makes one.
    piece: Option<String>,
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

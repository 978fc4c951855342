//! The edition's pages: template contexts (documented for theme authors in
//! docs/theme-context.md) and their rendering with the theme's Tera.

use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

use crate::date::DisplayDate;
use crate::diagnostic::Result;
use crate::model::{Author, Chapter, Edition, footnote_ref_id};
use crate::render::body::{self, BodyOptions};
use crate::theme::{Theme, template_error};

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
    interview: Option<InterviewView<'a>>,
    body_html: String,
    footnotes: Vec<FootnoteView>,
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
struct FootnoteView {
    number: usize,
    id: String,
    html: String,
    refs: Vec<String>,
}

#[derive(Serialize)]
struct HeadingView<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct PageView<'a> {
    kind: &'a str,
    url: &'a str,
    title: &'a str,
}

/// A rendered page: its file name in the site and its bytes.
pub struct Page {
    pub file: String,
    pub html: String,
}

pub fn page_file(slug: &str) -> String {
    format!("{slug}.html")
}

pub fn render_all(edition: &Edition, theme: &mut Theme) -> Result<Vec<Page>> {
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
    let theme: &Theme = theme;

    let paragraph_label = strings
        .get("paragraph_label")
        .and_then(|v| v.as_str())
        .unwrap_or("¶ {n}");
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
    };

    let mut pages = vec![render_index(edition, theme)?];
    let chapters: Vec<Page> = edition
        .chapters
        .par_iter()
        .enumerate()
        .map(|(i, chapter)| {
            let prev = i.checked_sub(1).map(|j| &entries[j]);
            let next = entries.get(i + 1);
            render_chapter(
                chapter,
                &entries[i],
                prev,
                next,
                theme,
                &body_options,
                language,
            )
        })
        .collect::<Result<_>>()?;
    pages.extend(chapters);
    Ok(pages)
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

fn render_chapter(
    chapter: &Chapter,
    entry: &Entry,
    prev: Option<&Entry>,
    next: Option<&Entry>,
    theme: &Theme,
    options: &BodyOptions,
    language: &str,
) -> Result<Page> {
    let rendered = body::render(&chapter.document, options);
    let footnotes = chapter
        .document
        .footnotes
        .iter()
        .zip(rendered.footnotes)
        .map(|(f, html)| FootnoteView {
            number: f.number,
            id: f.id(),
            html,
            refs: (1..=f.references)
                .map(|k| footnote_ref_id(f.number, k))
                .collect(),
        })
        .collect();
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
    context.insert(
        "chapter",
        &ChapterView {
            entry: entry.clone(),
            source: chapter.front.source.as_deref(),
            interview: chapter.front.interview.as_ref().map(|i| InterviewView {
                interviewee: i.interviewee.as_deref(),
                about: i.about.as_deref(),
                interviewers: &i.interviewers,
                date: i.date.map(|d| d.display(language)),
                place: i.place.as_deref(),
            }),
            body_html: rendered.html,
            footnotes,
            headings,
        },
    );
    context.insert("prev", &prev);
    context.insert("next", &next);
    let html = theme
        .tera
        .render("chapter.html", &context)
        .map_err(|e| template_error(&e, &theme.templates))?;
    Ok(Page { file: url, html })
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

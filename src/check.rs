//! `zhushu check`: everything the build validates, and what it tolerates
//! but an editor should know, reported all at once and without touching
//! the site. Errors are what would stop `zhushu build`; warnings are what
//! it lets pass (a glossary term that occurs nowhere, a link to a paragraph
//! that does not exist, a stop-list phrase the text never uses).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use pulldown_cmark::{Event, Parser, Tag};
use serde::Serialize;

use crate::build::{BuildOptions, build};
use crate::config::LinkMode;
use crate::diagnostic::{Error, Result};
use crate::files::{display_path, read_text};
use crate::model::Edition;
use crate::{enrich, load, theme};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub error: Error,
}

impl Diagnostic {
    fn error(error: Error) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            error,
        }
    }

    fn warning(error: Error) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            error,
        }
    }

    /// As a terminal shows it: `error: …` or `warning: …`, then the place.
    pub fn render(&self) -> String {
        let text = self.error.to_string();
        match self.severity {
            Severity::Error => text,
            Severity::Warning => text.replacen("error: ", "warning: ", 1),
        }
    }
}

/// One diagnostic as `--format json` writes it.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub message: &'a str,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub snippet: Option<&'a str>,
    pub help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        let location = d.error.location.as_ref();
        JsonDiagnostic {
            severity: d.severity,
            message: &d.error.message,
            file: location.map(|l| l.file.display().to_string()),
            line: location.map(|l| l.line),
            column: location.map(|l| l.column),
            snippet: location.and_then(|l| l.snippet.as_deref()),
            help: d.error.help.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub root: PathBuf,
    /// Default: the theme named in edition.yaml.
    pub theme: Option<String>,
    pub drafts: bool,
}

/// Every problem of the edition, errors first within each stage, in the
/// order of the pipeline: chapters, notes, glossary, quotation settings
/// and decisions, links, theme and templates.
pub fn check(options: &CheckOptions) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let root = &options.root;
    let (edition, problems) = match load::load_all(root, options.drafts) {
        Ok(loaded) => loaded,
        // Without edition.yaml nothing else can be read.
        Err(error) => return vec![Diagnostic::error(error)],
    };
    // The raw text of chapters that failed to load: notes and glossary
    // terms that belong to them are not reported again.
    let unloaded: Vec<(String, String)> = problems
        .iter()
        .filter_map(|p| p.location.as_ref())
        .filter_map(|l| {
            let text = std::fs::read_to_string(root.join(&l.file)).ok()?;
            let stem = l.file.file_stem()?.to_string_lossy().into_owned();
            Some((stem, text))
        })
        .collect();
    let in_unloaded = |slug: &str| {
        unloaded.iter().any(|(stem, text)| {
            stem.ends_with(slug) || text.lines().any(|l| l.trim() == format!("slug: {slug}"))
        })
    };
    found.extend(problems.iter().cloned().map(Diagnostic::error));

    match enrich::notes::load(root) {
        Ok(mut notes) => {
            let loaded: HashSet<&str> = edition.chapters.iter().map(|c| c.slug.as_str()).collect();
            notes.retain(|n| {
                loaded.contains(n.note.chapter.as_str()) || !in_unloaded(&n.note.chapter)
            });
            let anchored = enrich::notes::anchor_each(&edition, &notes);
            found.extend(
                anchored
                    .into_iter()
                    .filter_map(|a| a.err())
                    .map(Diagnostic::error),
            );
        }
        Err(error) => found.push(Diagnostic::error(error)),
    }

    match enrich::glossary::load(root) {
        Ok(Some(glossary)) => {
            let raw: Vec<&str> = unloaded.iter().map(|(_, text)| text.as_str()).collect();
            found.extend(unused_glossary_entries(&edition, &glossary, &raw))
        }
        Ok(None) => {}
        Err(error) => found.push(Diagnostic::error(error)),
    }

    match enrich::indexes::load(root) {
        Ok(Some(index)) => {
            let raw: Vec<&str> = unloaded.iter().map(|(_, text)| text.as_str()).collect();
            found.extend(unused_index_entries(&edition, &index, &raw))
        }
        Ok(None) => {}
        Err(error) => found.push(Diagnostic::error(error)),
    }

    found.extend(quotation_settings(&edition));
    found.extend(quotation_decisions(&edition));
    found.extend(broken_links(&edition));
    found.extend(ill_formed_html(&edition));
    found.extend(forbidden_characters(&edition));
    found.extend(page_marks(&edition));

    let theme_name = options
        .theme
        .as_deref()
        .unwrap_or(&edition.config.theme)
        .to_owned();
    match theme::load(root, &theme_name, &edition.config.language) {
        Ok(_) => {
            // Templates can still fail while rendering (a missing variable,
            // a filter given the wrong type): render the whole edition into
            // a scratch folder, once everything else is sound.
            if !found.iter().any(|d| d.severity == Severity::Error)
                && let Err(error) = render_into_scratch(options, &theme_name)
            {
                found.push(Diagnostic::error(error));
            }
        }
        Err(error) => found.push(Diagnostic::error(error)),
    }
    found
}

fn render_into_scratch(options: &CheckOptions, theme: &str) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("zhushu-check-{}", std::process::id()));
    let result = build(&BuildOptions {
        root: options.root.clone(),
        output: Some(scratch.join("site")),
        theme: Some(theme.to_owned()),
        base_url: None,
        drafts: options.drafts,
        ..BuildOptions::default()
    });
    let _ = std::fs::remove_dir_all(&scratch);
    result.map(|_| ())
}

/// Glossary entries whose term and aliases occur nowhere in the text.
fn unused_glossary_entries(
    edition: &Edition,
    glossary: &enrich::glossary::Glossary,
    unloaded: &[&str],
) -> Vec<Diagnostic> {
    let places = enrich::glossary::find(edition, glossary, LinkMode::All);
    let used: HashSet<usize> = places.iter().map(|p| p.entry).collect();
    // Terms are never linked in headings and titles, but standing there
    // is standing in the text.
    let mut texts: Vec<String> = Vec::new();
    for chapter in &edition.chapters {
        texts.push(chapter.front.title.to_lowercase());
        texts.extend(
            chapter
                .document
                .units()
                .iter()
                .map(|u| u.text.to_lowercase()),
        );
    }
    texts.extend(unloaded.iter().map(|t| t.to_lowercase()));
    let entries = glossary
        .entries
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i));
    unused(
        edition,
        &texts,
        entries.map(|(i, e)| (i, e.term.as_str(), e.aliases.as_slice())),
        (&glossary.file, &glossary.lines),
        ("glossary entry", "aliases"),
    )
}

/// Persons and places of content/index.yaml whose name and forms occur
/// nowhere in the text.
fn unused_index_entries(
    edition: &Edition,
    index: &enrich::indexes::NameIndex,
    unloaded: &[&str],
) -> Vec<Diagnostic> {
    let places = enrich::indexes::find_names(edition, index);
    let used: HashSet<usize> = places.iter().map(|p| p.entry).collect();
    // Names are not indexed in headings, but standing there (or in the
    // front matter: an author, an interview's particulars) is standing in
    // the edition.
    let mut texts: Vec<String> = Vec::new();
    for chapter in &edition.chapters {
        let front = &chapter.front;
        texts.push(front.title.to_lowercase());
        texts.extend(front.authors.iter().map(|a| a.name.to_lowercase()));
        texts.extend(front.place.iter().map(|p| p.to_lowercase()));
        if let Some(interview) = &front.interview {
            texts.extend(interview.interviewee.iter().map(|n| n.to_lowercase()));
            texts.extend(interview.interviewers.iter().map(|n| n.to_lowercase()));
            texts.extend(interview.place.iter().map(|n| n.to_lowercase()));
        }
        texts.extend(
            chapter
                .document
                .units()
                .iter()
                .map(|u| u.text.to_lowercase()),
        );
    }
    texts.extend(unloaded.iter().map(|t| t.to_lowercase()));
    let entries = index
        .entries
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i));
    unused(
        edition,
        &texts,
        entries.map(|(i, e)| (i, e.name.as_str(), e.forms.as_slice())),
        (&index.file, &index.lines),
        ("index entry", "forms"),
    )
}

/// A warning for each entry (its number, name and other forms) of which no
/// form stands in any of `texts` (lowercased), at the entry's line of
/// `file`: `what` names the entry, `others` the field of its other forms.
fn unused<'a>(
    edition: &Edition,
    texts: &[String],
    entries: impl Iterator<Item = (usize, &'a str, &'a [String])>,
    (file, lines): (&std::path::Path, &[usize]),
    (what, others): (&str, &str),
) -> Vec<Diagnostic> {
    let source = read_text(&edition.root.join(file)).unwrap_or_default();
    entries
        .filter(|&(_, name, forms)| {
            !std::iter::once(name)
                .chain(forms.iter().map(String::as_str))
                .map(str::to_lowercase)
                .any(|form| texts.iter().any(|t| t.contains(&form)))
        })
        .map(|(i, name, forms)| {
            let line = lines.get(i).copied().unwrap_or(1);
            let nor = if forms.is_empty() {
                String::new()
            } else {
                format!(" (nor do its {others})")
            };
            Diagnostic::warning(
                Error::at(
                    format!("{what} `{name}` occurs nowhere in the text{nor}"),
                    file,
                    &source,
                    line,
                    1,
                )
                .with_help(format!(
                    "check its spelling against the text, or add the form the text uses to `{others}`"
                )),
            )
        })
        .collect()
}

/// Settings under `options.quotations` that cannot do what they say.
fn quotation_settings(edition: &Edition) -> Vec<Diagnostic> {
    let settings = &edition.config.options.quotations;
    let path = edition.root.join("content").join("edition.yaml");
    let file = display_path(&edition.root, &path);
    let source = read_text(&path).unwrap_or_default();
    let locate = |needle: &str| {
        source
            .lines()
            .enumerate()
            .find_map(|(i, line)| {
                line.find(needle)
                    .map(|col| (i + 1, line[..col].chars().count() + 1))
            })
            .unwrap_or((1, 1))
    };
    let at = |message: String, needle: &str| {
        let (line, column) = locate(needle);
        Error::at(message, &file, &source, line, column)
    };
    let mut found = Vec::new();
    let seed = enrich::quotations::QuotationOptions::for_language(&edition.config.language).seed;
    if let Some(n) = settings.min_length.filter(|&n| n < seed) {
        found.push(Diagnostic::warning(
            at(
                format!("`min_length: {n}` is below {seed}, the shortest match detection can start from; {seed} is used"),
                "min_length",
            ),
        ));
    }
    if let Some(n) = settings.min_quoted_length.filter(|&n| n < 2) {
        found.push(Diagnostic::warning(at(
            format!("`min_quoted_length: {n}` is below 2; 2 is used"),
            "min_quoted_length",
        )));
    }
    if settings.disabled {
        return found;
    }
    let texts: Vec<&str> = edition
        .chapters
        .iter()
        .flat_map(|c| c.document.units().into_iter().map(|u| u.text))
        .collect();
    for phrase in &settings.stop_list {
        if phrase.trim().is_empty() {
            found.push(Diagnostic::warning(at(
                "an empty phrase in `stop_list` keeps nothing out".to_owned(),
                "stop_list",
            )));
        } else if !texts.iter().any(|t| t.contains(phrase.as_str())) {
            found.push(Diagnostic::warning(
                at(
                    format!("stop-list phrase “{phrase}” occurs nowhere in the text"),
                    phrase,
                )
                .with_help("a stop-list phrase is matched exactly, punctuation included"),
            ));
        }
    }
    found
}

/// The editor's decisions about quotations (content/quotations.yaml):
/// every one that does not make sense, or whose words no longer stand,
/// stand in no cluster, or in several. Quotations disabled, the file is
/// only read, and said to be unused.
fn quotation_decisions(edition: &Edition) -> Vec<Diagnostic> {
    use enrich::quotation_decisions as decisions;
    let loaded = match decisions::load(&edition.root) {
        Ok(Some(loaded)) => loaded,
        Ok(None) => return Vec::new(),
        Err(error) => return vec![Diagnostic::error(error)],
    };
    let mut found: Vec<Diagnostic> = Vec::new();
    if edition.config.options.quotations.disabled {
        found.extend(loaded.problems.iter().cloned().map(Diagnostic::error));
        if !loaded.decisions.is_empty() {
            found.push(Diagnostic::warning(
                Error::in_file(
                    "quotations are disabled in content/edition.yaml: these decisions are not applied",
                    &loaded.file,
                )
                .with_help("remove `disabled: true` under `options: quotations:`, or the file"),
            ));
        }
        return found;
    }
    let options = enrich::quotations::QuotationOptions::for_edition(&edition.config);
    let detected = enrich::quotations::detect(edition, &options);
    let (_, errors) = decisions::apply_each(edition, detected, Some(&loaded));
    found.extend(errors.into_iter().map(Diagnostic::error));
    found
}

/// Links in the chapters' Markdown to chapters or anchors that do not
/// exist. The build keeps such a link as it is, so they are warnings.
fn broken_links(edition: &Edition) -> Vec<Diagnostic> {
    let by_file: HashMap<String, usize> = edition
        .chapters
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((c.file.file_name()?.to_string_lossy().into_owned(), i)))
        .collect();
    let by_page: HashMap<String, usize> = edition
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("{}.html", c.slug), i))
        .collect();
    let ids: Vec<HashSet<String>> = edition
        .chapters
        .iter()
        .map(|c| {
            c.document
                .units()
                .into_iter()
                .map(|u| u.id.to_owned())
                .chain(c.document.headings().iter().map(|h| h.id.clone()))
                .collect()
        })
        .collect();
    let mut found = Vec::new();
    for (index, chapter) in edition.chapters.iter().enumerate() {
        let path = edition.root.join(&chapter.file);
        let Ok(text) = read_text(&path) else { continue };
        let Some((_, body_start)) = load::body_offset(&text) else {
            continue;
        };
        let body = &text[body_start..];
        let parser = Parser::new_ext(body, crate::markdown::options()).into_offset_iter();
        for (event, range) in parser {
            let Event::Start(Tag::Link { dest_url, .. }) = event else {
                continue;
            };
            let Some(problem) = link_problem(&dest_url, index, &by_file, &by_page, &ids, edition)
            else {
                continue;
            };
            let offset = body_start + range.start;
            found.push(warning_at(problem, &chapter.file, &text, offset));
        }
    }
    found
}

/// HTML written in a chapter that is not well-formed XML: the site keeps it
/// as written, but the EPUB keeps only its words.
fn ill_formed_html(edition: &Edition) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for chapter in &edition.chapters {
        if !crate::render::raw_html::has_raw_html(&chapter.document) {
            continue;
        }
        let path = edition.root.join(&chapter.file);
        let Ok(text) = read_text(&path) else { continue };
        let Some((_, body_start)) = load::body_offset(&text) else {
            continue;
        };
        let body = &text[body_start..];
        let (events, ranges): (Vec<Event>, Vec<std::ops::Range<usize>>) =
            Parser::new_ext(body, crate::markdown::options())
                .into_offset_iter()
                .unzip();
        for (block, problem) in crate::render::raw_html::ill_formed_raw_html(&events) {
            let offset = body_start + ranges[block[0]].start;
            let message = format!(
                "this HTML is not well-formed XML ({}): the site shows it as written, \
                 but the EPUB keeps only its words, without its tags",
                problem
                    .trim_start_matches("at byte ")
                    .split_once(": ")
                    .map_or(problem.as_str(), |(_, why)| why)
            );
            found.push(warning_at(message, &chapter.file, &text, offset));
        }
    }
    found
}

/// Characters XML forbids in a chapter's text (a form feed from
/// pdftotext, a stray control character): the EPUB and every XML file
/// leave them out, the site's pages keep them. One warning a chapter, at
/// the first, with how many there are. (In YAML they are errors already:
/// the parser refuses them.)
fn forbidden_characters(edition: &Edition) -> Vec<Diagnostic> {
    use crate::render::xml::is_forbidden;
    let mut found = Vec::new();
    for chapter in &edition.chapters {
        let Ok(text) = read_text(&edition.root.join(&chapter.file)) else {
            continue;
        };
        let Some((offset, first)) = text.char_indices().find(|&(_, c)| is_forbidden(c)) else {
            continue;
        };
        let count = text[offset..].chars().filter(|&c| is_forbidden(c)).count();
        let others = match count {
            1 => String::new(),
            2 => " (and 1 more in this file)".to_owned(),
            n => format!(" (and {} more in this file)", n - 1),
        };
        let mut warning = warning_at(
            format!(
                "U+{:04X}, a control character XML forbids{others}: the EPUB leaves it out",
                first as u32
            ),
            &chapter.file,
            &text,
            offset,
        );
        warning.error = warning.error.with_help(
            "delete it (a form feed is often a page break from pdftotext: `tr -d '\\f'`)",
        );
        found.push(warning);
    }
    found
}

/// Page marks the build cannot read (an HTML comment that begins with
/// `page` but says no page the way a mark does: the build takes it for a
/// plain comment), and numbered marks whose pages do not rise from the
/// piece's first page.
fn page_marks(edition: &Edition) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for chapter in &edition.chapters {
        let Ok(text) = read_text(&edition.root.join(&chapter.file)) else {
            continue;
        };
        let mut last = chapter.front.page;
        for (at, _) in text.match_indices("<!--") {
            let Some(end) = text[at..].find("-->").map(|e| at + e + 3) else {
                continue;
            };
            let comment = &text[at..end];
            let inner = comment[4..comment.len() - 3].trim_start();
            if !inner
                .get(..4)
                .is_some_and(|w| w.eq_ignore_ascii_case("page"))
            {
                continue;
            }
            match crate::markdown::page_mark(comment) {
                None => found.push(with_help(
                    warning_at(
                        format!("`{comment}` is no page mark the build can read: it stays a comment"),
                        &chapter.file,
                        &text,
                        at,
                    ),
                    "write `<!-- page 12 -->`, `<!-- page 12 inferred -->` or `<!-- page ? inferred -->`",
                )),
                Some((Some(page), _)) => {
                    if let Some(before) = last.filter(|&before| page <= before) {
                        found.push(warning_at(
                            format!("page {page} after page {before}: the printed pages of a piece rise"),
                            &chapter.file,
                            &text,
                            at,
                        ));
                    }
                    last = Some(page);
                }
                Some((None, _)) => {}
            }
        }
    }
    found
}

fn with_help(mut warning: Diagnostic, help: &str) -> Diagnostic {
    warning.error = warning.error.with_help(help);
    warning
}

/// A warning at byte `offset` of a chapter file's `text`.
fn warning_at(message: String, file: &std::path::Path, text: &str, offset: usize) -> Diagnostic {
    let line = text[..offset].matches('\n').count() + 1;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    Diagnostic::warning(Error::at(message, file, text, line, column))
}

/// What is wrong with a link, if it points into the edition and misses.
fn link_problem(
    url: &str,
    from: usize,
    by_file: &HashMap<String, usize>,
    by_page: &HashMap<String, usize>,
    ids: &[HashSet<String>],
    edition: &Edition,
) -> Option<String> {
    if url.contains("://") || url.starts_with("mailto:") {
        return None;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    let target = if path.is_empty() {
        from
    } else if name.ends_with(".md") {
        match by_file.get(name) {
            Some(&i) => i,
            None => {
                return Some(format!(
                    "link to `{path}`, which is not a chapter of this edition"
                ));
            }
        }
    } else if let Some(&i) = by_page.get(name) {
        i
    } else {
        // Other pages of the site (glossary.html, …) and files: not ours
        // to judge.
        return None;
    };
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let known = ids[target].contains(fragment)
        || fragment.strip_prefix("fn-").is_some_and(is_number)
        || fragment
            .strip_prefix("fnref-")
            .is_some_and(|n| n.split('-').all(is_number));
    if known {
        return None;
    }
    let chapter = &edition.chapters[target];
    let last = chapter.document.paragraphs().len();
    Some(format!(
        "link to `#{fragment}` in `{}`, which has no such anchor (its paragraphs are p1–p{last})",
        chapter.file.display()
    ))
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

//! The edition's references for reference managers: `data/citations.json`
//! (CSL-JSON, what Zotero, Pandoc and citeproc read) and `edition.bib`
//! (BibTeX): the edition as a book, and each piece as a chapter of it,
//! with its authors, the printed source's first page, its own date and,
//! when the edition names its public address, its URL.

use serde_json::{Value, json};

use crate::config::EditionConfig;
use crate::date::PartialDate;
use crate::model::{Chapter, Edition};

/// The id of the edition's own entry; pieces are cited by their slugs.
const BOOK: &str = "edition";

/// `data/citations.json`: a CSL-JSON array, the book first.
pub fn csl_json(edition: &Edition) -> String {
    let config = &edition.config;
    let mut items = vec![book_item(config)];
    items.extend(edition.chapters.iter().map(|c| chapter_item(config, c)));
    let mut json = serde_json::to_string_pretty(&items).expect("JSON values serialise");
    json.push('\n');
    json
}

fn book_item(config: &EditionConfig) -> Value {
    let mut item = json!({
        "id": BOOK,
        "type": "book",
        "title": config.title,
        "language": config.language,
    });
    shared_fields(config, &mut item, "index.html");
    if !config.editors.is_empty() {
        item["editor"] = names(&config.editors);
    }
    item
}

fn chapter_item(config: &EditionConfig, chapter: &Chapter) -> Value {
    let front = &chapter.front;
    let mut item = json!({
        "id": chapter.slug,
        "type": "chapter",
        "title": front.title,
        "container-title": config.title,
        "language": config.language,
    });
    shared_fields(config, &mut item, &format!("{}.html", chapter.slug));
    if !front.authors.is_empty() {
        let authors: Vec<String> = front.authors.iter().map(|a| a.name.clone()).collect();
        item["author"] = names(&authors);
    }
    if !config.editors.is_empty() {
        item["editor"] = names(&config.editors);
    }
    if let Some(page) = front.page {
        item["page"] = json!(page.to_string());
    }
    if let Some(date) = front.date {
        item["original-date"] = date_parts(date);
    }
    item
}

/// Publisher, date of the edition, and the page's URL.
fn shared_fields(config: &EditionConfig, item: &mut Value, file: &str) {
    if let Some(publisher) = &config.publisher {
        item["publisher"] = json!(publisher);
    }
    if let Some(date) = config.date {
        item["issued"] = date_parts(date);
    }
    if let Some(url) = url(config, file) {
        item["URL"] = json!(url);
    }
}

/// Names as CSL "literal" names: a Chinese name has no given and family
/// parts to split at a space, and an English one is kept as written.
fn names(names: &[String]) -> Value {
    names.iter().map(|n| json!({ "literal": n })).collect()
}

fn date_parts(date: PartialDate) -> Value {
    let mut parts = vec![u32::from(date.year)];
    if let Some(month) = date.month {
        parts.push(u32::from(month));
        if let Some(day) = date.day {
            parts.push(u32::from(day));
        }
    }
    json!({ "date-parts": [parts] })
}

fn url(config: &EditionConfig, file: &str) -> Option<String> {
    let base = config.base_url.as_deref()?;
    let slash = if base.ends_with('/') { "" } else { "/" };
    Some(format!("{base}{slash}{file}"))
}

/// `edition.bib`: a `@book` for the edition and an `@incollection` for
/// each piece, keyed as the CSL-JSON items are.
pub fn bibtex(edition: &Edition) -> String {
    let config = &edition.config;
    let mut out = String::new();
    let mut book = vec![("title", braced(&config.title))];
    if !config.editors.is_empty() {
        book.push(("editor", bib_names(&config.editors)));
    }
    book.extend(bib_shared(config, "index.html"));
    entry(&mut out, "book", BOOK, &book);
    for chapter in &edition.chapters {
        let front = &chapter.front;
        let mut fields = vec![("title", braced(&front.title))];
        if !front.authors.is_empty() {
            let authors: Vec<String> = front.authors.iter().map(|a| a.name.clone()).collect();
            fields.push(("author", bib_names(&authors)));
        }
        fields.push(("booktitle", braced(&config.title)));
        if !config.editors.is_empty() {
            fields.push(("editor", bib_names(&config.editors)));
        }
        if let Some(page) = front.page {
            fields.push(("pages", page.to_string()));
        }
        fields.extend(bib_shared(config, &format!("{}.html", chapter.slug)));
        if let Some(date) = front.date {
            fields.push(("origdate", braced(&date.display(&config.language).iso)));
        }
        entry(&mut out, "incollection", &chapter.slug, &fields);
    }
    out
}

fn bib_shared(config: &EditionConfig, file: &str) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    if let Some(publisher) = &config.publisher {
        fields.push(("publisher", braced(publisher)));
    }
    if let Some(date) = config.date {
        fields.push(("year", date.year.to_string()));
        if let Some(month) = date.month {
            fields.push(("month", month.to_string()));
        }
    }
    fields.push(("language", braced(&config.language)));
    if let Some(url) = url(config, file) {
        // A URL is not TeX: only its braces would break the entry.
        fields.push(("url", format!("{{{}}}", url.replace(['{', '}'], ""))));
    }
    fields
}

fn entry(out: &mut String, kind: &str, key: &str, fields: &[(&str, String)]) {
    out.push_str(&format!("@{kind}{{{key},\n"));
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {value},\n"));
    }
    out.push_str("}\n\n");
}

/// Names joined by `and`; each in braces, so that BibTeX takes it whole
/// (习近平 has no first and last name to split; an institution neither).
fn bib_names(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| braced(n)).collect();
    format!("{{{}}}", names.join(" and "))
}

/// A value in braces, with TeX's special characters escaped, so that a
/// title's % or & neither ends the field nor breaks LaTeX.
fn braced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('{');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_and_tex_specials_cannot_break_an_entry() {
        assert_eq!(braced("50% & {more}"), r"{50\% \& \{more\}}");
        assert_eq!(braced(r"a\b"), r"{a\textbackslash{}b}");
    }
}

//! Model → files: pages through the theme's templates, and the site's
//! machine-readable companions (sitemap).

pub mod body;
pub mod cache;
pub mod citations;
pub mod epub;
pub mod glossary;
pub mod highlight;
pub mod indexes;
pub mod notes;
pub mod notes_page;
pub mod offline;
pub mod pages;
pub mod print;
pub mod quotations;
pub mod raw_html;
pub mod search;
pub mod sitemap;
pub mod tei;
pub mod xml;

/// How a reader is shown a place in the text: `第12段` for paragraph `p12`,
/// `表格第3行` for table row `r3`, a heading by its own words.
pub fn place_label(unit: &crate::model::TextUnit, strings: &serde_json::Value) -> String {
    let numbered = |prefix: char| {
        unit.id
            .strip_prefix(prefix)
            .filter(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    match (numbered('p'), numbered('r')) {
        (Some(n), _) => {
            crate::theme::ui_string(strings, "paragraph_label", "¶ {n}").replace("{n}", n)
        }
        (_, Some(n)) => crate::theme::ui_string(strings, "row_label", "row {n}").replace("{n}", n),
        _ => unit.text.to_owned(),
    }
}

/// Text escaped for HTML, in an element or an attribute (`&`, `<`, `>`,
/// `"`), the way pulldown-cmark escapes the Markdown's own text: the one
/// escape every renderer uses.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::new();
    pulldown_cmark_escape::escape_html(&mut out, text).ok();
    out
}

/// `html` cut at each placeholder `{open}KEY -->` that a template wrote
/// where zhushu puts a large part in as the page is written: (the text
/// before it, KEY) for each, in order, and the text after the last.
pub(crate) fn split_at_placeholders<'h>(
    html: &'h str,
    open: &str,
) -> (Vec<(&'h str, &'h str)>, &'h str) {
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(open) {
        let Some((key, after)) = rest[at + open.len()..].split_once(" -->") else {
            break;
        };
        parts.push((&rest[..at], key));
        rest = after;
    }
    (parts, rest)
}

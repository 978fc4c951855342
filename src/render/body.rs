//! A chapter's `Document` → HTML: paragraph anchors and numbers, speaker
//! labels, footnote markers, wrapped tables and highlighted code. Everything
//! else is pulldown-cmark's own HTML writer.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_href;
use std::collections::HashMap;

use crate::model::{Document, footnote_ref_id};
use crate::render::highlight;

pub struct BodyOptions<'a> {
    pub paragraph_numbers: bool,
    /// Accessible name of a paragraph number, `{n}` replaced: `第{n}段`.
    pub paragraph_label: &'a str,
    /// Chapter file name (`03-x.md`) → its page (`x.html`), so that authors
    /// can link chapters by the files they see.
    pub chapter_pages: &'a HashMap<String, String>,
}

pub struct RenderedBody {
    pub html: String,
    /// Per footnote (in `Document::footnotes` order), its HTML.
    pub footnotes: Vec<String>,
}

pub fn render(document: &Document, options: &BodyOptions) -> RenderedBody {
    let numbers: HashMap<&str, usize> = document
        .footnotes
        .iter()
        .map(|f| (f.label.as_str(), f.number))
        .collect();
    let mut seen_refs: HashMap<usize, usize> = HashMap::new();
    let mut paragraphs = document.paragraphs.iter().peekable();
    let mut out: Vec<Event> = Vec::with_capacity(document.events.len() + 16);
    let mut code: Option<(String, String)> = None;
    let mut speaker_pending = false;

    for (i, event) in document.events.iter().enumerate() {
        if let Some((lang, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    out.push(Event::Html(highlight::code_block(lang, text).into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Paragraph) => {
                let paragraph = paragraphs.next_if(|p| p.events.start == i);
                let Some(p) = paragraph else {
                    out.push(event.clone());
                    continue;
                };
                let mut open = format!("<p id=\"{}\"", p.id);
                if p.speaker.is_some() {
                    open.push_str(" class=\"turn\"");
                    speaker_pending = true;
                }
                open.push('>');
                if options.paragraph_numbers {
                    let label = options
                        .paragraph_label
                        .replace("{n}", &p.number.to_string());
                    open.push_str(&format!(
                        "<a class=\"pnum\" href=\"#{id}\" aria-label=\"{label}\">{n}</a>",
                        id = p.id,
                        label = escape_attr(&label),
                        n = p.number
                    ));
                }
                out.push(Event::Html(open.into()));
            }
            Event::End(TagEnd::Paragraph) => out.push(Event::Html("</p>\n".into())),
            Event::Start(Tag::Strong) if speaker_pending => {
                speaker_pending = false;
                out.push(Event::Html("<strong class=\"speaker\">".into()));
            }
            Event::FootnoteReference(label) => match numbers.get(label.as_ref()) {
                Some(&n) => {
                    let k = seen_refs.entry(n).or_insert(0);
                    *k += 1;
                    out.push(Event::Html(
                        format!(
                            "<sup class=\"fnref\"><a id=\"{}\" href=\"#fn-{n}\" role=\"doc-noteref\">{n}</a></sup>",
                            footnote_ref_id(n, *k)
                        )
                        .into(),
                    ));
                }
                // A reference to no definition is shown as written.
                None => out.push(Event::Text(format!("[^{label}]").into())),
            },
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(event.clone());
                out.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: rewrite_chapter_link(dest_url, options.chapter_pages),
                title: title.clone(),
                id: id.clone(),
            })),
            _ => {
                speaker_pending = false;
                out.push(event.clone());
            }
        }
    }

    let mut html = String::with_capacity(document.events.len() * 24);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let footnotes = document
        .footnotes
        .iter()
        .map(|f| {
            let mut note = String::new();
            pulldown_cmark::html::push_html(&mut note, f.events.iter().cloned());
            note
        })
        .collect();
    RenderedBody { html, footnotes }
}

/// `other.md#p3` → `other.html#p3` when `other.md` is a chapter.
fn rewrite_chapter_link<'a>(dest: &CowStr<'a>, pages: &HashMap<String, String>) -> CowStr<'a> {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest.as_ref(), None),
    };
    let file = path.rsplit('/').next().unwrap_or(path);
    if !path.ends_with(".md") || path.contains("://") {
        return dest.clone();
    }
    match pages.get(file) {
        Some(page) => {
            let mut url = page.clone();
            if let Some(f) = fragment {
                url.push('#');
                url.push_str(f);
            }
            url.into()
        }
        None => dest.clone(),
    }
}

fn escape_attr(text: &str) -> String {
    let mut out = String::new();
    pulldown_cmark_escape::escape_html(&mut out, text).ok();
    out
}

/// Escapes a URL for an attribute the way pulldown-cmark does.
pub fn href(url: &str) -> String {
    let mut out = String::new();
    escape_href(&mut out, url).ok();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn render_md(md: &str) -> RenderedBody {
        let pages = HashMap::from([("02-other.md".to_owned(), "other.html".to_owned())]);
        render(
            &parse(md),
            &BodyOptions {
                paragraph_numbers: true,
                paragraph_label: "第{n}段",
                chapter_pages: &pages,
            },
        )
    }

    #[test]
    fn paragraphs_carry_ids_and_numbers() {
        let body = render_md("甲。\n\n乙。\n");
        assert_eq!(
            body.html,
            "<p id=\"p1\"><a class=\"pnum\" href=\"#p1\" aria-label=\"第1段\">1</a>甲。</p>\n\
             <p id=\"p2\"><a class=\"pnum\" href=\"#p2\" aria-label=\"第2段\">2</a>乙。</p>\n"
        );
    }

    #[test]
    fn turns_and_footnotes() {
        let body = render_md("**采访组：**您好[^1]，再见[^1]。\n\n[^1]: 注。\n");
        assert!(
            body.html.starts_with("<p id=\"p1\" class=\"turn\">"),
            "{}",
            body.html
        );
        assert!(
            body.html
                .contains("<strong class=\"speaker\">采访组：</strong>")
        );
        assert!(body.html.contains("id=\"fnref-1\" href=\"#fn-1\""));
        assert!(body.html.contains("id=\"fnref-1-2\" href=\"#fn-1\""));
        assert_eq!(body.footnotes, ["<p>注。</p>\n"]);
    }

    #[test]
    fn tables_are_wrapped_and_chapter_links_rewritten() {
        let body =
            render_md("|a|b|\n|-|-|\n|1|2|\n\n[见](02-other.md#p3) [外](https://x.org/a.md)\n");
        assert!(
            body.html
                .starts_with("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
            "{}",
            body.html
        );
        assert!(body.html.contains("href=\"other.html#p3\""));
        assert!(body.html.contains("href=\"https://x.org/a.md\""));
    }
}

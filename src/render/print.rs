//! The print edition, `print.html`: the whole edition in one document for
//! paged media. The theme's `print.html` template gives the frame (cover,
//! contents, back matter) around `{{ print.pieces | safe }}`; the pieces are
//! each piece's `piece.html`, streamed into that place in order, so that a
//! large edition's print document is never held in memory at once.
//!
//! In one document the pages' ids would collide (every piece has a `p1`),
//! so every id inside a piece or a back-matter section is prefixed, and
//! links between pages become links inside the document.

use std::collections::HashMap;
use std::io::Write;

use regex::bytes::Regex;

use crate::diagnostic::{Error, Result};

/// Where the theme's print.html takes the pieces; a comment, so that it is
/// harmless if a template prints it twice, which the build refuses anyway.
pub const PIECES_PLACEHOLDER: &str = "<!-- zhushu: the pieces -->";

/// The id of a piece's section in print.html.
pub fn piece_id(slug: &str) -> String {
    format!("piece-{slug}")
}

/// The id of a back-matter section (`glossary`, `quotations`).
pub fn back_id(kind: &str) -> String {
    format!("back-{kind}")
}

/// How links between the site's pages become links inside print.html:
/// page file → the prefix of the ids of that page's content there.
pub struct Targets {
    prefixes: HashMap<String, String>,
}

impl Targets {
    /// `pages`: (page file, prefix) for every page that print.html holds.
    pub fn new(pages: impl IntoIterator<Item = (String, String)>) -> Targets {
        Targets {
            prefixes: pages.into_iter().collect(),
        }
    }

    /// `html` (a piece's article or a back-matter section) with every id
    /// and every reference to one prefixed with `prefix`, and links to other
    /// pages of print.html turned into links within it. Only attributes that
    /// the renderer and the templates write are touched: text is escaped,
    /// so `id="` never occurs in it.
    /// Headings go one level down too (`h1` → `h2`, …): in print.html the
    /// edition's title is the one `h1`, and each piece's title an `h2`.
    pub fn localise(&self, html: &[u8], prefix: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(html.len() + html.len() / 8);
        self.localise_into(html, prefix, &mut out)
            .expect("writing to memory cannot fail");
        out
    }

    /// `localise`, written to `out` as it is made: a back section of a
    /// large edition is tens of megabytes, not to be held twice more.
    /// Bytes in and out, as Tera writes them: a page is never checked as
    /// UTF-8 again on its way to the file (a tenth of a large build's time
    /// went to checking).
    pub fn localise_into(
        &self,
        html: &[u8],
        prefix: &str,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        let html = demote_headings(html);
        static ATTRIBUTE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
            Regex::new(
                r#"\s(id|for|href|aria-labelledby|aria-describedby|aria-controls|aria-details|headers)="([^"]*)""#,
            )
            .expect("a valid pattern")
        });
        let mut written = 0;
        for caps in ATTRIBUTE.captures_iter(&html) {
            let whole = caps.get(0).expect("the whole match");
            // The name is ASCII, and the value a whole attribute's of
            // well-formed UTF-8: cut at ASCII quotes.
            let name = String::from_utf8_lossy(&caps[1]);
            let value = String::from_utf8_lossy(&caps[2]);
            let value = match &*name {
                "href" => self.link(&value, prefix),
                "id" | "for" => format!("{prefix}-{value}"),
                _ => value
                    .split_whitespace()
                    .map(|id| format!("{prefix}-{id}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            out.write_all(&html[written..whole.start()])?;
            write!(out, " {name}=\"{value}\"")?;
            written = whole.end();
        }
        out.write_all(&html[written..])
    }

    fn link(&self, href: &str, prefix: &str) -> String {
        if let Some(fragment) = href.strip_prefix('#') {
            return format!("#{prefix}-{fragment}");
        }
        let (page, fragment) = match href.split_once('#') {
            Some((page, fragment)) => (page, Some(fragment)),
            None => (href, None),
        };
        match (self.prefixes.get(page), fragment) {
            (Some(target), Some(fragment)) => format!("#{target}-{fragment}"),
            (Some(target), None) => format!("#{target}"),
            // Pages print.html does not hold (the notes page, the cover):
            // the link leads to the site's page beside print.html.
            (None, _) => href.to_owned(),
        }
    }
}

/// Every heading one level lower (`<h1` → `<h2`, down to `h6`), in one
/// pass of a multi-pattern search: tags only, since text is escaped.
fn demote_headings(html: &[u8]) -> Vec<u8> {
    const TAGS: [&str; 10] = [
        "<h1", "<h2", "<h3", "<h4", "<h5", "</h1", "</h2", "</h3", "</h4", "</h5",
    ];
    const LOWER: [&str; 10] = [
        "<h2", "<h3", "<h4", "<h5", "<h6", "</h2", "</h3", "</h4", "</h5", "</h6",
    ];
    static SEARCH: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(TAGS).expect("valid patterns"));
    SEARCH.replace_all_bytes(html, &LOWER)
}

/// A CSS string literal holding `text`, safe inside a `<style>` element.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // `<` would let a title close the style element.
            '<' => out.push_str("\\3C "),
            '\n' | '\r' => out.push_str("\\A "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The running heads: one named page per piece and per back section, the
/// edition's title on left-hand pages and the section's title on
/// right-hand ones, none on the section's first page. `sections`: (named
/// page, id, title). Chromium supports margin boxes but not `string-set`,
/// so each title is written into a page rule of its own; nor does it apply
/// `:first` to a named page's first page, so the head is a counter of the
/// page in a style of its own (`zs-open-right-ID`) that writes nothing on
/// the one page in its `range` and the title on every other. The range is
/// `0 0`, no page, until `zhushu pdf` writes the page where the section
/// opens (it finds these rules by their shape, as it finds the contents'
/// `data-page-of`); a browser's print dialog prints every head.
pub fn running_heads(edition_title: &str, sections: &[(String, String, &str)]) -> String {
    let mut css = format!(
        "@counter-style zs-book {{ system: cyclic; symbols: {}; }}\n",
        css_string(edition_title)
    );
    for (name, id, title) in sections {
        css.push_str(&format!(
            "@counter-style zs-head-{id} {{ system: cyclic; symbols: {}; }}\n",
            css_string(title)
        ));
        for (side, fallback) in [
            ("left", "zs-book".to_owned()),
            ("right", format!("zs-head-{id}")),
        ] {
            css.push_str(&format!(
                "@counter-style zs-open-{side}-{id} {{ system: cyclic; symbols: \"\"; range: 0 0; fallback: {fallback}; }}\n\
                 @page {name}:{side} {{ @top-{side} {{ content: counter(page, zs-open-{side}-{id}); }} }}\n"
            ));
        }
    }
    css
}

/// The named page of the k-th piece (0-based).
pub fn page_name(k: usize) -> String {
    format!("piece-{}", k + 1)
}

/// What stands in the frame for a back section (`print.back[].html`) until
/// the tail is written: the sections are made then, one at a time, rather
/// than held in the tail all through the pieces.
pub fn section_placeholder(id: &str) -> String {
    format!("{SECTION_PLACEHOLDER}{id} -->")
}

const SECTION_PLACEHOLDER: &str = "<!-- zhushu: the back section ";

/// Writes print.html: the frame's head, then each piece as it comes, then
/// the frame's tail with its back sections.
pub struct PrintWriter<W: Write> {
    out: W,
    tail: String,
}

impl<W: Write> PrintWriter<W> {
    /// `frame`: the theme's print.html rendered with the placeholder.
    pub fn start(mut out: W, frame: &str, template: &std::path::Path) -> Result<PrintWriter<W>> {
        let Some((head, tail)) = frame.split_once(PIECES_PLACEHOLDER) else {
            return Err(Error::new(format!(
                "template {} never writes the pieces",
                template.display()
            ))
            .with_help("put `{{ print.pieces | safe }}` where the pieces go"));
        };
        if tail.contains(PIECES_PLACEHOLDER) {
            return Err(Error::new(format!(
                "template {} writes the pieces more than once",
                template.display()
            )));
        }
        out.write_all(head.as_bytes())
            .map_err(|e| Error::new(format!("cannot write print.html: {e}")))?;
        Ok(PrintWriter {
            out,
            tail: tail.to_owned(),
        })
    }

    /// The k-th piece (0-based), its article already localised: wrapped in
    /// its section, on its own named page, after the blank page that
    /// `zhushu pdf` shows when the piece would otherwise start on a
    /// left-hand page. The piece's id is on an empty block at its very
    /// start, not on the section: a PDF destination is an element's top
    /// left corner, which for a section set vertical-rl (its start on the
    /// right) lies on its last page.
    pub fn piece(&mut self, k: usize, slug: &str, article: &[u8]) -> Result<()> {
        let id = piece_id(slug);
        let name = page_name(k);
        let failed = |e: std::io::Error| Error::new(format!("cannot write print.html: {e}"));
        write!(
            self.out,
            "<div class=\"print-blank\" data-blank-for=\"{id}\" hidden></div>\n<section class=\"print-piece\" style=\"page: {name}\">\n<div class=\"print-start\" id=\"{id}\"></div>\n"
        )
        .map_err(failed)?;
        self.out.write_all(article).map_err(failed)?;
        self.out.write_all(b"\n</section>\n").map_err(failed)
    }

    /// The tail, each back section's placeholder replaced by what
    /// `section` writes for its id.
    pub fn finish(mut self, section: &mut dyn FnMut(&str, &mut W) -> Result<()>) -> Result<()> {
        let failed = |e: std::io::Error| Error::new(format!("cannot write print.html: {e}"));
        let (parts, rest) = super::split_at_placeholders(&self.tail, SECTION_PLACEHOLDER);
        for (before, id) in parts {
            self.out.write_all(before.as_bytes()).map_err(failed)?;
            section(id, &mut self.out)?;
        }
        self.out
            .write_all(rest.as_bytes())
            .and_then(|_| self.out.flush())
            .map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Targets {
        Targets::new([
            ("a.html".to_owned(), "piece-a".to_owned()),
            ("glossary.html".to_owned(), "back-glossary".to_owned()),
        ])
    }

    #[test]
    fn ids_and_links_are_made_unique_within_the_document() {
        let html = r##"<h1 id="zs-title">T</h1><p id="p1"><a href="#fn-1" aria-describedby="n1 n2">1</a> <a href="a.html#p3">¶3</a> <a href="a.html">A</a> <a href="glossary.html#g-x">x</a> <a href="notes.html#n">n</a> <a href="https://example.org/#x">e</a></p><label for="q">q</label>"##;
        let out = targets().localise(html.as_bytes(), "piece-b");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r##"<h2 id="piece-b-zs-title">T</h2><p id="piece-b-p1"><a href="#piece-b-fn-1" aria-describedby="piece-b-n1 piece-b-n2">1</a> <a href="#piece-a-p3">¶3</a> <a href="#piece-a">A</a> <a href="#back-glossary-g-x">x</a> <a href="notes.html#n">n</a> <a href="https://example.org/#x">e</a></p><label for="piece-b-q">q</label>"##
        );
    }

    #[test]
    fn text_that_looks_like_an_attribute_is_left_alone() {
        let html = r#"<p id="p1">id=&quot;x&quot; and href=&quot;#y&quot;</p>"#;
        assert_eq!(
            String::from_utf8(targets().localise(html.as_bytes(), "piece-a")).unwrap(),
            r#"<p id="piece-a-p1">id=&quot;x&quot; and href=&quot;#y&quot;</p>"#
        );
    }

    #[test]
    fn titles_become_safe_css_strings() {
        assert_eq!(
            css_string(r#"a "b" \ </style>"#),
            r#""a \"b\" \\ \3C /style>""#
        );
        let sections = [
            ("piece-1".to_owned(), "piece-a".to_owned(), "一"),
            (
                "back-glossary".to_owned(),
                "back-glossary".to_owned(),
                "术语表",
            ),
        ];
        let css = running_heads("书", &sections);
        assert!(css.contains("@counter-style zs-book { system: cyclic; symbols: \"书\"; }"));
        assert!(
            css.contains("@counter-style zs-head-piece-a { system: cyclic; symbols: \"一\"; }")
        );
        assert!(css.contains("@counter-style zs-open-right-piece-a { system: cyclic; symbols: \"\"; range: 0 0; fallback: zs-head-piece-a; }"));
        assert!(css.contains("@counter-style zs-open-left-piece-a { system: cyclic; symbols: \"\"; range: 0 0; fallback: zs-book; }"));
        assert!(css.contains(
            "@page piece-1:right { @top-right { content: counter(page, zs-open-right-piece-a); } }"
        ));
        assert!(css.contains(
            "@page piece-1:left { @top-left { content: counter(page, zs-open-left-piece-a); } }"
        ));
        assert!(css.contains("@page back-glossary:right { @top-right { content: counter(page, zs-open-right-back-glossary); } }"));
    }

    #[test]
    fn the_frame_must_hold_the_pieces_once() {
        let path = std::path::Path::new("themes/x/templates/print.html");
        assert!(PrintWriter::start(Vec::new(), "<html></html>", path).is_err());
        let twice = format!("{PIECES_PLACEHOLDER}{PIECES_PLACEHOLDER}");
        assert!(PrintWriter::start(Vec::new(), &twice, path).is_err());
        let mut out = Vec::new();
        let mut w =
            PrintWriter::start(&mut out, &format!("<b>{PIECES_PLACEHOLDER}</b>"), path).unwrap();
        w.piece(0, "a", b"<article></article>").unwrap();
        w.finish(&mut |_, _| unreachable!("no back section"))
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("<b><div class=\"print-blank\" data-blank-for=\"piece-a\" hidden>")
        );
        assert!(
            out.contains("<section class=\"print-piece\" style=\"page: piece-1\">\n<div class=\"print-start\" id=\"piece-a\"></div>")
        );
        assert!(out.ends_with("</section>\n</b>"));
    }

    #[test]
    fn each_back_section_is_written_in_its_place_in_the_tail() {
        let path = std::path::Path::new("themes/x/templates/print.html");
        let frame = format!(
            "<body>{PIECES_PLACEHOLDER}<section>{}</section><p>between</p><section>{}</section></body>",
            section_placeholder("back-glossary"),
            section_placeholder("back-quotations"),
        );
        let mut out = Vec::new();
        let w = PrintWriter::start(&mut out, &frame, path).unwrap();
        let mut asked = Vec::new();
        w.finish(&mut |id, out| {
            asked.push(id.to_owned());
            write!(out, "[{id}]").map_err(|e| Error::new(e.to_string()))
        })
        .unwrap();
        assert_eq!(asked, ["back-glossary", "back-quotations"]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<body><section>[back-glossary]</section><p>between</p><section>[back-quotations]</section></body>"
        );
    }
}

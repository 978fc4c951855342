//! Fenced code, highlighted by syntect into spans with `hl-` classes (no
//! inline styles), so that each theme colours code its own way.

use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Loading syntax definitions costs milliseconds, so it happens only for
/// editions that have code at all.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

pub fn code_block(lang: &str, code: &str) -> String {
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
    let mut html = String::with_capacity(code.len() * 2);
    if lang.is_empty() {
        html.push_str("<pre class=\"code\"><code>");
        pulldown_cmark_escape::escape_html_body_text(&mut html, code).ok();
        html.push_str("</code></pre>\n");
        return html;
    }
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(lang)
        .unwrap_or_else(|| set.find_syntax_plain_text());
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        // A line syntect cannot parse is shown unhighlighted rather than lost.
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            let mut plain = String::new();
            pulldown_cmark_escape::escape_html_body_text(&mut plain, code).ok();
            return format!("<pre class=\"code\"><code>{plain}</code></pre>\n");
        }
    }
    html.push_str("<pre class=\"code\" data-lang=\"");
    pulldown_cmark_escape::escape_html(&mut html, lang).ok();
    html.push_str("\"><code>");
    html.push_str(&generator.finalize());
    html.push_str("</code></pre>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_with_classes_not_styles() {
        let html = code_block("rust", "fn main() { let s = \"<x>\"; }\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("&lt;x&gt;"), "{html}");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"rust\">"));
    }

    #[test]
    fn unknown_and_missing_languages_are_escaped_plain() {
        assert_eq!(
            code_block("", "a < b\n"),
            "<pre class=\"code\"><code>a &lt; b\n</code></pre>\n"
        );
        assert!(code_block("no-such-language", "x\n").contains("x"));
    }
}

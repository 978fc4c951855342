//! Properties that must hold for any input, not just the fixtures.

use proptest::prelude::*;
use std::collections::HashMap;
use zhushu::date::PartialDate;
use zhushu::markdown::parse;
use zhushu::render::body::{BodyOptions, render};
use zhushu::slug::check_slug;

/// Paragraph text without Markdown syntax: CJK, Latin and punctuation.
fn plain_paragraph() -> impl Strategy<Value = String> {
    "[一-龥，。、“”a-zA-Z0-9 ]{1,40}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not empty", |s| !s.is_empty())
}

proptest! {
    #[test]
    fn paragraphs_are_numbered_consecutively_and_keep_their_text(
        paragraphs in prop::collection::vec(plain_paragraph(), 1..30)
    ) {
        let doc = parse(&paragraphs.join("\n\n"));
        prop_assert_eq!(doc.paragraphs().len(), paragraphs.len());
        for (i, (p, text)) in doc.paragraphs().iter().zip(&paragraphs).enumerate() {
            prop_assert_eq!(&p.id, &format!("p{}", i + 1));
            prop_assert_eq!(&p.text, text);
        }
    }

    #[test]
    fn any_markdown_renders_with_one_anchor_per_paragraph(body in "(?s).{0,400}") {
        let doc = parse(&body);
        let pages = HashMap::new();
        let html = render(&doc, &BodyOptions {
            paragraph_numbers: true,
            paragraph_label: "{n}",
            chapter_pages: &pages,
            raw_html: zhushu::render::raw_html::RawHtml::Keep,
            page_label: "第{n}页",
            page_inferred: "",
            page_unknown: "",
            pages: &[],
        }, &[], &HashMap::new()).html;
        for p in doc.paragraphs() {
            let anchor = format!("<p id=\"{}\"", p.id);
            prop_assert_eq!(html.matches(&anchor).count(), 1, "{} in {}", anchor, html);
        }
    }

    #[test]
    fn cjk_text_wrapped_anywhere_reads_as_unwrapped(
        text in "[一-龥，。]{2,60}", cut in 1usize..59
    ) {
        let chars: Vec<char> = text.chars().collect();
        let cut = cut.min(chars.len() - 1);
        let wrapped: String = chars[..cut].iter().chain(['\n'].iter()).chain(chars[cut..].iter()).collect();
        let doc = parse(&wrapped);
        prop_assert_eq!(&doc.paragraphs()[0].text, &text);
    }

    #[test]
    fn accepted_slugs_are_plain_file_names(slug in "\\PC{0,20}") {
        if check_slug(&slug).is_ok() {
            prop_assert!(!slug.contains('/') && !slug.contains('\\') && !slug.contains(".."));
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'));
        }
    }

    #[test]
    fn valid_dates_round_trip(y in 1000u16..3000, m in 1u8..=12, d in 1u8..=28) {
        for text in [format!("{y}"), format!("{y}-{m:02}"), format!("{y}-{m:02}-{d:02}")] {
            let date = PartialDate::parse(&text).unwrap();
            prop_assert_eq!(date.to_string(), text);
        }
    }
}

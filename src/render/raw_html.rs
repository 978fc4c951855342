//! HTML that the author wrote in the Markdown. The site's pages keep it as
//! written, since browsers repair HTML; an EPUB page must be well-formed
//! XML, so there a block whose own HTML is not keeps its words and loses
//! its tags (`epub::plain_body_and_page`), and `zhushu check` warns of it.

use pulldown_cmark::Event;
use std::collections::HashSet;

use crate::model::Document;

/// The author's own HTML, as written (`Keep`, for the site's pages, which
/// browsers repair), or as its words only, its tags left out: in the blocks
/// where it is not well-formed XML, or everywhere. For EPUB pages, which
/// must be well-formed XML (`epub::plain_body_and_page`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawHtml {
    Keep,
    TextWhereIllFormed,
    Text,
}

/// The raw HTML events (indices into `events`) of each block (a paragraph,
/// a heading, a list, an HTML block) whose raw HTML, taken together, is not
/// well-formed XML, with what is wrong. `zhushu check` warns of the same.
pub fn ill_formed_raw_html(events: &[Event]) -> Vec<(Vec<usize>, String)> {
    let mut ill_formed = Vec::new();
    let mut depth = 0usize;
    let mut block: (Vec<usize>, String) = (Vec::new(), String::new());
    let mut close_block = |block: &mut (Vec<usize>, String)| {
        if !block.0.is_empty()
            && let Some(problem) = crate::render::xml::problem(&format!("<x>{}</x>", block.1))
        {
            ill_formed.push((std::mem::take(&mut block.0), problem));
        }
        block.0.clear();
        block.1.clear();
    };
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    close_block(&mut block);
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    close_block(&mut block);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                block.0.push(i);
                block.1.push_str(html);
            }
            // Consecutive HTML lines at the top are one block.
            _ if depth == 0 => close_block(&mut block),
            _ => {}
        }
    }
    close_block(&mut block);
    ill_formed
}

/// Whether the chapter's Markdown, its footnotes included, holds raw HTML
/// of its own.
pub fn has_raw_html(document: &Document) -> bool {
    events_have_raw_html(&document.events())
        || (document.footnotes.iter()).any(|f| events_have_raw_html(&f.events))
}

pub fn events_have_raw_html(events: &[Event]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
}

/// `html` without its tags (an unfinished one at the end included).
pub fn words_of_html(html: &str) -> String {
    let mut words = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        words.push_str(&rest[..open]);
        rest = match rest[open..].find('>') {
            Some(close) => &rest[open + close + 1..],
            None => "",
        };
    }
    words.push_str(rest);
    words
}

/// Indices of the raw HTML events of `events` to be set as their words.
pub fn as_text(events: &[Event], raw_html: RawHtml) -> HashSet<usize> {
    match raw_html {
        RawHtml::Keep => HashSet::new(),
        RawHtml::TextWhereIllFormed => ill_formed_raw_html(events)
            .into_iter()
            .flat_map(|(events, _)| events)
            .collect(),
        RawHtml::Text => (0..events.len())
            .filter(|&i| matches!(events[i], Event::Html(_) | Event::InlineHtml(_)))
            .collect(),
    }
}

//! A body's Markdown events as a chapter holds them between load and
//! render.
//!
//! pulldown-cmark's `Event` is 80 bytes, sized for its largest tag (a link
//! with three strings), while most events of an edition are a paragraph's
//! start and end, its text, a line break or bold: a loaded 10,000-piece
//! edition held 716,000 of them, 57 MB. `Held` keeps those in 24 bytes and
//! boxes the rest; `get` gives back the very `Event` that was held, its
//! text borrowed.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

#[derive(Debug)]
pub(super) enum Held<'a> {
    Text(CowStr<'a>),
    SoftBreak,
    HardBreak,
    Start(Plain),
    End(TagEnd),
    /// Any other event: code, HTML, links, headings, lists, ...
    Other(Box<Event<'a>>),
}

/// The tags that carry nothing but their kind.
#[derive(Debug, Clone, Copy)]
pub(super) enum Plain {
    Paragraph,
    Emphasis,
    Strong,
    Strikethrough,
    Item,
    HtmlBlock,
    TableHead,
    TableRow,
    TableCell,
}

impl Plain {
    fn of(tag: &Tag) -> Option<Plain> {
        Some(match tag {
            Tag::Paragraph => Plain::Paragraph,
            Tag::Emphasis => Plain::Emphasis,
            Tag::Strong => Plain::Strong,
            Tag::Strikethrough => Plain::Strikethrough,
            Tag::Item => Plain::Item,
            Tag::HtmlBlock => Plain::HtmlBlock,
            Tag::TableHead => Plain::TableHead,
            Tag::TableRow => Plain::TableRow,
            Tag::TableCell => Plain::TableCell,
            _ => return None,
        })
    }

    fn tag(self) -> Tag<'static> {
        match self {
            Plain::Paragraph => Tag::Paragraph,
            Plain::Emphasis => Tag::Emphasis,
            Plain::Strong => Tag::Strong,
            Plain::Strikethrough => Tag::Strikethrough,
            Plain::Item => Tag::Item,
            Plain::HtmlBlock => Tag::HtmlBlock,
            Plain::TableHead => Tag::TableHead,
            Plain::TableRow => Tag::TableRow,
            Plain::TableCell => Tag::TableCell,
        }
    }
}

impl<'a> Held<'a> {
    pub(super) fn new(event: Event<'a>) -> Held<'a> {
        match event {
            Event::Text(text) => Held::Text(text),
            Event::SoftBreak => Held::SoftBreak,
            Event::HardBreak => Held::HardBreak,
            Event::End(end) => Held::End(end),
            Event::Start(tag) => match Plain::of(&tag) {
                Some(plain) => Held::Start(plain),
                None => Held::Other(Box::new(Event::Start(tag))),
            },
            other => Held::Other(Box::new(other)),
        }
    }

    /// The event held: text that borrows stays borrowed, and text held in
    /// a box of its own is lent from there (an event boxed whole, rare, is
    /// cloned).
    pub(super) fn get(&self) -> Event<'_> {
        match self {
            Held::Text(CowStr::Boxed(text)) => Event::Text(CowStr::Borrowed(text)),
            Held::Text(text) => Event::Text(text.clone()),
            Held::SoftBreak => Event::SoftBreak,
            Held::HardBreak => Event::HardBreak,
            Held::Start(plain) => Event::Start(plain.tag()),
            Held::End(end) => Event::End(*end),
            Held::Other(event) => (**event).clone(),
        }
    }

    /// The characters the event counts in the body's text: its own for
    /// text and code, one for a line break.
    pub(super) fn chars(&self) -> usize {
        match self {
            Held::Text(t) => t.chars().count(),
            Held::SoftBreak | Held::HardBreak => 1,
            Held::Other(event) => match &**event {
                Event::Code(t) => t.chars().count(),
                _ => 0,
            },
            Held::Start(_) | Held::End(_) => 0,
        }
    }

    pub(super) fn is_text(&self) -> bool {
        matches!(self, Held::Text(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    #[test]
    fn a_held_event_is_small() {
        assert!(
            std::mem::size_of::<Held>() <= 32,
            "{}",
            std::mem::size_of::<Held>()
        );
    }

    #[test]
    fn every_event_comes_back_as_it_was_held() {
        let markdown = "# Head {#h}\n\nA *b* **c** ~~d~~ `e` [f](g \"h\") <i>j</i>\\\nk\n\n\
                        > q\n\n- item\n\n1. one\n\n| a | b |\n|:--|--:|\n| c | d |\n\n\
                        ```rust\nfn x() {}\n```\n\n<div>\nblock\n</div>\n\nx[^1]\n\n[^1]: note\n\n---\n";
        let events: Vec<Event> = Parser::new_ext(markdown, Options::all()).collect();
        let held: Vec<Held> = events.iter().cloned().map(Held::new).collect();
        let back: Vec<Event> = held.iter().map(Held::get).collect();
        assert_eq!(back, events);
        for (h, e) in held.iter().zip(&events) {
            let chars = match e {
                Event::Text(t) | Event::Code(t) => t.chars().count(),
                Event::SoftBreak | Event::HardBreak => 1,
                _ => 0,
            };
            assert_eq!(h.chars(), chars, "{e:?}");
            assert_eq!(h.is_text(), matches!(e, Event::Text(_)), "{e:?}");
        }
        assert!(held.iter().filter(|h| matches!(h, Held::Other(_))).count() < events.len() / 2);
    }
}

//! The edition as plain data: what load produces and render consumes.
//! No I/O here; later passes (notes, glossary, quotations) add to it.

use pulldown_cmark::Event;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::PathBuf;

use crate::config::EditionConfig;
use crate::date::PartialDate;

#[derive(Debug)]
pub struct Edition {
    /// The edition's root folder (the one holding `content/`).
    pub root: PathBuf,
    pub config: EditionConfig,
    /// Published chapters in reading order (drafts left out unless asked for).
    pub chapters: Vec<Chapter>,
}

#[derive(Debug)]
pub struct Chapter {
    /// The Markdown file, relative to the edition's root.
    pub file: PathBuf,
    pub front: FrontMatter,
    pub slug: String,
    /// Position in reading order, from 1.
    pub number: usize,
    pub document: Document,
    /// A hash of the file's text, by which `zhushu serve` knows a chapter
    /// it rendered before (`render::cache`).
    pub source_digest: u64,
}

/// A chapter's YAML front matter.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The title where a long one would crowd the page: running heads and
    /// the back matter's lists of places (`FrontMatter::brief_title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// speech, article, interview, news, table, ...: free, but themes label
    /// the kinds their string tables know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Reading order; chapters without one follow, by file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Page in the printed book, as readers cite it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Where the piece was first published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where it was given or written (a speech's city, a letter's town),
    /// as the date line names it: （2018年3月12日，北京）, (12 March 2018,
    /// Riverside).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The particulars of an interview (采访对象, 采访组, 采访日期, 采访地点).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview: Option<Interview>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

impl FrontMatter {
    /// The title as running heads and lists of places give it: the
    /// `short_title` if there is one, else the title up to a subtitle it
    /// carries itself (after a dash, ——, or a colon, ： or `: `), else the
    /// whole title.
    pub fn brief_title(&self) -> &str {
        if let Some(short) = self.short_title.as_deref().map(str::trim)
            && !short.is_empty()
        {
            return short;
        }
        let title = self.title.trim();
        ["——", "：", ": ", " — ", " – "]
            .iter()
            .filter_map(|mark| title.find(mark))
            .min()
            .map(|at| title[..at].trim_end())
            // A title that opens with its mark (——副题) has nothing before it.
            .filter(|head| head.chars().count() >= 2)
            .unwrap_or(title)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Interview {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interviewee: Option<String>,
    /// What the source says of the interviewee (born, posts held, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(from = "AuthorForm")]
pub struct Author {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// An author is `{name, role}`, or just the name when there is no role.
#[derive(Deserialize)]
#[serde(untagged, expecting = "an author: a name, or {name, role}")]
enum AuthorForm {
    Name(String),
    Full(AuthorFields),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorFields {
    name: String,
    #[serde(default)]
    role: Option<String>,
}

impl From<AuthorForm> for Author {
    fn from(form: AuthorForm) -> Author {
        match form {
            AuthorForm::Name(name) => Author { name, role: None },
            AuthorForm::Full(AuthorFields { name, role }) => Author { name, role },
        }
    }
}

/// A chapter's body, parsed once: the Markdown events, with the facts that
/// rendering and later passes need already pulled out.
#[derive(Debug, Default)]
pub struct Document {
    /// Body events, footnote definitions removed (they are in `footnotes`).
    pub events: Vec<Event<'static>>,
    pub paragraphs: Vec<Paragraph>,
    pub headings: Vec<Heading>,
    /// Table rows (the head row included), `r1`, `r2`, ...: notes and
    /// quotations can point into them too.
    pub rows: Vec<Paragraph>,
    /// In order of first reference; unreferenced definitions last.
    pub footnotes: Vec<Footnote>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// `p1`, `p2`, ...: stable anchors for citing.
    pub id: String,
    pub number: usize,
    /// The paragraph's plain text, as read (no markup).
    pub text: String,
    /// The speaker of an interview turn (`**采访组：**...`), colon removed.
    pub speaker: Option<String>,
    /// Where its events lie in `Document::events`, Start and End included.
    pub events: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// Where its events lie in `Document::events`, Start and End included.
    pub events: Range<usize>,
}

/// A stretch of text that notes can point into: a paragraph or a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextUnit<'a> {
    /// `p3`, or the heading's id: what a link to the place targets.
    pub id: &'a str,
    pub text: &'a str,
    pub events: &'a Range<usize>,
}

impl Document {
    /// Paragraphs and headings in reading order.
    pub fn units(&self) -> Vec<TextUnit<'_>> {
        let mut units: Vec<TextUnit> = self
            .paragraphs
            .iter()
            .map(|p| TextUnit {
                id: &p.id,
                text: &p.text,
                events: &p.events,
            })
            .chain(self.headings.iter().map(|h| TextUnit {
                id: &h.id,
                text: &h.text,
                events: &h.events,
            }))
            .chain(self.rows.iter().map(|r| TextUnit {
                id: &r.id,
                text: &r.text,
                events: &r.events,
            }))
            .collect();
        units.sort_by_key(|u| u.events.start);
        units
    }
}

#[derive(Debug)]
pub struct Footnote {
    pub label: String,
    pub number: usize,
    /// How many times the text refers to it.
    pub references: usize,
    pub events: Vec<Event<'static>>,
}

impl Footnote {
    pub fn id(&self) -> String {
        format!("fn-{}", self.number)
    }
}

/// The id of the `k`-th (from 1) marker of footnote `number`.
pub fn footnote_ref_id(number: usize, k: usize) -> String {
    if k <= 1 {
        format!("fnref-{number}")
    } else {
        format!("fnref-{number}-{k}")
    }
}

/// A stand-off editorial note (`content/notes/*.yaml`): it points at text
/// with a quote selector (`exact`, with `prefix`/`suffix`/`occurrence` to
/// tell repeated passages apart), as the W3C Web Annotation
/// TextQuoteSelector does, so notes survive edits and re-imports.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StandOffNote {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The chapter's slug.
    pub chapter: String,
    /// source, gloss, emendation, commentary, cross-reference.
    #[serde(rename = "type")]
    pub kind: String,
    pub exact: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub suffix: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<usize>,
    /// For an emendation: the reading of the source, and the reading
    /// adopted (which is what `exact` finds in the chapter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
    /// The note itself, in Markdown.
    pub body: String,
    /// Where in the raw source the matter arose (set by import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<usize>,
}

/// A file of stand-off notes.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NoteFile {
    pub notes: Vec<StandOffNote>,
}

#[cfg(test)]
mod tests {
    use super::FrontMatter;

    fn front(title: &str, short: Option<&str>) -> FrontMatter {
        FrontMatter {
            title: title.to_owned(),
            short_title: short.map(str::to_owned),
            ..FrontMatter::default()
        }
    }

    #[test]
    fn a_brief_title_is_the_short_title_or_the_title_before_its_subtitle() {
        assert_eq!(
            front("习近平与办公室", Some("与办公室")).brief_title(),
            "与办公室"
        );
        assert_eq!(
            front("秘书工作的风范——与地县办公室干部谈心", None).brief_title(),
            "秘书工作的风范"
        );
        assert_eq!(front("风范：谈心", None).brief_title(), "风范");
        assert_eq!(
            front("Working Papers: A Study", None).brief_title(),
            "Working Papers"
        );
        assert_eq!(front("——副题", None).brief_title(), "——副题");
        assert_eq!(
            front("习近平谈办公室地位", Some("  ")).brief_title(),
            "习近平谈办公室地位"
        );
    }
}

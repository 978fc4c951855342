//! The edition as plain data: what load produces and render consumes.
//! No I/O here; later passes (notes, glossary, quotations) add to it.

use pulldown_cmark::Event;
use serde::Deserialize;
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
}

/// A chapter's YAML front matter.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub authors: Vec<Author>,
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// speech, article, interview, news, table, ...: free, but themes label
    /// the kinds their string tables know.
    #[serde(default)]
    pub kind: Option<String>,
    /// Reading order; chapters without one follow, by file name.
    #[serde(default)]
    pub order: Option<i64>,
    #[serde(default)]
    pub slug: Option<String>,
    /// Page in the printed book, as readers cite it.
    #[serde(default)]
    pub page: Option<u32>,
    /// Where the piece was first published.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(from = "AuthorForm")]
pub struct Author {
    pub name: String,
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

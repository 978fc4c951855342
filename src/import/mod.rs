//! `zhushu import`: a raw compilation (UTF-8 text from a PDF) becomes
//! front-mattered Markdown in content/. Everything is read from the text's
//! own structure — its table of contents, line shapes and punctuation —
//! never from any one book's titles or names. Each judgement is reported
//! with its line in the source; each repair of the words is also recorded
//! as an emendation note, so nothing changes silently.

mod body;
pub(crate) mod contents;
pub(crate) mod furniture;
mod header;
mod hyphens;
pub(crate) mod pages;
pub(crate) mod pieces;
pub(crate) mod plan;
pub(crate) mod report;
pub(crate) mod text;

pub use plan::{Action, FileAction};

use std::path::{Path, PathBuf};

use crate::diagnostic::{Error, Result};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub source: PathBuf,
    /// The content folder to write into (`content/`).
    pub into: PathBuf,
    pub dry_run: bool,
    pub force: bool,
}

#[derive(Debug)]
pub struct ImportOutcome {
    pub files: Vec<FileAction>,
    /// The full report (Markdown): every judgement with its source line.
    pub report: String,
    pub pieces: usize,
    pub judgements: usize,
    pub emendations: usize,
}

/// One judgement made while reading the source, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub line: usize,
    pub text: String,
}

/// A line read as a heading: a judgement of structure, not a change of
/// the words, recorded as a stand-off note of type `structure` (which the
/// 校勘记 does not list) so that the editor can review it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingNote {
    /// The source line.
    pub line: usize,
    /// The heading's words, unchanged.
    pub text: String,
    pub reason: String,
}

/// A repair of the words, recorded as a stand-off emendation note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emendation {
    /// The source line where it happened.
    pub line: usize,
    /// The corrected reading, as it now stands in the chapter.
    pub exact: String,
    /// The same stretch as the source has it.
    pub original: String,
    pub prefix: String,
    pub suffix: String,
    pub reason: String,
    /// The paragraph of the piece (from 0) it stands in: which of several
    /// places with the same words around it is the one.
    pub paragraph: usize,
}

/// The language of the source, which decides the wording of notes and a
/// few shape rules (first person, speaker labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Chinese,
    English,
}

impl Language {
    pub(crate) fn detect(text: &str) -> Language {
        let letters = text.chars().filter(|c| c.is_alphabetic()).count().max(1);
        let cjk = text
            .chars()
            .filter(|&c| crate::markdown::is_cjk(c) && c.is_alphabetic())
            .count();
        if cjk * 3 >= letters {
            Language::Chinese
        } else {
            Language::English
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Language::Chinese => "zh-CN",
            Language::English => "en",
        }
    }

    /// First-person pronouns per thousand characters above which a piece
    /// with a single author and no role reads as a speech.
    fn speech_first_person(self) -> f64 {
        match self {
            Language::Chinese => 2.0,
            Language::English => 4.0,
        }
    }

    fn first_person_count(self, text: &str) -> usize {
        match self {
            Language::Chinese => text.matches('我').count(),
            Language::English => text
                .split(|c: char| !c.is_alphanumeric() && c != '\'')
                .filter(|w| matches!(*w, "I" | "I'm" | "I've" | "my" | "me" | "we" | "We" | "our"))
                .count(),
        }
    }

    fn duplicate_reason(self, repeated: &str, first: usize, second: usize) -> String {
        match self {
            Language::Chinese => format!(
                "底本第{first}行末与第{second}行首重出“{repeated}”，当为换页时重复，据文意删去其一。书中他处未见“{repeated}{repeated}”连用。"
            ),
            Language::English => format!(
                "The source repeats “{repeated}” at the end of line {first} and the start of line {second}, across a page break; one copy is removed. The doubled form occurs nowhere else in the book."
            ),
        }
    }

    fn heading_reason(self, line: usize) -> String {
        match self {
            Language::Chinese => format!(
                "底本第{line}行独立成行，无编号，亦无句末标点，整理时读作小标题；文字未改。"
            ),
            Language::English => format!(
                "Line {line} of the source stands alone, unnumbered and without sentence punctuation, and is read as a heading; its words are unchanged."
            ),
        }
    }
}

pub fn import(options: &ImportOptions) -> Result<ImportOutcome> {
    let bytes =
        std::fs::read(&options.source).map_err(|e| Error::io("read", &options.source, e))?;
    if bytes.contains(&0) {
        return Err(
            Error::in_file("this is a binary file, not extracted text", &options.source)
                .with_help("extract the text first, e.g. `pdftotext -layout book.pdf book.txt`"),
        );
    }
    let source = crate::files::read_text(&options.source)?;
    let planned = plan_text(options, &bytes, &source)?;
    let files = if options.dry_run {
        planned.plan.actions.clone()
    } else {
        plan::apply(options, &planned.plan)?
    };
    Ok(ImportOutcome {
        files,
        report: planned.report,
        pieces: planned.pieces,
        judgements: planned.judgements,
        emendations: planned.emendations,
    })
}

/// What import makes of a source before it writes anything: the files it
/// would write, and the report.
pub(crate) struct Planned {
    pub(crate) plan: plan::Plan,
    pub(crate) report: String,
    pub(crate) pieces: usize,
    pub(crate) judgements: usize,
    pub(crate) emendations: usize,
}

/// The whole of `import` from the source's text (`source`, read from
/// `bytes`) to its plan and report, touching no file but the manifest of an
/// earlier import in `options.into`: the fuzz targets run it on text in
/// memory, so that they test the pipeline `zhushu import` runs.
pub(crate) fn plan_text(options: &ImportOptions, bytes: &[u8], source: &str) -> Result<Planned> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let blocks = text::blocks(source);
    let Some(contents) = contents::read_contents(&blocks) else {
        return Err(Error::in_file(
            "no table of contents found: zhushu import needs a line `目录`, `目 录` or `Contents` followed by entries that end in page numbers",
            &options.source,
        )
        .with_help("add the table of contents the printed book has, one entry a line: `1. Title 12`"));
    };
    let heading_block = blocks
        .iter()
        .position(|b| b.line == contents.heading_line)
        .unwrap_or(0);
    let cover = contents::read_cover(&blocks[..heading_block]);
    let language = Language::detect(source);
    let (blocks, noise) = clean_body(source, blocks, &contents, language);
    let pieces = pieces::read_pieces(&blocks, &contents, language, &options.source, source)?;
    let plan = plan::plan(options, bytes, &cover, &pieces, language)?;
    let report = report::report(options, &cover, &contents, &pieces, &plan, language, &noise);
    Ok(Planned {
        plan,
        report,
        pieces: pieces.len(),
        judgements: pieces.iter().map(|p| p.judgements.len()).sum(),
        emendations: pieces.iter().map(|p| p.emendations.len()).sum(),
    })
}

/// What import took out of the extracted text as noise, for the report: the
/// lines of form feeds, of page numbers and running heads, and where spaces
/// between CJK and digits or Latin letters went.
#[derive(Debug, Default)]
pub struct Noise {
    pub form_feeds: Vec<usize>,
    pub hyphens: hyphens::Hyphens,
    /// Lines where full-width letters or digits were made ASCII.
    pub width: Vec<usize>,
    pub furniture: furniture::Furniture,
    pub spacing: Vec<usize>,
}

/// The body's blocks without the extraction's noise: page numbers and
/// running heads (never a piece's title), and in a Chinese text the spaces
/// between CJK and digits or Latin letters. The contents keep theirs (a
/// page number stands apart from its entry).
pub(crate) fn clean_body(
    source: &str,
    blocks: Vec<text::Block>,
    contents: &contents::Contents,
    language: Language,
) -> (Vec<text::Block>, Noise) {
    let furniture = match blocks.get(contents.body_start) {
        Some(first) => {
            let titles: Vec<String> = contents
                .entries
                .iter()
                .flat_map(|e| {
                    // Each entry's title once (and its part before a dash
                    // when it has one): furniture counts the pieces that
                    // share a title.
                    let before = e.title_before_dash();
                    let mut keys = vec![e.title.clone()];
                    if before != e.title {
                        keys.push(before.to_owned());
                    }
                    keys
                })
                .collect();
            furniture::find(source, first.line, &titles)
        }
        None => furniture::Furniture::default(),
    };
    let mut blocks = furniture::remove(blocks, &furniture);
    let spacing = match language {
        Language::Chinese => {
            let from = contents.body_start.min(blocks.len());
            text::tighten_blocks(&mut blocks[from..])
        }
        Language::English => Vec::new(),
    };
    let from = contents.body_start.min(blocks.len());
    let hyphens = hyphens::resolve(source, &mut blocks[from..]);
    let width = text::halfwidth_blocks(&mut blocks[from..]);
    let noise = Noise {
        form_feeds: text::form_feed_lines(source),
        furniture,
        spacing,
        hyphens,
        width,
    };
    (blocks, noise)
}

/// The content folder's path as shown in messages.
fn shown(into: &Path, relative: &str) -> PathBuf {
    into.join(relative)
}

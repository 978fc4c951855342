//! The import report: what was read where, and every judgement made, each
//! with its line in the source, so that an editor can check them all.

use std::fmt::Write;

use crate::import::contents::{Contents, Cover};
use crate::import::pieces::Piece;
use crate::import::plan::{Action, Plan};
use crate::import::{ImportOptions, Language, Noise};

pub fn report(
    options: &ImportOptions,
    cover: &Cover,
    contents: &Contents,
    pieces: &[Piece],
    plan: &Plan,
    language: Language,
    noise: &Noise,
) -> String {
    let mut r = String::new();
    let _ = writeln!(r, "# Import report: {}\n", options.source.display());
    let _ = writeln!(
        r,
        "Language: {}. Table of contents at line {} ({} entries).\n",
        language.tag(),
        contents.heading_line,
        contents.entries.len()
    );
    // What was taken out as the extraction's noise, each with its lines.
    let numbered = |lines: &[usize]| lines.iter().map(usize::to_string).collect::<Vec<_>>();
    let heads: Vec<String> = noise
        .furniture
        .running_heads
        .iter()
        .map(|(line, text)| format!("{line} “{text}”"))
        .collect();
    for (lines, what) in [
        (
            numbered(&noise.form_feeds),
            "Page breaks: {n} form feeds, taken out of the text (a page break ends a block, and the joins below decide whether the text goes on), at lines {lines}.",
        ),
        (
            numbered(&noise.furniture.page_numbers),
            "Page numbers: {n} lines that are the printed page's number taken out (each a page break), at lines {lines}.",
        ),
        (
            heads,
            "Running heads: {n} lines repeated at page breaks taken out, at lines {lines}.",
        ),
        (
            numbered(&noise.hyphens.rejoined),
            "Line-end hyphens of hyphenation, taken out and the word rejoined (`gov-`/`ernment` → `government`: the text writes the word whole elsewhere, or no compound-forming word precedes the hyphen): {n}, at lines {lines}.",
        ),
        (
            numbered(&noise.hyphens.kept),
            "Line-end hyphens of compounds, kept (`well-`/`known` → `well-known`: the text writes the compound so elsewhere, or its first word forms compounds): {n}, at lines {lines}.",
        ),
        (
            numbered(&noise.hyphens.soft),
            "Soft hyphens (U+00AD, invisible) taken out on {n} lines: {lines}.",
        ),
        (
            numbered(&noise.width),
            "Width: full-width letters and digits (`２０１８` → `2018`) written as ASCII on {n} lines: {lines}.",
        ),
        (
            numbered(&noise.spacing),
            "Spacing: spaces between CJK and digits or Latin letters (`1962 年` → `1962年`) taken out on {n} lines: {lines}.",
        ),
    ] {
        if !lines.is_empty() {
            let text = what
                .replace("{n}", &lines.len().to_string())
                .replace("{lines}", &lines.join(", "));
            let _ = writeln!(r, "{text}\n");
        }
    }

    let _ = writeln!(r, "## Cover\n");
    let mut cover_line = |what: &str, text: &str, line: usize| {
        let _ = writeln!(r, "- line {line}: {what} “{text}”");
    };
    if let Some(t) = &cover.title {
        cover_line("title", &t.text, t.line);
    }
    if let Some(t) = &cover.subtitle {
        cover_line("subtitle", &t.text, t.line);
    }
    if let Some(p) = &cover.publisher {
        cover_line("publisher", &p.text, p.line);
    }
    for e in &cover.editors {
        cover_line("editor", &e.text, e.line);
    }
    if let Some((date, l)) = &cover.date {
        cover_line(&format!("date {date} from"), &l.text, l.line);
    }
    for o in &cover.other {
        cover_line("not used (another cover line)", &o.text, o.line);
    }
    for p in &plan.proposals {
        let _ = writeln!(r, "- proposed: {p}");
    }

    let _ = writeln!(r, "\n## Pieces\n");
    let _ = writeln!(
        r,
        "| # | line | page | slug | title | authors | date | kind | paragraphs |"
    );
    let _ = writeln!(r, "|---|---|---|---|---|---|---|---|---|");
    for (piece, slug) in pieces.iter().zip(&plan.slugs) {
        let authors: Vec<String> = piece
            .authors
            .iter()
            .map(|a| match &a.role {
                Some(role) => format!("{} ({role})", a.name),
                None => a.name.clone(),
            })
            .collect();
        let _ = writeln!(
            r,
            "| {} | {} | {} | {} | {}{} | {} | {} | {} | {} |",
            piece.order,
            piece.line,
            piece.entry.page.map_or("".into(), |p| p.to_string()),
            slug,
            piece.title,
            // A subtitle after a dash shows its dash; another, one of ours.
            match piece.subtitle.as_deref() {
                Some(sub) if !sub.starts_with(['—', '–']) => format!(" — {sub}"),
                sub => sub.unwrap_or("").to_owned(),
            },
            authors.join("; "),
            piece.date.map_or("".into(), |d| d.to_string()),
            piece.kind,
            piece.paragraphs
        );
    }

    let _ = writeln!(r, "\n## Judgements\n");
    let mut all: Vec<(usize, &str)> = pieces
        .iter()
        .flat_map(|p| p.judgements.iter().map(|j| (j.line, j.text.as_str())))
        .collect();
    all.sort_by_key(|(line, _)| *line);
    for (line, text) in all {
        if text.starts_with("line") {
            let _ = writeln!(r, "- {text}");
        } else {
            let _ = writeln!(r, "- line {line}: {text}");
        }
    }

    let _ = writeln!(r, "\n## Emendations (also in notes/import.yaml)\n");
    for (piece, slug) in pieces.iter().zip(&plan.slugs) {
        for e in &piece.emendations {
            let _ = writeln!(
                r,
                "- line {} ({slug}): “{}” → “{}”: {}",
                e.line, e.original, e.exact, e.reason
            );
        }
    }

    let _ = writeln!(
        r,
        "\n## Headings (notes of type `structure` in notes/import.yaml; the words are unchanged)\n"
    );
    for (piece, slug) in pieces.iter().zip(&plan.slugs) {
        for h in &piece.headings {
            let _ = writeln!(r, "- line {} ({slug}): “{}”", h.line, h.text);
        }
    }

    page_breaks(&mut r, pieces, &plan.slugs);

    let _ = writeln!(r, "\n## Files\n");
    for f in &plan.actions {
        let what = match &f.action {
            Action::Create => "create".to_owned(),
            Action::Update => "update (unedited since the last import)".to_owned(),
            Action::Unchanged => "unchanged".to_owned(),
            Action::KeepEdited => {
                "KEPT: edited since the last import (use --force to replace it; a backup is made)"
                    .to_owned()
            }
            Action::Overwrite { backup } => {
                format!("replaced despite edits (--force); the edited file is saved as {backup}")
            }
            Action::Remove => {
                "remove (made by the last import, unedited, no longer produced)".to_owned()
            }
            Action::KeepStale => {
                "KEPT: no longer produced, but edited since the last import".to_owned()
            }
            Action::AppendKeys(keys) => format!("append the missing keys {}", keys.join(", ")),
        };
        let _ = writeln!(r, "- {}: {what}", f.path);
    }
    r
}

/// The page breaks marked in each piece, with the page each begins, or why
/// it is not known.
fn page_breaks(r: &mut String, pieces: &[Piece], slugs: &[String]) {
    if pieces.iter().all(|p| p.page_breaks.is_empty()) {
        return;
    }
    let _ = writeln!(
        r,
        "\n## Page breaks (page marks `<!-- page N -->` in the chapters)\n"
    );
    for (piece, slug) in pieces.iter().zip(slugs) {
        if piece.page_breaks.is_empty() {
            continue;
        }
        let how = match piece.page_marks {
            crate::model::PageMarks::All => {
                "exact: the source marks every page break (form feeds, page numbers, running heads)"
            }
            crate::model::PageMarks::InsideParagraphs => {
                "inferred: paragraphs cut mid-sentence by a break (a break between paragraphs left no trace, and is not marked)"
            }
        };
        let _ = writeln!(
            r,
            "- {slug} (from page {}), page breaks: {}, {how}; pages {}",
            piece.entry.page.map_or("?".to_owned(), |p| p.to_string()),
            piece.page_breaks.len(),
            piece.page_method.unwrap_or("not known")
        );
        for (line, page) in &piece.page_breaks {
            let page = page.map_or("page not known".to_owned(), |p| format!("page {p} begins"));
            let _ = writeln!(r, "  - line {line}: {page}");
        }
    }
}

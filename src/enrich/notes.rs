//! Stand-off notes (`content/notes/*.yaml`): read, and anchored in the
//! chapters by their quote selectors. A selector that finds nothing, or
//! finds several places without saying which, fails the build with the
//! note's file and line and the nearest match in the chapter.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

use crate::diagnostic::{Error, Result, did_you_mean};
use crate::files::read_text;
use crate::model::{Edition, NoteFile, StandOffNote};
use crate::yaml;

pub const NOTE_TYPES: &[&str] = &[
    "source",
    "gloss",
    "emendation",
    "structure",
    "commentary",
    "cross-reference",
];

#[derive(Debug, Clone)]
pub struct LoadedNote {
    pub note: StandOffNote,
    /// The file (relative to the root) and line where the note starts.
    pub file: PathBuf,
    pub line: usize,
}

/// Where a note points: a unit (paragraph or heading) of a chapter and a
/// character range in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Index into the notes list.
    pub note: usize,
    pub chapter: usize,
    /// Index into `Document::units()` of that chapter.
    pub unit: usize,
    pub start: usize,
    pub end: usize,
}

pub fn load(root: &Path) -> Result<Vec<LoadedNote>> {
    let dir = root.join("content").join("notes");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut notes = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::new(format!("cannot read {}: {e}", dir.display())))?;
        let path = entry.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !entry.file_type().is_file() || !is_yaml {
            continue;
        }
        let shown = path.strip_prefix(root).unwrap_or(path).to_owned();
        let text = read_text(path)?;
        let file: NoteFile = yaml::parse_file(&text, &shown)?;
        let lines = yaml::list_item_lines(&text);
        for (k, note) in file.notes.into_iter().enumerate() {
            let line = lines.get(k).copied().unwrap_or(1);
            check_note(&note, &shown, &text, line)?;
            notes.push(LoadedNote {
                note,
                file: shown.clone(),
                line,
            });
        }
    }
    Ok(notes)
}

fn check_note(note: &StandOffNote, file: &Path, text: &str, line: usize) -> Result<()> {
    let at = |message: String| Error::at(message, file, text, line, 1);
    if !NOTE_TYPES.contains(&note.kind.as_str()) {
        let mut error = at(format!("unknown note type `{}`", note.kind));
        error = match did_you_mean(&note.kind, NOTE_TYPES) {
            Some(k) => error.with_help(format!("did you mean `{k}`?")),
            None => error.with_help(format!("the types are {}", NOTE_TYPES.join(", "))),
        };
        return Err(error);
    }
    if note.exact.is_empty() {
        return Err(at(
            "the note's `exact` is empty: it must quote the text it annotates".into(),
        ));
    }
    if note.body.trim().is_empty() && note.kind != "emendation" {
        return Err(at("the note's `body` is empty".into()));
    }
    if note.kind == "emendation" && note.original.is_none() {
        return Err(at("an emendation needs `original`: the reading of the source".into())
            .with_help("add `original: ...` (and `corrected: ...`, the reading adopted, which `exact` finds)"));
    }
    if note.occurrence == Some(0) {
        return Err(at("`occurrence` counts from 1".into()));
    }
    Ok(())
}

/// Anchors every note in its chapter.
pub fn anchor(edition: &Edition, notes: &[LoadedNote]) -> Result<Vec<Anchor>> {
    anchor_each(edition, notes).into_iter().collect()
}

/// Each note's anchor or the reason it has none, in the notes' order
/// (`zhushu check` reports every failure, the build the first).
pub fn anchor_each(edition: &Edition, notes: &[LoadedNote]) -> Vec<Result<Anchor>> {
    let slugs: HashMap<&str, usize> = edition
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.slug.as_str(), i))
        .collect();
    notes
        .iter()
        .enumerate()
        .map(|(n, loaded)| anchor_one(edition, &slugs, n, loaded))
        .collect()
}

fn anchor_one(
    edition: &Edition,
    slugs: &HashMap<&str, usize>,
    n: usize,
    loaded: &LoadedNote,
) -> Result<Anchor> {
    {
        let note = &loaded.note;
        // The note file is read again only to quote it in an error.
        let located = |message: String| {
            let source = read_text(&edition.root.join(&loaded.file)).unwrap_or_default();
            Error::at(message, &loaded.file, &source, loaded.line, 1)
        };
        let Some(&chapter) = slugs.get(note.chapter.as_str()) else {
            let known: Vec<&str> = slugs.keys().copied().collect();
            let mut error = located(format!(
                "the note points to chapter `{}`, which does not exist",
                note.chapter
            ));
            if let Some(k) = did_you_mean(&note.chapter, &known) {
                error = error.with_help(format!("did you mean `{k}`?"));
            }
            return Err(error);
        };
        let units = edition.chapters[chapter].document.units();
        let matches = find(&units.iter().map(|u| u.text).collect::<Vec<_>>(), note);
        let chosen = match (matches.len(), note.occurrence) {
            (0, _) => {
                let texts: Vec<&str> = units.iter().map(|u| u.text).collect();
                let near = nearest(&texts, &note.exact);
                let mut error = located(format!(
                    "note `{}` quotes “{}”, which chapter `{}` does not contain{}",
                    note.id.as_deref().unwrap_or("(no id)"),
                    note.exact,
                    note.chapter,
                    if note.prefix.is_empty() && note.suffix.is_empty() {
                        ""
                    } else {
                        " with that prefix and suffix"
                    }
                ));
                if let Some((unit, text)) = near {
                    error = error.with_help(format!(
                        "the nearest text is “{text}” in {} ({}): has the text changed?",
                        units[unit].id,
                        edition.chapters[chapter].file.display()
                    ));
                }
                return Err(error);
            }
            (count, Some(k)) if k > count => {
                return Err(located(format!(
                    "note asks for occurrence {k} of “{}”, but chapter `{}` has {count}",
                    note.exact, note.chapter
                )));
            }
            (_, Some(k)) => matches[k - 1],
            (1, None) => matches[0],
            (count, None) => {
                let places: Vec<&str> = matches.iter().map(|(u, _)| units[*u].id).collect();
                return Err(located(format!(
                    "note quotes “{}”, which stands {count} times in chapter `{}` ({})",
                    note.exact,
                    note.chapter,
                    places.join(", ")
                ))
                .with_help("add `prefix` or `suffix` (the words around it), or `occurrence: N`"));
            }
        };
        let (unit, start) = chosen;
        Ok(Anchor {
            note: n,
            chapter,
            unit,
            start,
            end: start + note.exact.chars().count(),
        })
    }
}

/// Every place (unit, character offset) where the note's exact text stands
/// with its prefix before and its suffix after.
pub fn find(units: &[&str], note: &StandOffNote) -> Vec<(usize, usize)> {
    find_words(units, &note.exact, &note.prefix, &note.suffix)
}

/// Every place (unit, character offset) where `exact` stands with `prefix`
/// before and `suffix` after: `find` for anything that quotes the text
/// (notes, the editor's quotation decisions).
pub(crate) fn find_words(
    units: &[&str],
    exact: &str,
    prefix: &str,
    suffix: &str,
) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if exact.is_empty() {
        return found;
    }
    for (u, text) in units.iter().enumerate() {
        for (byte, _) in text.match_indices(exact) {
            let before = &text[..byte];
            let after = &text[byte + exact.len()..];
            if before.ends_with(prefix) && after.starts_with(suffix) {
                found.push((u, before.chars().count()));
            }
        }
    }
    found
}

/// The stretch of text most like `exact` (by edit distance over windows of
/// its length), to show when a note no longer matches.
pub fn nearest(units: &[&str], exact: &str) -> Option<(usize, String)> {
    let want: Vec<char> = exact.chars().collect();
    if want.is_empty() || want.len() > 300 {
        return None;
    }
    let mut best: Option<(usize, usize, String)> = None;
    for (u, text) in units.iter().enumerate() {
        let chars: Vec<char> = text.chars().collect();
        // Same length first, so that a changed character wins a tie.
        for width in [
            want.len(),
            want.len().saturating_sub(1).max(1),
            want.len() + 1,
        ] {
            if chars.len() < width {
                continue;
            }
            for start in 0..=chars.len() - width {
                let window: String = chars[start..start + width].iter().collect();
                let distance = strsim::levenshtein(&window, exact);
                if best.as_ref().is_none_or(|b| distance < b.1) {
                    best = Some((u, distance, window));
                }
            }
        }
    }
    best.filter(|b| b.1 * 2 <= want.len())
        .map(|(u, _, text)| (u, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(exact: &str, prefix: &str, suffix: &str) -> StandOffNote {
        StandOffNote {
            id: None,
            chapter: "c".into(),
            kind: "source".into(),
            exact: exact.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
            occurrence: None,
            original: None,
            corrected: None,
            body: "b".into(),
            source_line: None,
        }
    }

    #[test]
    fn exact_prefix_and_suffix_select() {
        let units = ["吾日三省吾身，又三省吾身。", "三省吾身"];
        assert_eq!(
            find(&units, &note("三省吾身", "", "")),
            [(0, 2), (0, 8), (1, 0)]
        );
        assert_eq!(find(&units, &note("三省吾身", "又", "")), [(0, 8)]);
        assert_eq!(find(&units, &note("三省吾身", "", "，")), [(0, 2)]);
        let english = ["Know thyself, and know thy enemy."];
        assert_eq!(find(&english, &note("know", "and ", "")), [(0, 18)]);
    }

    #[test]
    fn near_matches_are_found() {
        let units = ["只有对马克思主义信仰坚定了，才能做到“千磨万击还坚劲”。"];
        let (u, text) = nearest(&units, "千磨万击还坚韧").unwrap();
        assert_eq!((u, text.as_str()), (0, "千磨万击还坚劲"));
        assert!(nearest(&units, "完全不同的一句话在这里").is_none());
    }

    #[test]
    fn the_nearest_text_may_have_a_character_more_or_less() {
        let units = [
            "序言。",
            "只有对马克思主义信仰坚定了，才能做到“千磨万击还坚劲”。",
        ];
        // The text has a character the note lacks: the window one wider
        // finds it whole, in the second unit.
        assert_eq!(
            nearest(&units, "千磨万击坚劲"),
            Some((1, "千磨万击还坚劲".to_owned()))
        );
        // The note has a character the text lacks: one narrower.
        assert_eq!(
            nearest(&units, "千磨万击还还坚劲"),
            Some((1, "千磨万击还坚劲".to_owned()))
        );
        // Nothing that differs in more than half its characters is
        // offered: five of eight here.
        assert_eq!(nearest(&["千磨万击还坚劲"], "千磨万甲乙丙丁戊"), None);
        assert_eq!(nearest(&units, "一二三四"), None);
    }

    #[test]
    fn the_nearest_text_may_be_a_whole_unit() {
        // The unit is exactly as long as the note's words: its window is
        // the whole unit, which must be looked at too.
        let units = ["千磨万击还坚韧"];
        assert_eq!(
            nearest(&units, "千磨万击还坚劲"),
            Some((0, "千磨万击还坚韧".to_owned()))
        );
    }

    #[test]
    fn only_an_emendation_may_go_without_a_body() {
        let text = "notes:\n  - exact: x\n";
        let file = Path::new("content/notes/n.yaml");
        let mut gloss = note("三省吾身", "", "");
        gloss.body = " \n".into();
        let error = check_note(&gloss, file, text, 2).unwrap_err();
        assert!(error.to_string().contains("`body` is empty"), "{error}");
        let mut emendation = gloss.clone();
        emendation.kind = "emendation".into();
        emendation.original = Some("三省吾吾身".into());
        assert!(check_note(&emendation, file, text, 2).is_ok());
    }

    #[test]
    fn list_items_are_located() {
        let text = "notes:\n  - id: a\n    exact: x\n  - id: b\n    body: |\n      - not an item\n";
        assert_eq!(yaml::list_item_lines(text), [2, 4]);
    }
}

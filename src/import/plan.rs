//! What import writes, and writing it without losing anyone's work: each
//! file's hash as import wrote it is kept in `source/import-manifest.yaml`;
//! a file whose bytes no longer match was edited since, and is kept unless
//! `--force`, which backs it up first.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;

use crate::diagnostic::{Error, Result};
use crate::import::contents::Cover;
use crate::import::pieces::Piece;
use crate::import::{Emendation, ImportOptions, Language, shown};
use crate::model::{FrontMatter, NoteFile, StandOffNote};
use crate::slug::slug_for;
use crate::yaml;

pub const MANIFEST: &str = "source/import-manifest.yaml";
const BACKUPS: &str = "source/backup";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Action {
    Create,
    /// Import's own file, unedited, with new contents.
    Update,
    Unchanged,
    /// Edited since import wrote it: left as it is.
    KeepEdited,
    /// Edited since, replaced because of `--force`; the edit is backed up.
    Overwrite {
        backup: String,
    },
    /// Import's own file, unedited, that this import no longer makes.
    Remove,
    /// Edited, and no longer made: left as it is.
    KeepStale,
    /// edition.yaml exists: the keys it lacks are appended.
    AppendKeys(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct FileAction {
    /// Relative to the content folder, `/`-separated.
    pub path: String,
    pub action: Action,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    source: String,
    files: BTreeMap<String, String>,
}

pub struct Plan {
    pub actions: Vec<FileAction>,
    /// What to write, by path.
    pub(crate) contents: BTreeMap<String, Vec<u8>>,
    manifest: Manifest,
    /// Chapter slugs, in order, for the report.
    pub slugs: Vec<String>,
    /// edition.yaml values that differ from the cover's, for the report.
    pub proposals: Vec<String>,
}

pub fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn plan(
    options: &ImportOptions,
    source_bytes: &[u8],
    cover: &Cover,
    pieces: &[Piece],
    language: Language,
) -> Result<Plan> {
    let into = &options.into;
    let source_name = options
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "source.txt".to_owned());
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    contents.insert(format!("source/{source_name}"), source_bytes.to_vec());

    // Chapters, with slugs unique in the book.
    let width = pieces.len().to_string().len().max(2);
    let mut slugs: Vec<String> = Vec::new();
    let mut notes: Vec<StandOffNote> = Vec::new();
    for piece in pieces {
        let mut base = slug_for(&piece.title);
        if crate::slug::check_slug(&base).is_err() {
            base = format!("piece-{}", piece.order);
        }
        let mut slug = base.clone();
        let mut n = 2;
        while slugs.contains(&slug) || crate::slug::check_slug(&slug).is_err() {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slugs.push(slug.clone());
        let front = FrontMatter {
            title: piece.title.clone(),
            subtitle: piece.subtitle.clone(),
            short_title: None,
            authors: piece.authors.clone(),
            date: piece.date,
            kind: Some(piece.kind.clone()),
            order: Some(piece.order as i64),
            slug: Some(slug.clone()),
            page: piece.entry.page,
            source: piece.source.clone(),
            place: piece.place.clone(),
            interview: piece.interview.clone(),
            page_marks: piece.page_marks,
            draft: false,
        };
        let text = format!("---\n{}---\n\n{}", yaml::to_string(&front), piece.markdown);
        contents.insert(
            format!("chapters/{:0width$}-{slug}.md", piece.order),
            text.into_bytes(),
        );
        let document = crate::markdown::parse(&piece.markdown);
        for (k, e) in piece.emendations.iter().enumerate() {
            notes.push(StandOffNote {
                id: Some(format!("{slug}-import-{}", k + 1)),
                chapter: slug.clone(),
                kind: "emendation".to_owned(),
                exact: e.exact.clone(),
                prefix: e.prefix.clone(),
                suffix: e.suffix.clone(),
                occurrence: emendation_occurrence(&document, e),
                original: Some(e.original.clone()),
                corrected: Some(e.exact.clone()),
                body: e.reason.clone(),
                source_line: Some(e.line),
            });
        }
        notes.extend(heading_notes(piece, &slug));
    }
    if !notes.is_empty() {
        let header = match language {
            Language::Chinese => format!(
                "# zhushu import 整理 {source_name} 时所作的校改（emendation）与读作标题的判断（structure，文字未改），每条注明底本行号。\n# 可以修改；再次导入不会覆盖已改动的文件。\n"
            ),
            Language::English => format!(
                "# Emendations (emendation) and lines read as headings (structure: the words unchanged) by zhushu import from {source_name}, each with its line in the source.\n# Edit freely: a re-import never overwrites a file edited since.\n"
            ),
        };
        let text = header + &yaml::to_string(&NoteFile { notes });
        contents.insert("notes/import.yaml".to_owned(), text.into_bytes());
    }

    let old: Manifest = match fs::read_to_string(into.join(MANIFEST)) {
        Ok(text) => yaml::parse_file(&text, &shown(into, MANIFEST))?,
        Err(_) => Manifest::default(),
    };
    let mut actions = Vec::new();
    let mut manifest = Manifest {
        source: format!("source/{source_name}"),
        files: BTreeMap::new(),
    };
    let mut proposals = Vec::new();

    // edition.yaml: written whole when absent, else only missing keys.
    let edition_path = into.join("edition.yaml");
    let fields = edition_fields(cover, language);
    if edition_path.is_file() {
        let existing = crate::files::read_text(&edition_path)?;
        let map: yaml::Mapping = yaml::parse_file(&existing, &shown(into, "edition.yaml"))?;
        let mut missing = Vec::new();
        let mut appended = existing.clone();
        if !appended.is_empty() && !appended.ends_with('\n') {
            appended.push('\n');
        }
        for (key, value) in &fields {
            match map.get(key.as_str()) {
                None => {
                    missing.push(key.clone());
                    appended.push_str(&yaml::to_string(&BTreeMap::from([(
                        key.clone(),
                        value.clone(),
                    )])));
                }
                Some(current) if current != value => proposals.push(format!(
                    "edition.yaml has `{key}: {}`; the cover suggests `{}`",
                    yaml::to_string(current).trim(),
                    yaml::to_string(value).trim()
                )),
                Some(_) => {}
            }
        }
        if !missing.is_empty() {
            contents.insert("edition.yaml".to_owned(), appended.into_bytes());
            actions.push(FileAction {
                path: "edition.yaml".to_owned(),
                action: Action::AppendKeys(missing),
            });
        }
    } else {
        let mut text =
            String::from("# Written by zhushu import from the cover of the source; edit freely.\n");
        for (key, value) in &fields {
            text.push_str(&yaml::to_string(&BTreeMap::from([(
                key.clone(),
                value.clone(),
            )])));
        }
        contents.insert("edition.yaml".to_owned(), text.into_bytes());
        actions.push(FileAction {
            path: "edition.yaml".to_owned(),
            action: Action::Create,
        });
    }

    for (path, bytes) in &contents {
        if path == "edition.yaml" {
            continue;
        }
        let target = into.join(path);
        let new_hash = hash(bytes);
        let action = match fs::read(&target) {
            Err(_) => Action::Create,
            Ok(current) if current == *bytes => Action::Unchanged,
            Ok(current) => {
                let ours = old.files.get(path).is_some_and(|h| *h == hash(&current));
                if ours {
                    Action::Update
                } else if options.force {
                    Action::Overwrite {
                        backup: format!(
                            "{BACKUPS}/{}.{}",
                            path.replace('/', "__"),
                            &hash(&current)[..12]
                        ),
                    }
                } else {
                    Action::KeepEdited
                }
            }
        };
        let recorded = match &action {
            Action::KeepEdited => old.files.get(path).cloned(),
            _ => Some(new_hash),
        };
        if let Some(h) = recorded {
            manifest.files.insert(path.clone(), h);
        }
        actions.push(FileAction {
            path: path.clone(),
            action,
        });
    }
    for (path, recorded) in &old.files {
        if contents.contains_key(path) {
            continue;
        }
        let Ok(current) = fs::read(into.join(path)) else {
            continue;
        };
        let action = if hash(&current) == *recorded {
            Action::Remove
        } else {
            manifest.files.insert(path.clone(), recorded.clone());
            Action::KeepStale
        };
        actions.push(FileAction {
            path: path.clone(),
            action,
        });
    }
    // Chapters already there that import did not make (written by hand)
    // would sit beside the imported ones: say so rather than guess.
    if let Ok(entries) = fs::read_dir(into.join("chapters")) {
        let mut foreign: Vec<String> = entries
            .flatten()
            .map(|e| format!("chapters/{}", e.file_name().to_string_lossy()))
            .filter(|p| {
                p.ends_with(".md") && !contents.contains_key(p) && !old.files.contains_key(p)
            })
            .collect();
        foreign.sort();
        for path in foreign {
            proposals.push(format!(
                "{path} was not made by import and stays; remove it if an imported chapter replaces it"
            ));
        }
    }
    Ok(Plan {
        actions,
        contents,
        manifest,
        slugs,
        proposals,
    })
}

fn edition_fields(cover: &Cover, language: Language) -> Vec<(String, yaml::Value)> {
    use yaml::Value;
    let mut fields = Vec::new();
    if let Some(title) = &cover.title {
        fields.push(("title".to_owned(), Value::String(title.text.clone())));
    }
    if let Some(subtitle) = &cover.subtitle {
        fields.push(("subtitle".to_owned(), Value::String(subtitle.text.clone())));
    }
    fields.push((
        "language".to_owned(),
        Value::String(language.tag().to_owned()),
    ));
    if !cover.editors.is_empty() {
        let editors = cover
            .editors
            .iter()
            .map(|e| Value::String(e.text.clone()))
            .collect();
        fields.push(("editors".to_owned(), Value::Sequence(editors)));
    }
    if let Some(publisher) = &cover.publisher {
        fields.push((
            "publisher".to_owned(),
            Value::String(publisher.text.clone()),
        ));
    }
    if let Some((date, _)) = &cover.date {
        fields.push(("date".to_owned(), Value::String(date.to_string())));
    }
    fields
}

/// Carries out the plan: backups first, then files, then the manifest.
pub fn apply(options: &ImportOptions, plan: &Plan) -> Result<Vec<FileAction>> {
    let into = &options.into;
    let write = |relative: &str, bytes: &[u8]| -> Result<()> {
        let path = into.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        // Written beside and renamed, so a file is never left half written.
        let partial = path.with_extension("zhushu-partial");
        fs::write(&partial, bytes).map_err(|e| Error::io("write", &partial, e))?;
        fs::rename(&partial, &path).map_err(|e| Error::io("write", &path, e))
    };
    for file in &plan.actions {
        match &file.action {
            Action::Overwrite { backup } => {
                let current = fs::read(into.join(&file.path))
                    .map_err(|e| Error::io("read", &into.join(&file.path), e))?;
                write(backup, &current)?;
                write(&file.path, &plan.contents[&file.path])?;
            }
            Action::Create | Action::Update | Action::AppendKeys(_) => {
                write(&file.path, &plan.contents[&file.path])?;
            }
            Action::Remove => {
                let path = into.join(&file.path);
                fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
            }
            Action::Unchanged | Action::KeepEdited | Action::KeepStale => {}
        }
    }
    let manifest = format!(
        "# Written by zhushu import: each file's SHA-256 as import wrote it, so that a\n# re-import can tell your edits from its own output. Do not edit.\n{}",
        yaml::to_string(&plan.manifest)
    );
    write(MANIFEST, manifest.as_bytes())?;
    Ok(plan.actions.clone())
}

/// Which occurrence of its words (with its prefix and suffix) an emendation
/// is, when they stand more than once in the chapter (a passage quoted
/// twice, repaired in one place): the one in its own paragraph. `None`
/// when they stand once.
fn emendation_occurrence(document: &crate::model::Document, e: &Emendation) -> Option<usize> {
    let units = document.units();
    let texts: Vec<&str> = units.iter().map(|u| u.text).collect();
    let places = crate::enrich::notes::find_words(&texts, &e.exact, &e.prefix, &e.suffix);
    if places.len() < 2 {
        return None;
    }
    let own = document.paragraphs().get(e.paragraph)?.events.start;
    places
        .iter()
        .position(|&(unit, _)| units[unit].events.start == own)
        .map(|i| i + 1)
}

/// The notes that record which lines were read as headings: type
/// `structure`, since the words are unchanged. A heading's words may stand
/// elsewhere in the chapter too (a classical saying set as a heading and
/// quoted in the text): the note then says which occurrence it means, found
/// the way the build will look for it, so that what import writes always
/// anchors.
fn heading_notes(piece: &Piece, slug: &str) -> Vec<StandOffNote> {
    if piece.headings.is_empty() {
        return Vec::new();
    }
    let document = crate::markdown::parse(&piece.markdown);
    let units = document.units();
    let texts: Vec<&str> = units.iter().map(|u| u.text).collect();
    let heading_starts: Vec<usize> = document.headings().iter().map(|h| h.events.start).collect();
    let is_heading = |unit: usize| heading_starts.contains(&units[unit].events.start);
    let mut notes = Vec::new();
    for (k, h) in piece.headings.iter().enumerate() {
        let places = crate::enrich::notes::find_words(&texts, &h.text, "", "");
        // This is the n-th heading of these words in the piece.
        let nth = piece.headings[..k]
            .iter()
            .filter(|earlier| earlier.text == h.text)
            .count();
        let occurrence = if places.len() > 1 {
            places
                .iter()
                .enumerate()
                .filter(|(_, (unit, start))| {
                    is_heading(*unit) && *start == 0 && texts[*unit] == h.text
                })
                .nth(nth)
                .map(|(i, _)| i + 1)
        } else {
            None
        };
        notes.push(StandOffNote {
            id: Some(format!("{slug}-heading-{}", k + 1)),
            chapter: slug.to_owned(),
            kind: "structure".to_owned(),
            exact: h.text.clone(),
            prefix: String::new(),
            suffix: String::new(),
            occurrence,
            original: None,
            corrected: None,
            body: h.reason.clone(),
            source_line: Some(h.line),
        });
    }
    notes
}

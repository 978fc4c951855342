//! content/ → `Edition`: reads edition.yaml and every chapter (walkdir,
//! front matter through `yaml`, body through `markdown`), and checks what
//! can only be checked across files: unique slugs, paths inside the root.

use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use walkdir::WalkDir;

use crate::config::EditionConfig;
use crate::diagnostic::{Error, Result};
use crate::files::{display_path, read_text, text_from_bytes};
use crate::markdown;
use crate::model::{Chapter, Edition, FrontMatter};
use crate::slug::check_slug;
use crate::yaml;

pub fn load(root: &Path, include_drafts: bool) -> Result<Edition> {
    load_with(root, include_drafts, None)
}

/// `load`, taking the chapters whose files are unchanged from `cache`
/// (and keeping the others there).
pub fn load_with(
    root: &Path,
    include_drafts: bool,
    cache: Option<&ChapterCache>,
) -> Result<Edition> {
    let (edition, mut problems) = load_from(root, include_drafts, cache)?;
    match problems.is_empty() {
        true => Ok(edition),
        false => Err(problems.swap_remove(0)),
    }
}

/// The edition with every chapter that loads, and every problem found in
/// the others (for `zhushu check`, which reports them all). Only a missing
/// or broken edition.yaml, or an unreadable chapters folder, stops it.
pub fn load_all(root: &Path, include_drafts: bool) -> Result<(Edition, Vec<Error>)> {
    load_from(root, include_drafts, None)
}

/// The edition's settings, `content/edition.yaml`, read on their own: a
/// build checks its theme with them before it loads the chapters.
pub fn config(root: &Path) -> Result<EditionConfig> {
    let config_path = root.join("content").join("edition.yaml");
    if !config_path.is_file() {
        return Err(Error::new(format!(
            "no edition here: {} does not exist",
            config_path.display()
        ))
        .with_help("run zhushu in the folder that holds content/, pass --root DIR, or make a new edition with `zhushu new DIR`"));
    }
    let config_text = read_text(&config_path)?;
    EditionConfig::parse(&config_text, &display_path(root, &config_path))
}

fn load_from(
    root: &Path,
    include_drafts: bool,
    cache: Option<&ChapterCache>,
) -> Result<(Edition, Vec<Error>)> {
    let content = root.join("content");
    let config = config(root)?;
    let files = chapter_files(root, &content.join("chapters"))?;
    let loaded: Vec<Result<Chapter>> = files
        .par_iter()
        .map(|path| match cache {
            Some(cache) => cache.load(root, path),
            None => load_chapter(root, path),
        })
        .collect();
    if let Some(cache) = cache {
        cache.forget_the_rest();
    }
    let mut problems = Vec::new();
    let mut chapters = Vec::with_capacity(loaded.len());
    for chapter in loaded {
        match chapter {
            Ok(chapter) => chapters.push(chapter),
            Err(problem) => problems.push(problem),
        }
    }
    let include_drafts = include_drafts || config.options.drafts;
    chapters.retain(|c| include_drafts || !c.front.draft);
    chapters.sort_by(|a, b| {
        (a.front.order.unwrap_or(i64::MAX), &a.file)
            .cmp(&(b.front.order.unwrap_or(i64::MAX), &b.file))
    });
    problems.extend(duplicate_slugs(root, &mut chapters));
    for (i, chapter) in chapters.iter_mut().enumerate() {
        chapter.number = i + 1;
    }
    Ok((
        Edition {
            root: root.to_owned(),
            config,
            chapters,
        },
        problems,
    ))
}

fn chapter_files(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let canonical_root = root
        .canonicalize()
        .map_err(|e| Error::io("open", root, e))?;
    // Below a folder inside the root, only a link can lead out: the walk
    // does not follow links. (Resolving every file's path took a tenth of
    // a second at 10,000 pieces.)
    let dir_inside = dir
        .canonicalize()
        .is_ok_and(|d| d.starts_with(&canonical_root));
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::new(format!("cannot read {}: {e}", dir.display())))?;
        let path = entry.path();
        let is_markdown = path.extension().is_some_and(|e| e == "md");
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !is_markdown || hidden || entry.file_type().is_dir() {
            continue;
        }
        // A symlink may point anywhere; an edition only reads its own files.
        if !dir_inside || entry.path_is_symlink() {
            let target = path
                .canonicalize()
                .map_err(|e| Error::io("open", path, e))?;
            if !target.starts_with(&canonical_root) {
                return Err(Error::in_file(
                    format!(
                        "this chapter leads outside the edition's root (to {})",
                        target.display()
                    ),
                    &display_path(root, path),
                )
                .with_help("copy the file into content/chapters/ instead of linking to it"));
            }
        }
        files.push(path.to_owned());
    }
    Ok(files)
}

/// Splits `---` front matter from the body: (yaml, first yaml line, body).
/// Where a chapter file's body begins: the front matter's first line and
/// the body's byte offset in `text`.
pub fn body_offset(text: &str) -> Option<(usize, usize)> {
    let (_, first_line, body) = split_front_matter(text)?;
    Some((first_line, text.len() - body.len()))
}

pub(crate) fn split_front_matter(text: &str) -> Option<(&str, usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare == "..." {
            return Some((&rest[..offset], 2, &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

fn load_chapter(root: &Path, path: &Path) -> Result<Chapter> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    chapter_from_bytes(root, path, bytes)
}

fn chapter_from_bytes(root: &Path, path: &Path, bytes: Vec<u8>) -> Result<Chapter> {
    let file = display_path(root, path);
    let text = text_from_bytes(path, bytes).map_err(|mut e| {
        if let Some(loc) = &mut e.location {
            loc.file = file.clone();
        }
        e
    })?;
    chapter_from_text(file, &text)
}

/// Chapters loaded by the builds before, for `zhushu serve`: a build hands
/// its chapters back when it is done (`keep`), and the next takes those
/// whose file has the same bytes rather than parse them again (a file is
/// read whole either way: its bytes are what is compared). Handed over,
/// not copied: a chapter is in the cache or in a build, never both.
#[derive(Default)]
pub struct ChapterCache(Mutex<HashMap<PathBuf, Chapter>>);

impl std::fmt::Debug for ChapterCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let chapters = self.0.lock().map_or(0, |c| c.len());
        write!(f, "ChapterCache({chapters} chapters)")
    }
}

impl ChapterCache {
    fn load(&self, root: &Path, path: &Path) -> Result<Chapter> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let file = display_path(root, path);
        let known = self.0.lock().expect("no loader panicked").remove(&file);
        match known {
            Some(chapter) if chapter.source_digest == crate::digest::source(&bytes) => Ok(chapter),
            _ => chapter_from_bytes(root, path, bytes),
        }
    }

    /// A build's chapters, handed back for the next.
    pub fn keep(&self, chapters: Vec<Chapter>) {
        let mut kept = self.0.lock().expect("no loader panicked");
        kept.extend(chapters.into_iter().map(|c| (c.file.clone(), c)));
    }

    /// What a load did not take is gone or changed: dropped.
    fn forget_the_rest(&self) {
        self.0.lock().expect("no loader panicked").clear();
    }
}

/// A chapter file's text (`file`, relative to the edition's root, names it
/// in errors and gives the slug when the front matter has none) read as
/// `load` reads it: front matter, title and slug checked, Markdown parsed.
/// Apart from reading the file, so that the fuzz targets run this very
/// code on text in memory.
pub(crate) fn chapter_from_text(file: PathBuf, text: &str) -> Result<Chapter> {
    let path = file.as_path();
    let Some((yaml_text, first_line, body)) = split_front_matter(text) else {
        return Err(Error::at(
            "a chapter must start with YAML front matter between `---` lines",
            &file,
            text,
            1,
            1,
        )
        .with_help("begin the file with\n---\ntitle: The chapter's title\n---"));
    };
    let front: FrontMatter = yaml::parse(yaml_text, &file, text, first_line)?;
    let locate = |key: &str| {
        yaml::key_position(yaml_text, key)
            .map(|(line, col)| (line + first_line - 1, col))
            .unwrap_or((1, 1))
    };
    if front.title.trim().is_empty() {
        let (line, col) = locate("title");
        return Err(Error::at(
            "the chapter's `title` is empty",
            &file,
            text,
            line,
            col,
        ));
    }
    let slug = match &front.slug {
        Some(slug) => {
            let (line, col) = locate("slug");
            check_slug(slug).map_err(|why| Error::at(why, &file, text, line, col))?;
            slug.clone()
        }
        None => {
            let derived = slug_from_file_name(path);
            check_slug(&derived).map_err(|why| {
                Error::in_file(
                    format!("no `slug` in the front matter, and the file name gives none: {why}"),
                    &file,
                )
                .with_help("add `slug: some-ascii-name` to the front matter")
            })?;
            derived
        }
    };
    Ok(Chapter {
        file,
        front,
        slug,
        number: 0,
        document: markdown::parse(body),
        source_digest: crate::digest::source(text.as_bytes()),
    })
}

/// `03-wuge-jianchi.md` → `wuge-jianchi`: the ordering prefix is not part
/// of the name.
fn slug_from_file_name(path: &Path) -> String {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let trimmed = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    let trimmed = trimmed.strip_prefix(['-', '_']).unwrap_or(trimmed);
    if trimmed.is_empty() {
        stem.into_owned()
    } else {
        trimmed.to_owned()
    }
}

/// An error for each chapter whose slug an earlier chapter has, which is
/// dropped so that the rest of the edition can still be checked.
fn duplicate_slugs(root: &Path, chapters: &mut Vec<Chapter>) -> Vec<Error> {
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut problems = Vec::new();
    chapters.retain(|chapter| {
        let Some(first) = seen.get(&chapter.slug) else {
            seen.insert(chapter.slug.clone(), chapter.file.clone());
            return true;
        };
        let path = root.join(&chapter.file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let (line, column) = split_front_matter(&text)
            .and_then(|(yaml_text, first_line, _)| {
                yaml::key_position(yaml_text, "slug").map(|(l, c)| (l + first_line - 1, c))
            })
            .unwrap_or((1, 1));
        problems.push(
            Error::at(
                format!(
                    "duplicate slug `{}`: {} has it too",
                    chapter.slug,
                    first.display()
                ),
                &chapter.file,
                &text,
                line,
                column,
            )
            .with_help("every chapter needs its own slug: it names the chapter's page"),
        );
        false
    });
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_from_the_body() {
        let (yaml, line, body) = split_front_matter("---\ntitle: T\n---\n正文\n").unwrap();
        assert_eq!((yaml, line, body), ("title: T\n", 2, "正文\n"));
        assert!(split_front_matter("title: T\n").is_none());
        assert!(split_front_matter("---\ntitle: T\n").is_none());
    }

    #[test]
    fn slugs_come_from_file_names() {
        assert_eq!(
            slug_from_file_name(Path::new("content/chapters/03-wuge.md")),
            "wuge"
        );
        assert_eq!(slug_from_file_name(Path::new("2014.md")), "2014");
    }
}

//! Writing the site safely: everything goes into a staging folder beside
//! the output, which replaces the output only once the whole build has
//! succeeded. A folder is only ever replaced if zhushu made it (it holds
//! the marker file), so a mistyped `--output` cannot delete a user's files.
//! The swap itself, and what an interrupted one leaves, is `swap`'s.

mod swap;

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Error, Result};

pub use swap::tidy;

/// Present in every site zhushu writes; its absence protects other folders.
pub const MARKER: &str = ".zhushu-site";
const MARKER_TEXT: &str = "This folder was written by zhushu; `zhushu build` replaces it whole.\n";

/// Whether `dir` is a site zhushu made (or a folder a build is writing):
/// it holds the marker, a file and not a link. Nothing else is replaced,
/// removed or served.
pub fn is_site(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    /// The site being replaced, when zhushu made it: a file whose bytes
    /// have not changed is hard-linked from it rather than written again.
    previous: Option<PathBuf>,
    /// Every file staged, and whether its bytes differ from the previous
    /// site's: what a rebuild changed, for `zhushu serve` to reload only
    /// the pages that show it.
    staged: std::sync::Mutex<Vec<(String, bool)>>,
    committed: bool,
}

/// A site put in place: what changed, and anything worth saying about the
/// swap (a previous site that could not be removed).
#[derive(Debug)]
pub struct Committed {
    pub changes: Changes,
    pub notices: Vec<String>,
    /// The previous site, put aside, when the commit left it for the
    /// caller to remove (`Staging::commit_leaving_previous`).
    pub previous: Option<PathBuf>,
}

pub use swap::remove_retired;

/// What a rebuild changed in the site, against the site it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// There was no previous site (or it was not zhushu's): everything.
    All,
    /// Files written with new bytes, and files the new site no longer has;
    /// sorted, `/`-separated.
    Files(Vec<String>),
}

impl Staging {
    /// Checks that `output` may be replaced and opens a staging folder.
    pub fn open(output: &Path) -> Result<Staging> {
        check_replaceable(output)?;
        let (parent, name) = swap::parent_and_name(output).ok_or_else(|| {
            Error::new(format!("`{}` cannot be an output folder", output.display()))
        })?;
        fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
        let dir = swap::staging_path(&parent, &name);
        fs::create_dir(&dir).map_err(|e| Error::io("create", &dir, e))?;
        let staging = Staging {
            output: output.to_owned(),
            previous: is_site(output).then(|| output.to_owned()),
            dir,
            staged: std::sync::Mutex::new(Vec::new()),
            committed: false,
        };
        // Marked from the start, as unfinished: if this process is killed,
        // the next build knows the folder for one of its own, to remove.
        let marker = staging.dir.join(MARKER);
        fs::write(&marker, swap::BUILDING_TEXT).map_err(|e| Error::io("write", &marker, e))?;
        Ok(staging)
    }

    /// Writes `bytes` at `relative` (a `/`-separated path made by zhushu).
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        if let Some(previous) = &self.previous {
            // A rebuild mostly rewrites the same bytes. Linking the old file
            // spares the file system a new inode and its data, and removing
            // the old site then frees almost nothing: on a large edition
            // that is most of the build's system time (BENCHMARKS.md).
            let old = previous.join(relative);
            if same_bytes(&old, bytes) && fs::hard_link(&old, &path).is_ok() {
                self.record(relative, false);
                return Ok(());
            }
        }
        self.record(relative, true);
        fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))
    }

    fn record(&self, relative: &str, changed: bool) {
        self.staged
            .lock()
            .expect("no writer panicked")
            .push((relative.to_owned(), changed));
    }

    /// Links `relative` from the previous site, whose file is known to hold
    /// the bytes this build would write (`render::cache`); false when there
    /// is no such file.
    pub fn keep(&self, relative: &str) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        let old = previous.join(relative);
        let path = self.dir.join(relative);
        // A page at the top needs no folder made (a stat saved for each
        // of thousands of pages that serve keeps).
        let linked = fs::symlink_metadata(&old).is_ok_and(|m| m.is_file())
            && (!relative.contains('/')
                || path.parent().is_none_or(|p| fs::create_dir_all(p).is_ok()))
            && fs::hard_link(&old, &path).is_ok();
        if linked {
            self.record(relative, false);
        }
        linked
    }

    /// A new file at `relative`, for output written as it is made.
    pub fn create(&self, relative: &str) -> Result<fs::File> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        // Written as it is made, so never compared: counted as changed.
        self.record(relative, true);
        fs::File::create(&path).map_err(|e| Error::io("write", &path, e))
    }

    pub fn copy(&self, relative: &str, from: &Path) -> Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        self.record(relative, true);
        fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| Error::io("copy", from, e))
    }

    /// Puts the staged site in place of the output folder, and tells what
    /// changed.
    pub fn commit(self) -> Result<Committed> {
        self.commit_with(false)
    }

    /// `commit`, leaving the previous site put aside for the caller to
    /// remove (`remove_retired`) once the new one is announced: `zhushu
    /// serve` removes it after the pages are told to reload.
    pub fn commit_leaving_previous(self) -> Result<Committed> {
        self.commit_with(true)
    }

    fn commit_with(mut self, leave_previous: bool) -> Result<Committed> {
        // The marker's final words say the site is complete: written
        // afresh (never through a link to the previous site's).
        let marker = self.dir.join(MARKER);
        fs::remove_file(&marker).map_err(|e| Error::io("write", &marker, e))?;
        fs::write(&marker, MARKER_TEXT).map_err(|e| Error::io("write", &marker, e))?;
        let changes = self.changes();
        // Checked again: the folder may have changed while we built.
        check_replaceable(&self.output)?;
        let mut notices = Vec::new();
        let moved = |e| Error::io("move into place", &self.output, e);
        let previous = if leave_previous {
            swap::swap_into_place_leaving_retired(&self.dir, &self.output).map_err(moved)?
        } else {
            swap::swap_into_place(&self.dir, &self.output, &mut notices).map_err(moved)?;
            None
        };
        self.committed = true;
        Ok(Committed {
            changes,
            notices,
            previous,
        })
    }

    fn changes(&self) -> Changes {
        let Some(previous) = &self.previous else {
            return Changes::All;
        };
        let staged = self.staged.lock().expect("no writer panicked");
        let mut changed: Vec<String> = staged
            .iter()
            .filter(|(_, changed)| *changed)
            .map(|(file, _)| file.clone())
            .collect();
        // And what the new site no longer has (a chapter removed, say).
        let kept: std::collections::HashSet<&str> =
            staged.iter().map(|(file, _)| file.as_str()).collect();
        for entry in walkdir::WalkDir::new(previous)
            .min_depth(1)
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_dir() || entry.depth() == 1 && entry.file_name() == MARKER {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(previous) else {
                continue;
            };
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if !kept.contains(relative.as_str()) {
                changed.push(relative);
            }
        }
        changed.sort();
        changed.dedup();
        Changes::Files(changed)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether `path` is a regular file (not a link) holding exactly `bytes`.
/// Compared in chunks through one small buffer: reading each old file whole
/// would allocate (and fault in) the site a second time, and a large
/// edition's search index alone is as big as its text.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let same_length =
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    if !same_length {
        return false;
    }
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut buffer = [0u8; 64 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buffer[..n] == rest[..n] => rest = &rest[n..],
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            _ => return false,
        }
    }
}

fn check_replaceable(output: &Path) -> Result<()> {
    if !output.exists() {
        return Ok(());
    }
    if !output.is_dir() {
        return Err(Error::new(format!(
            "the output {} is a file, not a folder; zhushu will not replace it",
            output.display()
        )));
    }
    let empty = fs::read_dir(output)
        .map_err(|e| Error::io("read", output, e))?
        .next()
        .is_none();
    if empty || is_site(output) {
        return Ok(());
    }
    Err(Error::new(format!(
        "refusing to replace {}: it is not empty and zhushu did not make it (no {MARKER} in it)",
        output.display()
    ))
    .with_help("choose another --output folder, or empty this one yourself if it really is meant for the site"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_its_own_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let stage = Staging::open(&out).unwrap();
        stage.write("a/b.html", b"x").unwrap();
        stage.commit().unwrap();
        assert_eq!(fs::read(out.join("a/b.html")).unwrap(), b"x");
        assert!(out.join(MARKER).is_file());

        // A rebuild replaces it whole.
        let stage = Staging::open(&out).unwrap();
        stage.write("c.html", b"y").unwrap();
        stage.commit().unwrap();
        assert!(!out.join("a/b.html").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folder is left behind");

        let mine = tmp.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("thesis.txt"), b"years of work").unwrap();
        let err = Staging::open(&mine).err().unwrap();
        assert!(err.message.contains("refusing"), "{}", err.message);
        assert!(mine.join("thesis.txt").is_file());
    }

    #[test]
    fn an_abandoned_build_leaves_the_site_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let stage = Staging::open(&out).unwrap();
        stage.write("index.html", b"old").unwrap();
        stage.commit().unwrap();
        let stage = Staging::open(&out).unwrap();
        stage.write("index.html", b"new").unwrap();
        drop(stage);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"old");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let stage = Staging::open(&out).unwrap();
        stage.write("same.html", b"unchanged").unwrap();
        stage.write("edited.html", b"before").unwrap();
        stage.commit().unwrap();
        let inode = |f: &str| fs::metadata(out.join(f)).unwrap().ino();
        let (same, edited) = (inode("same.html"), inode("edited.html"));

        // An abandoned rebuild: the old files keep their bytes even though
        // the staging folder linked one of them.
        let stage = Staging::open(&out).unwrap();
        stage.write("same.html", b"unchanged").unwrap();
        stage.write("edited.html", b"after").unwrap();
        drop(stage);
        assert_eq!(fs::read(out.join("edited.html")).unwrap(), b"before");
        assert_eq!(fs::metadata(out.join("same.html")).unwrap().nlink(), 1);

        let stage = Staging::open(&out).unwrap();
        stage.write("same.html", b"unchanged").unwrap();
        stage.write("edited.html", b"after").unwrap();
        let changes = stage.commit().unwrap().changes;
        assert_eq!(changes, Changes::Files(vec!["edited.html".to_owned()]));
        assert_eq!(inode("same.html"), same, "unchanged bytes are linked");
        assert_ne!(inode("edited.html"), edited, "changed bytes are written");
        assert_eq!(fs::read(out.join("edited.html")).unwrap(), b"after");
        assert_eq!(fs::metadata(out.join("same.html")).unwrap().nlink(), 1);
    }

    #[test]
    fn same_bytes_compares_every_chunk() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("big.js");
        // Longer than two chunks, so that the last one is compared too.
        let bytes: Vec<u8> = (0..150_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&file, &bytes).unwrap();
        assert!(same_bytes(&file, &bytes));
        let mut last_differs = bytes.clone();
        *last_differs.last_mut().unwrap() ^= 1;
        assert!(!same_bytes(&file, &last_differs));
        let mut middle_differs = bytes.clone();
        middle_differs[70_000] ^= 1;
        assert!(!same_bytes(&file, &middle_differs));
        assert!(!same_bytes(&file, &bytes[..149_999]));
        assert!(!same_bytes(&tmp.path().join("missing"), b""));
        assert!(!same_bytes(tmp.path(), b""), "a folder is not a file");
    }

    #[test]
    fn a_rebuild_tells_what_changed_and_what_is_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let stage = Staging::open(&out).unwrap();
        stage.write("a.html", b"a").unwrap();
        stage.write("gone.html", b"soon gone").unwrap();
        stage.write("static/style.css", b"p {}").unwrap();
        assert_eq!(
            stage.commit().unwrap().changes,
            Changes::All,
            "a first build"
        );

        let stage = Staging::open(&out).unwrap();
        stage.write("a.html", b"a").unwrap();
        stage
            .write("static/style.css", b"p { color: red }")
            .unwrap();
        stage.write("new.html", b"new").unwrap();
        let streamed = stage.create("print.html").unwrap();
        drop(streamed);
        assert_eq!(
            stage.commit().unwrap().changes,
            Changes::Files(
                ["gone.html", "new.html", "print.html", "static/style.css"]
                    .map(String::from)
                    .to_vec()
            )
        );
    }
}

//! Chapters rendered by the previous build in this process, for `zhushu
//! serve`: after an edit, a chapter whose inputs are all unchanged is not
//! rendered again; its page is linked from the previous site and its print
//! piece, EPUB page and note records are taken from here.
//!
//! A chapter's key hashes everything its rendering reads: the edition's
//! settings, the theme (templates, strings, files), the contents (every
//! chapter's entry, so neighbours' titles and the table of contents), the
//! back matter, and the chapter's own source text, notes and quotation and
//! glossary marks (which carry their popovers' text). A change anywhere in
//! the edition-wide part renders every chapter again. `zhushu build` never
//! uses the cache; tests/serve.rs checks that builds through it give the
//! same bytes as fresh ones.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::memo::ChapterMemo;

use crate::render::epub::PackedChapter;
use crate::render::notes::NoteRecord;

/// What one chapter's rendering gave, under its key.
#[derive(Clone)]
pub(crate) struct Cached {
    pub key: u64,
    /// The page's digest, for the build's version (the offline cache).
    pub digest: [u8; 32],
    pub records: Arc<[NoteRecord]>,
    /// The key of `records`, for the notes page's.
    pub records_key: u64,
    pub piece: Option<Arc<[u8]>>,
    pub xhtml: PackedChapter,
}

impl Cached {
    fn size(&self) -> usize {
        self.piece.as_ref().map_or(0, |p| p.len()) + self.xhtml.len() + 512 * self.records.len()
    }
}

/// Held by `zhushu serve` across its builds.
#[derive(Default)]
pub struct RenderCache {
    /// What the last committed build rendered, by page file.
    current: Mutex<HashMap<String, Cached>>,
    /// What the build under way rendered (or took), and its size.
    next: Mutex<(HashMap<String, Cached>, usize)>,
    /// Each chapter's results in the search index.
    pub(crate) search: ChapterMemo<Arc<[u8]>>,
    /// Each chapter's entry in data/pages.json, data/citations.json and
    /// edition.bib.
    pub(crate) pages: ChapterMemo<Arc<str>>,
    pub(crate) citations: ChapterMemo<Arc<str>>,
    pub(crate) bib: ChapterMemo<Arc<str>>,
    /// Whole files made from the edition (the notes page), by name.
    pub(crate) files: ChapterMemo<Arc<[u8]>>,
    /// Each chapter's entries on the notes page and its part of
    /// data/notes.json (`notes_page`).
    pub(crate) note_entries: ChapterMemo<Arc<[String]>>,
    pub(crate) notes_json: ChapterMemo<Arc<str>>,
}

/// Above this, chapters are not kept: a large edition's pieces would
/// otherwise double the server's memory.
const BUDGET: usize = 256 << 20;

impl std::fmt::Debug for RenderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let chapters = self.current.lock().map_or(0, |c| c.len());
        write!(f, "RenderCache({chapters} chapters)")
    }
}

impl RenderCache {
    pub fn new() -> RenderCache {
        RenderCache::default()
    }

    /// A build begins: what an abandoned one gathered is dropped.
    pub(crate) fn start(&self) {
        *self.next.lock().expect("cache lock") = (HashMap::new(), 0);
    }

    pub(crate) fn get(&self, page: &str, key: u64) -> Option<Cached> {
        let current = self.current.lock().expect("cache lock");
        current.get(page).filter(|c| c.key == key).cloned()
    }

    pub(crate) fn put(&self, page: String, cached: Cached) {
        let mut next = self.next.lock().expect("cache lock");
        let size = cached.size();
        if next.1 + size <= BUDGET {
            next.1 += size;
            next.0.insert(page, cached);
        }
    }

    /// What was kept of chapters no longer in the edition is dropped.
    pub(crate) fn forget_all_but<'a>(&self, slugs: impl Iterator<Item = &'a str> + Clone) {
        for memo in [&self.pages, &self.citations, &self.bib, &self.notes_json] {
            memo.keep_only(slugs.clone());
        }
        self.note_entries.keep_only(slugs.clone());
        self.search.keep_only(slugs);
    }

    /// The build was committed: its chapters are the ones on disk now.
    pub(crate) fn promote(&self) {
        let (next, _) = std::mem::take(&mut *self.next.lock().expect("cache lock"));
        *self.current.lock().expect("cache lock") = next;
    }
}

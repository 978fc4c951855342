//! Reading offline: a web app manifest and a service worker that caches
//! every page and asset of the build on the first visit over HTTP(S), and
//! whose cache is named by a hash of the build, so that a new deployment
//! replaces the old cache. From file:// nothing of this runs (browsers do
//! not run service workers there), and nothing breaks.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::EditionConfig;

/// The build's version: a hash of every file's name and bytes, taken in a
/// fixed order so that the same site always has the same version.
pub fn version(digests: &mut [(String, [u8; 32])]) -> String {
    digests.sort();
    let mut hasher = Sha256::new();
    for (file, digest) in digests.iter() {
        hasher.update(file.as_bytes());
        hasher.update([0]);
        hasher.update(digest);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A writer that passes its bytes on and takes their digest on the way,
/// for a file written as it is made: the same digest `digest` gives the
/// whole.
pub struct Digesting<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: std::io::Write> Digesting<W> {
    pub fn new(inner: W) -> Digesting<W> {
        Digesting {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// The inner writer, flushed, and the digest of all that went through.
    pub fn finish(mut self) -> std::io::Result<(W, [u8; 32])> {
        self.inner.flush()?;
        Ok((self.inner, self.hasher.finalize().into()))
    }
}

impl<W: std::io::Write> std::io::Write for Digesting<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub fn manifest(config: &EditionConfig) -> String {
    #[derive(Serialize)]
    struct Manifest<'a> {
        name: &'a str,
        short_name: &'a str,
        lang: &'a str,
        start_url: &'a str,
        scope: &'a str,
        display: &'a str,
        background_color: &'a str,
        theme_color: &'a str,
    }
    let mut json = serde_json::to_string_pretty(&Manifest {
        name: &config.title,
        short_name: &config.title,
        lang: &config.language,
        start_url: "index.html",
        scope: "./",
        display: "standalone",
        background_color: "#fbf8f1",
        theme_color: "#9a2b1d",
    })
    .expect("the manifest serialises");
    json.push('\n');
    json
}

/// The service worker: precache `files` (pages, scripts, styles: not the
/// data exports, which readers fetch on purpose), serve from the cache
/// first, and drop the caches of earlier builds.
pub fn service_worker(files: &[String], version: &str) -> String {
    let list = serde_json::to_string(files).expect("file names serialise");
    format!(
        r#"/* zhushu service worker: build {version}. Written by zhushu build. */
"use strict";
const CACHE = "zhushu-{version}";
const FILES = {list};
self.addEventListener("install", (event) => {{
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
}});
self.addEventListener("activate", (event) => {{
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("zhushu-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
}});
self.addEventListener("fetch", (event) => {{
  if (event.request.method !== "GET") return;
  event.respondWith(caches.match(event.request, {{ ignoreSearch: true }}).then((hit) => hit || fetch(event.request)));
}});
"#
    )
}

/// Whether a file belongs in the offline cache.
pub fn precached(file: &str) -> bool {
    [".html", ".js", ".css", ".webmanifest"]
        .iter()
        .any(|e| file.ends_with(e))
        && file != "sw.js"
        // The print edition is the whole book again, for printing, not
        // for reading offline.
        && file != "print.html"
}

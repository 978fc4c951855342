/* zhushu service worker: build 34bb8ec6d2fcb6d0. Written by zhushu build. */
"use strict";
const CACHE = "zhushu-34bb8ec6d2fcb6d0";
const FILES = ["fangtan.html","glossary.html","index.html","jianghua.html","manifest.webmanifest","notes.html","quotations.html","search-index.js","static/cite.js","static/epub.css","static/notes.js","static/offline.js","static/phrases.js","static/print.css","static/search.js","static/style.css"];
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("zhushu-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});
self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(caches.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request)));
});

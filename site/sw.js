/* zhushu service worker: build c9bad9cd74ed7db0. Written by zhushu build. */
"use strict";
const CACHE = "zhushu-c9bad9cd74ed7db0";
const FILES = ["ban-gong-ting-gong-zuo-yao-zuo-dao-wu-ge.html","glossary.html","index.html","indexes.html","jian-she-zhong-cheng-yu-dang-gong-zuo-yi.html","manifest.webmanifest","mi-shu-gong-zuo-de-feng-fan.html","notes.html","quotations.html","search-index.js","static/cite.js","static/epub.css","static/notes.js","static/offline.js","static/phrases.js","static/print.css","static/search.js","static/style.css","xi-jin-ping-tan-ban-gong-shi-di-wei.html","xi-jin-ping-yu-ban-gong-shi.html","xi-jin-ping-zai-zhe-jiang-dui-zuo-hao.html","xi-jin-ping-zong-shu-ji-guan-yu-ban-gong.html","xi-zong-shu-ji-dui-ban-gong-ting-de-tong.html","xi-zong-shu-ji-zai-zhe-jiang-qi-jian-dui.html","xin-shi-dai-ban-gong-ting-shi-gong-zuo.html"];
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

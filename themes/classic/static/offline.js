/* zhushu — theme "classic": reading offline. Over HTTP(S) the edition's
 * service worker (sw.js, written by zhushu build) caches every page on the
 * first visit; from file://, where browsers run no service worker and fetch
 * no manifest, nothing is done. */
(function () {
  "use strict";
  if (!/^https?:$/.test(location.protocol)) { return; }
  var link = document.createElement("link");
  link.rel = "manifest";
  link.href = "manifest.webmanifest";
  document.head.appendChild(link);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch(function () { /* reading online still works */ });
  }
})();

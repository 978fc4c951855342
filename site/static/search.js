/* zhushu — theme "classic": search over search-index.js.
 *
 * The index is a script (window.zhushuSearch), so search works from
 * file:// as well as over HTTP. A query with Chinese characters is a phrase
 * (found as written, spaces ignored); other queries match pages holding
 * every word. "/" focuses the box; the arrow keys move through the results.
 * Under the box, a line says how many were found, that none were, or that
 * only the first MAX of them are listed. Without this script the search
 * box stays hidden. */
(function () {
  "use strict";
  var form = document.getElementById("zs-search");
  var data = window.zhushuSearch;
  if (!form || !data) { return; }
  var input = form.querySelector("input");
  var list = document.getElementById("zs-results");
  var status = document.getElementById("zs-search-status");
  var lower = null;
  var MAX = 50;
  form.hidden = false;
  // Lowercased copies of the texts, made once the page is idle rather than
  // on the first query.
  function prepare() {
    if (!lower) { lower = data.docs.map(function (d) { return d[3].toLowerCase(); }); }
  }
  if (window.requestIdleCallback) { window.requestIdleCallback(prepare); } else { setTimeout(prepare, 200); }

  function hasCjk(text) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(text); }
  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }
  function count(haystack, needle) {
    var n = 0, at = haystack.indexOf(needle);
    while (at >= 0) { n += 1; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }
  function wordAt(text, word) {
    var re = new RegExp("(^|[^\\p{L}\\p{N}])" + word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "u");
    var m = re.exec(text);
    return m ? m.index + m[1].length : -1;
  }

  function search(query) {
    query = query.trim().toLowerCase();
    if (!query) { return []; }
    prepare();
    var results = [];
    if (hasCjk(query)) {
      var phrase = query.replace(/\s+/g, "");
      for (var i = 0; i < lower.length; i++) {
        var at = lower[i].indexOf(phrase);
        if (at >= 0) { results.push({ doc: i, at: at, length: phrase.length, score: count(lower[i], phrase) }); }
      }
    } else {
      var words = query.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      for (var j = 0; j < lower.length && words.length; j++) {
        var first = -1, score = 0, all = true;
        for (var k = 0; k < words.length; k++) {
          var p = wordAt(lower[j], words[k]);
          if (p < 0) { all = false; break; }
          if (first < 0) { first = p; }
          score += count(lower[j], words[k]);
        }
        if (all) { results.push({ doc: j, at: first, length: words[0].length, score: score }); }
      }
    }
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return results;
  }

  function snippet(text, at, length) {
    var start = Math.max(0, at - 30), end = Math.min(text.length, at + length + 50);
    return (start > 0 ? "…" : "") + escapeHtml(text.slice(start, at)) +
      "<mark>" + escapeHtml(text.slice(at, at + length)) + "</mark>" +
      escapeHtml(text.slice(at + length, end)) + (end < text.length ? "…" : "");
  }

  function show(results, query) {
    list.innerHTML = "";
    if (!query.trim()) { status.textContent = ""; return; }
    var total = results.length;
    if (!total) {
      status.textContent = form.dataset.none;
    } else if (total > MAX) {
      status.textContent = form.dataset.showing.replace("{n}", total).replace("{shown}", MAX);
    } else {
      status.textContent = form.dataset.found.replace("{n}", total);
    }
    results.slice(0, MAX).forEach(function (r) {
      var d = data.docs[r.doc], page = data.pages[d[0]];
      var li = document.createElement("li");
      li.innerHTML = "<a href=\"" + escapeHtml(page[0]) + "#" + escapeHtml(d[1]) + "\">" +
        "<span class=\"search-where\">" + escapeHtml(page[1]) + " <span class=\"search-at\">" + escapeHtml(d[2]) + "</span></span>" +
        "<span class=\"search-snippet\">" + snippet(d[3], r.at, r.length) + "</span></a>";
      list.appendChild(li);
    });
  }

  // For measuring and testing: the same search the box runs (every result,
  // before the list is cut), without the page around it.
  window.zhushuFind = search;

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(search(input.value), input.value); }, 80);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(search(input.value), input.value);
    var first = list.querySelector("a");
    if (first) { first.focus(); }
  });
  form.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && links.length) {
      event.preventDefault();
      if (at <= 0) { input.focus(); } else { links[at - 1].focus(); }
    } else if (event.key === "Escape") {
      list.innerHTML = "";
      status.textContent = "";
      input.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
})();

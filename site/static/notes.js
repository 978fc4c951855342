/* zhushu — theme "classic": notes beside their lines, or in place.
 *
 * Without this script a note marker is a plain link to the endnote, and on
 * wide screens every note also stands in the margin beside its paragraph
 * (floated, so that in a dense passage later notes drift below their lines).
 *
 * With it, where the theme's CSS says notes go into the margin (the custom
 * property --sn-mode: margin on .chapter-body), each note is placed by
 * measurement: level with the line of its marker (beside it; in a vertical
 * theme, above its column), pushed along only as far as the note before it
 * needs, and never more than MAX_DRIFT_LINES lines from its marker. A note
 * that would have to go further, or past the end of the text, does not
 * stand in the margin: its marker opens it in place, under the line, as on
 * a narrow screen, where every note opens that way when its marker is
 * activated (click, tap, Enter), and closes with a second activation or
 * with Escape, which returns focus to the marker.
 *
 * A recurring quotation's list of other places stands once per page, in a
 * <template id="qp-…">; when a marker is first hovered or focused, the list
 * is copied into its popover, without the place the reader is at.
 *
 * On a touch screen, where nothing hovers, the first tap on a glossary
 * term, a quotation's marker or (in the calm mode, where the marker hides)
 * the quoted passage opens the definition or the places in place; a second
 * tap on the term, its card or the marker follows its link, a tap
 * elsewhere or Escape closes it.
 *
 * The switch between the calm and the study mode (.mode-toggle) sets
 * .study on the root and remembers the choice in localStorage, which the
 * page's head reads back before the first paint. */
(function () {
  "use strict";
  // The CSS keys its margin layout on this class: without it (no script),
  // notes float.
  document.documentElement.classList.add("sn-js");

  function sidenoteOf(marker) {
    var n = (marker.getAttribute("href") || "").replace("#fn-", "");
    var side = document.getElementById("sn-" + n);
    // Only the first marker of a note carries its sidenote.
    return side && marker.id === "fnref-" + n ? side : null;
  }

  function setOpen(marker, side, open) {
    side.classList.toggle("open", open);
    marker.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function closeAll(except) {
    var open = document.querySelectorAll(".sidenote.open");
    for (var i = 0; i < open.length; i++) {
      if (open[i] === except) { continue; }
      var marker = document.getElementById("fnref-" + open[i].id.slice(3));
      if (marker) { setOpen(marker, open[i], false); }
    }
  }

  var markers = document.querySelectorAll("sup.noteref a");
  for (var i = 0; i < markers.length; i++) {
    var side = sidenoteOf(markers[i]);
    if (side) {
      markers[i].setAttribute("aria-controls", side.id);
      markers[i].setAttribute("aria-expanded", "false");
    }
  }

  // Places listed in a popover; the template holds one more, so that the
  // reader's own place can be left out.
  var MAX_IN_POPOVER = 6;

  function fillQuotation(mark) {
    var pop = mark.querySelector(".quote-pop");
    var ref = mark.querySelector(".quote-ref");
    if (!pop || !ref || pop.firstChild) { return; }
    var id = (ref.getAttribute("href") || "").split("#")[1];
    var template = id && document.getElementById("qp-" + id);
    if (!template) { return; }
    pop.appendChild(template.content.cloneNode(true));
    var unit = mark.closest("[id]");
    var page = location.pathname.split("/").pop() || "index.html";
    var here = unit ? page + "#" + unit.id : null;
    var places = pop.querySelectorAll("a.quote-place:not(.quote-more)");
    var left = places.length;
    for (var i = 0; i < places.length; i++) {
      if (places[i].getAttribute("href") === here) {
        places[i].remove();
        left--;
        break;
      }
    }
    if (left > MAX_IN_POPOVER) { places[places.length - 1].remove(); }
  }

  function onQuotation(event) {
    var mark = event.target.closest ? event.target.closest(".quote-mark") : null;
    if (mark) { fillQuotation(mark); }
  }
  document.addEventListener("mouseover", onQuotation);
  document.addEventListener("focusin", onQuotation);

  // ------------------------------------------------------------ touch

  var touch = window.matchMedia("(hover: none)");

  function closePops(except) {
    var open = document.querySelectorAll(".pop-open");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) { open[i].classList.remove("pop-open"); }
    }
  }

  // A card opened by a tap is moved back inside the window if it would
  // stand past either edge (a term near the end of a line).
  function keepInWindow(pop) {
    pop.style.transform = "";
    var r = pop.getBoundingClientRect();
    var room = document.documentElement.clientWidth;
    var dx = 0;
    if (r.right > room - 8) { dx = room - 8 - r.right; }
    if (r.left + dx < 8) { dx = 8 - r.left; }
    if (dx) { pop.style.transform = "translateX(" + Math.round(dx) + "px)"; }
  }

  document.addEventListener("click", function (event) {
    if (!touch.matches || !event.target.closest) { return; }
    // A tap on a term's open card leads on to its entry, as the term does
    // (the card may cover the term, in a narrow vertical page).
    var card = event.target.closest(".term-pop");
    var owner = card && card.previousElementSibling;
    if (owner && owner.classList.contains("pop-open")) {
      event.preventDefault();
      window.location.href = owner.href;
      return;
    }
    var target = event.target.closest("a.term, .quote-ref, .quote-occ");
    if (!target) {
      // A tap on a link inside an open card goes on; anywhere else closes.
      if (!event.target.closest(".pop-open, .term-pop, .quote-pop")) { closePops(null); }
      return;
    }
    var holder = target.classList.contains("term") ? target : target.closest(".quote-mark");
    if (!holder && target.classList.contains("quote-occ")) {
      var next = target.nextElementSibling;
      holder = next && next.classList.contains("quote-mark") ? next : null;
    }
    if (!holder) { return; }
    if (holder.classList.contains("pop-open")) {
      // The second tap: a link leads on to its entry or index.
      if (target.tagName !== "A") { closePops(null); }
      return;
    }
    event.preventDefault();
    closePops(holder);
    if (holder.classList.contains("quote-mark")) { fillQuotation(holder); }
    holder.classList.add("pop-open");
    var pop = holder.classList.contains("term") ? holder.nextElementSibling : holder.querySelector(".quote-pop");
    if (pop) { keepInWindow(pop); }
  });

  // ------------------------------------------------------------ reading mode

  var STUDY_KEY = "zhushu-study";
  var toggles = document.querySelectorAll(".mode-toggle");

  function showMode() {
    var study = document.documentElement.classList.contains("study");
    for (var i = 0; i < toggles.length; i++) {
      toggles[i].setAttribute("aria-pressed", study ? "true" : "false");
    }
  }

  for (var t = 0; t < toggles.length; t++) {
    toggles[t].hidden = false;
    toggles[t].addEventListener("click", function () {
      var study = !document.documentElement.classList.contains("study");
      document.documentElement.classList.toggle("study", study);
      try { localStorage.setItem(STUDY_KEY, study ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
      showMode();
      // The markers take room in the line in one mode only: the lines,
      // and the notes beside them, move.
      layout();
    });
  }
  showMode();

  // ------------------------------------------------------------ notes

  document.addEventListener("click", function (event) {
    var marker = event.target.closest ? event.target.closest("sup.noteref a") : null;
    if (!marker) { return; }
    var side = sidenoteOf(marker);
    // A note that stands in the margin is already in sight: its marker
    // keeps leading to the endnote.
    if (!side || side.classList.contains("sn-margin")) { return; }
    event.preventDefault();
    var open = !side.classList.contains("open");
    closeAll(side);
    setOpen(marker, side, open);
    // The text below has moved: the margin notes follow it.
    layout();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    if (document.querySelector(".pop-open")) {
      closePops(null);
      return;
    }
    // A quotation's list of places is open while focus is inside it:
    // Escape hands focus back to its marker and closes it.
    var active = document.activeElement;
    // A glossary term shows its definition while focused: Escape hides it
    // and leaves focus where it was.
    if (active && active.classList && active.classList.contains("term")) {
      active.classList.add("term-closed");
      active.addEventListener("blur", function () { active.classList.remove("term-closed"); }, { once: true });
      return;
    }
    var quote = active && active.closest ? active.closest(".quote-mark") : null;
    if (quote) {
      var ref = quote.querySelector(".quote-ref");
      if (active === ref) { ref.blur(); } else { ref.focus(); ref.blur(); }
      return;
    }
    var side = document.querySelector(".sidenote.open");
    if (!side) { return; }
    var marker = document.getElementById("fnref-" + side.id.slice(3));
    if (marker) {
      setOpen(marker, side, false);
      marker.focus();
      layout();
    }
  });

  // ---------------------------------------------------------------- margin

  // How far a note may stand from its marker's line, in lines of text (in
  // columns, in a vertical theme). The browser tests hold the layout to it.
  var MAX_DRIFT_LINES = 3;
  var body = document.querySelector(".chapter-body");

  function px(value, fallback) {
    var n = parseFloat(value);
    return isNaN(n) ? fallback : n;
  }

  // The padding box of an element's containing block, in viewport pixels:
  // what `top` and `left` of an absolutely placed note count from.
  function origin(note) {
    var parent = note.offsetParent || body;
    var r = parent.getBoundingClientRect();
    return { x: r.left + parent.clientLeft, y: r.top + parent.clientTop };
  }

  function layout() {
    if (!body) { return; }
    var style = getComputedStyle(body);
    var margin = style.getPropertyValue("--sn-mode").trim() === "margin";
    var vertical = style.writingMode.indexOf("vertical") === 0;
    var font = px(style.fontSize, 16);
    var line = px(style.lineHeight, font * 1.9);
    var limit = MAX_DRIFT_LINES * line;
    var gap = 0.5 * font;
    var notes = body.querySelectorAll(".sidenote");
    var placed = [];
    // First every candidate takes its margin shape (out of the flow, so
    // the text does not move), then all are measured, then placed in
    // reading order. A note open in place stays where it is.
    for (var i = 0; i < notes.length; i++) {
      var note = notes[i];
      note.style.top = "";
      note.style.left = "";
      var marker = document.getElementById("fnref-" + note.id.slice(3));
      var candidate = margin && marker && !note.classList.contains("open");
      note.classList.toggle("sn-margin", !!candidate);
      if (candidate) { placed.push({ note: note, marker: marker }); }
    }
    var bodyBox = body.getBoundingClientRect();
    var measured = placed.map(function (p) {
      return { p: p, at: p.marker.getBoundingClientRect(), box: p.note.getBoundingClientRect(), o: origin(p.note) };
    });
    var end = vertical ? Infinity : -Infinity;
    measured.forEach(function (m) {
      var ok;
      if (vertical) {
        // Above the text, in the band the body keeps free as top padding;
        // the note's right edge level with its marker's column (never
        // right of the body, over the title), pushed left past the note
        // before it.
        var want = Math.min(m.at.right + line / 4, bodyBox.right);
        var right = Math.min(want, end - gap);
        ok = want - right <= limit && right - m.box.width >= bodyBox.left;
        if (ok) {
          m.p.note.style.left = (right - m.box.width - m.o.x) + "px";
          m.p.note.style.top = (bodyBox.top + body.clientTop + 0.5 * font - m.o.y) + "px";
          end = right - m.box.width;
        }
      } else {
        // Beside the text: the note's first line level with its marker's,
        // pushed down below the note before it.
        var want = (m.at.top + m.at.bottom) / 2 - line / 2;
        var top = Math.max(want, end + gap);
        ok = top - want <= limit;
        if (ok) {
          m.p.note.style.top = (top - m.o.y) + "px";
          end = top + m.box.height;
        }
      }
      if (!ok) { m.p.note.classList.remove("sn-margin"); }
    });
  }

  if (body) {
    layout();
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(layout); }
    // The body changes size when the window does, when fonts arrive and
    // when a note opens in place: every note is placed again.
    if (window.ResizeObserver) {
      var pending = false;
      new ResizeObserver(function () {
        if (pending) { return; }
        pending = true;
        requestAnimationFrame(function () { pending = false; layout(); });
      }).observe(body);
    } else {
      window.addEventListener("resize", layout);
    }
  }
})();

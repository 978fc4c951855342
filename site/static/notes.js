/* zhushu — theme "classic": notes in place on narrow screens.
 *
 * Without this script a note marker is a plain link to the endnote, and on
 * wide screens every note also stands in the margin beside its paragraph.
 * On narrow screens the script opens the note in place, under the line,
 * when its marker is activated (click, tap, Enter), and closes it with a
 * second activation or with Escape, which returns focus to the marker.
 *
 * A recurring quotation's list of other places stands once per page, in a
 * <template id="qp-…">; when a marker is first hovered or focused, the list
 * is copied into its popover, without the place the reader is at. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 75em)");

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

  document.addEventListener("click", function (event) {
    var marker = event.target.closest ? event.target.closest("sup.noteref a") : null;
    if (!marker || wide.matches) { return; }
    var side = sidenoteOf(marker);
    if (!side) { return; }
    event.preventDefault();
    var open = !side.classList.contains("open");
    closeAll(side);
    setOpen(marker, side, open);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
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
    }
  });
})();

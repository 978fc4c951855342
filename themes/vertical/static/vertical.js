// Vertical pages scroll sideways, but a mouse wheel turns up and down:
// over the reading box, a wheel turn down moves the text on (to the left),
// as it would move a horizontal page on. Trackpads that already scroll
// sideways, Shift+wheel and zooming (Ctrl+wheel) are left alone.
(function () {
  var box = document.querySelector('body:not(.print) > main');
  if (!box) return;
  box.addEventListener('wheel', function (event) {
    if (event.ctrlKey || event.shiftKey) return;
    if (Math.abs(event.deltaX) >= Math.abs(event.deltaY)) return;
    if (box.scrollWidth <= box.clientWidth) return;
    // deltaMode 1 counts lines, 2 pages; 0 (the usual) pixels.
    var unit = event.deltaMode === 1 ? 32 : event.deltaMode === 2 ? box.clientWidth : 1;
    box.scrollLeft -= event.deltaY * unit;
    event.preventDefault();
  }, { passive: false });
})();

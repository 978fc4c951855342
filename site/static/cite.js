/* "Cite this": a reference to the piece, or to one of its paragraphs, ready
 * to copy. The references are made by zhushu when it builds the page (GB/T
 * 7714-2015 for a Chinese edition, Chicago style for an English one) and
 * stand in the page as JSON (#zs-cite), so this works from file:// and
 * without a server. The piece's button stands after its text; each numbered
 * paragraph gets a button at the end of its text, which the theme shows
 * while the paragraph is hovered, focused or the target of its link. The dialog is modal: focus
 * moves into it, Escape or Close shuts it, and focus goes back to the
 * button that opened it. Copy uses the clipboard; where the page may not
 * use it, the reference is selected for the reader to copy, and the status
 * line says so. Without this script the buttons stay hidden. */
(function () {
  'use strict';
  var data = document.getElementById('zs-cite');
  var bar = document.getElementById('zs-cite-bar');
  if (!data || !bar || typeof HTMLDialogElement !== 'function') return;
  var refs;
  try {
    refs = JSON.parse(data.textContent);
  } catch (e) {
    return;
  }
  var s = bar.dataset;
  var opener = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  var dialog = el('dialog', 'cite-dialog');
  dialog.id = 'zs-cite-dialog';
  dialog.setAttribute('aria-labelledby', 'zs-cite-title');
  var title = el('h2', 'cite-title');
  title.id = 'zs-cite-title';
  var style = el('p', 'cite-style', s.style);
  style.id = 'zs-cite-style';
  var area = el('textarea', 'cite-text');
  area.id = 'zs-cite-text';
  area.readOnly = true;
  area.rows = 5;
  area.setAttribute('aria-labelledby', 'zs-cite-title');
  area.setAttribute('aria-describedby', 'zs-cite-style');
  var actions = el('p', 'cite-actions');
  var copy = el('button', 'cite-copy', s.copy);
  copy.type = 'button';
  var close = el('button', 'cite-close', s.close);
  close.type = 'button';
  actions.appendChild(copy);
  actions.appendChild(document.createTextNode(' '));
  actions.appendChild(close);
  var status = el('p', 'cite-status');
  status.setAttribute('role', 'status');
  dialog.appendChild(title);
  dialog.appendChild(style);
  dialog.appendChild(area);
  dialog.appendChild(actions);
  dialog.appendChild(status);
  document.body.appendChild(dialog);

  function open(text, heading, from) {
    opener = from;
    title.textContent = heading;
    area.value = text;
    status.textContent = '';
    dialog.showModal();
    // The reference itself first: read out, and selected, so that the
    // keyboard's own copy works at once too.
    area.focus();
    area.select();
  }

  // The reference selected for the reader to copy, when the clipboard
  // cannot be used (the page's permissions, an old browser).
  function selectForCopy() {
    area.focus();
    area.select();
    var copied = false;
    try {
      copied = document.execCommand('copy');
    } catch (e) {
      copied = false;
    }
    status.textContent = copied ? s.copied : s.select;
  }

  copy.addEventListener('click', function () {
    var text = area.value;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = s.copied;
      }, selectForCopy);
    } else {
      selectForCopy();
    }
  });
  close.addEventListener('click', function () {
    dialog.close();
  });
  // A click on the backdrop closes too.
  dialog.addEventListener('click', function (e) {
    if (e.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', function () {
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  });

  var piece = bar.querySelector('.cite-open');
  if (piece && refs.piece) {
    piece.addEventListener('click', function () {
      open(refs.piece, s.titlePiece, piece);
    });
    bar.hidden = false;
  }

  var paragraphs = refs.paragraphs || {};
  var body = document.querySelector('.chapter-body');
  if (!body) return;
  Array.prototype.forEach.call(body.querySelectorAll('p[id]'), function (p) {
    var text = paragraphs[p.id];
    var number = p.querySelector('.pnum');
    if (!text || !number) return;
    var n = p.id.slice(1);
    var label = s.paragraph.replace('{n}', n);
    var button = el('button', 'cite-p');
    button.type = 'button';
    button.setAttribute('aria-label', label);
    button.title = label;
    button.addEventListener('click', function () {
      open(text, s.titleParagraph.replace('{n}', n), button);
    });
    p.appendChild(button);
  });
})();

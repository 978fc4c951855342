/* zhushu — classic: titles break between words, not inside one.
 *
 * A Chinese line may break between any two characters, and a title that
 * wraps broke where the line was full: 办公厅工作要做／到, 对办／公厅.
 * style.css sets titles `word-break: keep-all`, so that they break only at
 * spaces, punctuation and <wbr>; this script puts a <wbr> between the
 * words of each title, as the browser's own dictionary (Intl.Segmenter)
 * finds them. Without it (no script, an old browser), a title breaks at its
 * punctuation (办公厅工作要做到／“五个坚持”), and one with none, too long
 * for its line, where the line is full, as before. (`word-break:
 * auto-phrase` would do this in CSS, but Chromium knows phrases only in
 * Japanese.) */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "";
  if (!window.Intl || !Intl.Segmenter || !/^(zh|ja)/i.test(lang)) return;
  var words = new Intl.Segmenter(lang, { granularity: "word" });
  var titles = document.querySelectorAll(
    "main h1, main h2, main h3, main h4, main h5, main h6, .toc-title, .print-toc-title");
  for (var i = 0; i < titles.length; i++) {
    var walker = document.createTreeWalker(titles[i], NodeFilter.SHOW_TEXT);
    var texts = [];
    for (var t = walker.nextNode(); t; t = walker.nextNode()) texts.push(t);
    for (var k = 0; k < texts.length; k++) {
      var text = texts[k];
      if (text.parentElement.closest(".vh, .noteref, .sidenote, .quote-mark, .term-pop")) continue;
      var parts = Array.from(words.segment(text.data));
      if (parts.length < 2) continue;
      // Only between two words: around punctuation the line-breaking
      // rules decide (no line starts with ”，。 or ends with “《).
      var pieces = document.createDocumentFragment();
      for (var p = 0; p < parts.length; p++) {
        if (p > 0 && parts[p].isWordLike && parts[p - 1].isWordLike) {
          pieces.appendChild(document.createElement("wbr"));
        }
        pieces.appendChild(document.createTextNode(parts[p].segment));
      }
      text.parentNode.replaceChild(pieces, text);
    }
  }
})();

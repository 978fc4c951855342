// Geometry of every chapter page in a real browser:
//   node tests/browser/check-layout.mjs SITE_DIR [THEME_NAME]
//
// Every page whose <body> has the class "chapter" is opened from file:// at
// phone (390×844) and desktop (1440×900) size, after its fonts have loaded
// and its scripts have laid it out, and measured:
// - no two text boxes overlap: the line boxes of the text (one rectangle
//   per line of every text node, from Range.getClientRects) and the box of
//   every note standing in the margin, against each other;
// - every note stands beside its line or is in its fallback: a note shown
//   in the margin begins within MAX_DRIFT_LINES lines (columns, in a
//   vertical theme) of its marker, stays inside the window's width, and a
//   note not shown is one its marker opens in place (aria-controls);
// - no line starts with closing punctuation (，。、；：？！ and closing
//   brackets and quotation marks, full- or half-width): the character
//   before such a mark in its paragraph, note marker included, is on the
//   same line; so is the character before a note or quotation marker;
// - an interview's paragraph that goes on from a speaker's turn hangs with
//   it (its lines after the first start where the turn's do);
// - a title (h1–h6) in Chinese or Japanese breaks between words, never inside
//   one (the words as the browser's Intl.Segmenter finds them);
// - a table cell of up to four characters stands on one line, and one of
//   24 or more is at least eight characters wide;
// - nothing overflows the window's width.
// And print.html, on screen at both sizes: the text stands clear of the
// window's edge and its first paragraphs' numbers inside the window.
// Each page is measured again on the desktop without JavaScript, where a
// note stands in its line, where its marker is, or its marker links to the
// endnote.
// Each page is measured in the calm reading mode (the default) and again in
// the study mode, switched on with the page's own switch (every marker then
// takes room in the line). On the desktop, the first note that is not in
// the margin (if any) is then opened in place by a click, and the page
// measured again.
//
// Exit code 0 when all hold, 1 otherwise. CHECK_LAYOUT_PAGES=a.html,b.html
// limits the pages; CHECK_LAYOUT_SCREENSHOTS=DIR keeps a screenshot of each
// page and size.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

// The promise of classic's notes.js (MAX_DRIFT_LINES there), plus one line
// for the difference between a marker's box and the note's first line.
const MAX_DRIFT_LINES = 3;

const [site, themeName = ''] = process.argv.slice(2);
if (!site) {
  console.error('usage: node check-layout.mjs SITE_DIR [THEME_NAME]');
  process.exit(2);
}
const only = (process.env.CHECK_LAYOUT_PAGES || '').split(',').filter(Boolean);
const shots = process.env.CHECK_LAYOUT_SCREENSHOTS;
const pages = fs.readdirSync(site)
  .filter((f) => f.endsWith('.html'))
  .filter((f) => /<body class="chapter"/.test(fs.readFileSync(path.join(site, f), 'utf8')))
  .filter((f) => only.length === 0 || only.includes(f))
  .sort();
const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
];

// Runs in the page: a list of problems, and what was measured.
function measure(maxDriftLines) {
  const problems = [];
  const main = document.querySelector('main');
  const body = document.querySelector('.chapter-body');
  if (!body) return { problems: ['no .chapter-body'], margin: 0, fallback: 0 };
  const style = getComputedStyle(body);
  const vertical = style.writingMode.startsWith('vertical');
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.9;
  const short = (s) => s.replace(/\s+/g, ' ').trim().slice(0, 24);
  const fmt = (r) => `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)}`;
  const shown = (el) => el.getClientRects().length > 0;
  // Text the reader cannot see (the calm mode's quotation markers, until
  // hovered, focused or tapped) is not measured.
  // Nor is text in a box clipped to a pixel, as screen readers' text is
  // hidden (.vh, a table's head when its rows are cards).
  const clipped = new Map();
  const inPixel = (el) => {
    if (!el || el === main) return false;
    if (!clipped.has(el)) {
      const r = el.getBoundingClientRect();
      clipped.set(el, (r.width <= 1 && r.height <= 1 && getComputedStyle(el).overflow !== 'visible') || inPixel(el.parentElement));
    }
    return clipped.get(el);
  };
  const seen = (el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && !inPixel(el);

  // Notes: in the margin (shown, not open in place), or in their fallback.
  // Without JavaScript (no .sn-js) a note stands in the line where its
  // marker is (inline), or its marker leads to the endnote.
  const script = document.documentElement.classList.contains('sn-js');
  const inline = (note) => getComputedStyle(note).display === 'inline';
  const margin = [];
  let fallback = 0;
  let inLine = 0;
  for (const note of document.querySelectorAll('.sidenote')) {
    const n = note.id.slice(3);
    const marker = document.getElementById(`fnref-${n}`);
    if (!shown(note)) {
      fallback++;
      const opens = marker && (script
        ? marker.getAttribute('aria-controls') === note.id
        : marker.getAttribute('href') === `#fn-${n}`);
      if (!opens) {
        problems.push(`note ${n} is neither beside its line nor opened by its marker ${script ? 'in place' : '(a link to the endnote)'}`);
      }
      continue;
    }
    if (note.classList.contains('open')) continue;
    const a = marker.getBoundingClientRect();
    if (inline(note)) {
      inLine++;
      // In the line: its first box begins on the marker's line or the next.
      const b = note.getClientRects()[0];
      const drift = vertical ? Math.abs(b.right - a.right) : Math.abs(b.top - a.top);
      if (drift > 2 * line) problems.push(`note ${n}, set in the line, begins ${Math.round(drift)}px from its marker: note ${fmt(b)}, marker ${fmt(a)}`);
      continue;
    }
    const b = note.getBoundingClientRect();
    margin.push({ n, box: b });
    const drift = vertical
      ? Math.abs(b.right - (a.left + a.right) / 2)
      : Math.abs(b.top - (a.top + a.bottom) / 2);
    if (drift > (maxDriftLines + 1) * line) {
      problems.push(`note ${n} stands ${Math.round(drift)}px from its marker (more than ${maxDriftLines} lines of ${Math.round(line)}px): note ${fmt(b)}, marker ${fmt(a)}`);
    }
    // Beside the text and inside the window; in a vertical theme, above
    // the text and within the body, in the box that scrolls sideways.
    const bounds = vertical ? body.getBoundingClientRect() : { left: 0, right: window.innerWidth };
    if (b.left < bounds.left - 1 || b.right > bounds.right + 1) {
      problems.push(`note ${n} leaves ${vertical ? 'the text body' : 'the window'} sideways: ${fmt(b)}`);
    }
  }

  // Line boxes of the text in <main>, notes' own text aside (a margin note
  // counts as one box; a note open in place is in the flow).
  const texts = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.data.trim()) continue;
    const el = t.parentElement;
    const note = el.closest('.sidenote');
    if (el.closest('.vh, template') || (note && !note.classList.contains('open') && !inline(note)) || !seen(el)) continue;
    range.selectNodeContents(t);
    for (const r of range.getClientRects()) {
      if (r.width >= 1 && r.height >= 1) texts.push({ r, what: short(t.data) });
    }
  }
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  for (let i = 0; i < margin.length; i++) {
    for (let j = i + 1; j < margin.length; j++) {
      if (hit(margin[i].box, margin[j].box)) problems.push(`notes ${margin[i].n} and ${margin[j].n} overlap: ${fmt(margin[i].box)}, ${fmt(margin[j].box)}`);
    }
    for (const t of texts) {
      if (hit(margin[i].box, t.r)) problems.push(`note ${margin[i].n} covers text “${t.what}”: ${fmt(margin[i].box)}, ${fmt(t.r)}`);
    }
  }
  // Text against text: sorted along the page, each box against those that
  // begin before it ends.
  const along = vertical ? (r) => -r.right : (r) => r.top;
  const until = vertical ? (r) => -r.left : (r) => r.bottom;
  texts.sort((a, b) => along(a.r) - along(b.r));
  // Line boxes run from the font's ascent to its descent, which may be more
  // than the line height of a tightly set title: two lines of text overlap
  // only by more than a quarter of their extent across the line.
  const across = vertical ? (r) => r.width : (r) => r.height;
  const textHit = (a, b) => hit(a, b) &&
    Math.min(until(a), until(b)) - Math.max(along(a), along(b)) > Math.min(across(a), across(b)) / 4;
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length && along(texts[j].r) < until(texts[i].r); j++) {
      if (textHit(texts[i].r, texts[j].r)) problems.push(`text “${texts[i].what}” and “${texts[j].what}” overlap: ${fmt(texts[i].r)}, ${fmt(texts[j].r)}`);
    }
  }

  // Closing punctuation at the start of a line (GB/T 15834, JIS X 4051):
  // each such character against the character before it in its block.
  const CLOSING = new Set('，。、；：？！）」』》〉】〕〗｝］’”,.;:?!)]');
  const BLOCK = 'p, li, td, th, h1, h2, h3, h4, h5, h6, dt, dd, figcaption, caption, .sidenote, .term-pop, .quote-pop';
  const last = new Map();
  const charRect = (t, i) => {
    range.setStart(t, i);
    range.setEnd(t, i + 1);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 || r.height > 0);
    return rects[rects.length - 1] || null;
  };
  const newLine = vertical
    ? (prev, cur) => cur.right <= prev.left + 1
    : (prev, cur) => cur.top >= prev.bottom - 1;
  const walker2 = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let t = walker2.nextNode(); t; t = walker2.nextNode()) {
    const el = t.parentElement;
    if (el.closest('.pnum, .vh, template') || !shown(el) || !seen(el)) continue;
    const block = el.closest(BLOCK) || el;
    const chars = [...t.data];
    let offset = 0;
    let prev = last.get(block) || null;
    for (const c of chars) {
      const units = c.length;
      if (/[\s\u2060]/.test(c)) { offset += units; continue; }
      // A note number belongs to the character before it, as a closing
      // mark does.
      if (CLOSING.has(c) || (offset === 0 && el.closest('.noteref, .quote-ref'))) {
        const cur = charRect(t, offset);
        if (cur && prev && newLine(prev.r, cur)) {
          problems.push(`a line starts with “${c}” after “${prev.c}”: “${short(t.data.slice(Math.max(0, offset - 8), offset + 8))}” at ${fmt(cur)}`);
        }
        prev = cur ? { r: cur, c } : prev;
      } else if (offset + units === t.data.length || CLOSING.has(t.data[offset + units])) {
        // Only the characters a closing mark can follow need measuring.
        const cur = charRect(t, offset);
        if (cur) prev = { r: cur, c };
      }
      offset += units;
    }
    if (prev) last.set(block, prev);
  }

  // Interviews: a paragraph that goes on from a speaker's turn hangs with
  // it, every line after its first starting where the turn's own lines
  // after the label do (a column's top, in a vertical theme).
  for (const p of main.querySelectorAll('.chapter-body p:not(.turn)')) {
    let turn = p.previousElementSibling;
    while (turn && turn.matches('p:not(.turn)')) turn = turn.previousElementSibling;
    if (!turn || !turn.matches('p.turn') || !shown(p)) continue;
    const box = turn.getBoundingClientRect();
    const ts = getComputedStyle(turn);
    const hang = vertical ? box.top + parseFloat(ts.paddingTop) : box.left + parseFloat(ts.paddingLeft);
    // The text's boxes in lines (their middles across the line within
    // half a line of each other), each line's start.
    const boxes = [];
    const own = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let t = own.nextNode(); t; t = own.nextNode()) {
      // A page mark's number stands in the margin, outside the lines.
      if (t.parentElement.closest('.pnum, .pb, .sidenote, .term-pop, .quote-pop, .quote-mark, .vh') || !t.data.trim()) continue;
      range.selectNodeContents(t);
      for (const r of range.getClientRects()) {
        if (r.width >= 1 && r.height >= 1) boxes.push(r);
      }
    }
    // A page mark: its rule stands in the line, where a line may begin
    // (its number, in the margin, is left out above).
    for (const mark of p.querySelectorAll('.pb')) {
      for (const r of mark.getClientRects()) {
        if (r.height >= 1) boxes.push(r);
      }
    }
    // A note set in the line: its boxes, brackets included.
    for (const note of p.querySelectorAll('.sidenote')) {
      if (!inline(note)) continue;
      for (const r of note.getClientRects()) {
        if (r.width >= 1 && r.height >= 1) boxes.push(r);
      }
    }
    const middle = vertical ? (r) => -(r.left + r.right) / 2 : (r) => (r.top + r.bottom) / 2;
    boxes.sort((a, b) => middle(a) - middle(b));
    const lines = [];
    for (const r of boxes) {
      const at = vertical ? r.top : r.left;
      const current = lines[lines.length - 1];
      if (current && middle(r) - current.middle < line / 2) current.start = Math.min(current.start, at);
      else lines.push({ middle: middle(r), start: at });
    }
    const off = lines.slice(1).filter((l) => Math.abs(l.start - hang) > 2);
    if (off.length) {
      problems.push(`the interview paragraph “${short(p.textContent)}” does not hang with its turn: a line starts at ${Math.round(off[0].start)}, the turn's at ${Math.round(hang)}`);
    }
  }

  // Titles break between words, never inside one (办公厅工作要做／到): the
  // words as the browser's dictionary finds them (Intl.Segmenter), each
  // word's characters on one line, notes and cards in the title aside.
  const lang = document.documentElement.lang;
  if (window.Intl && Intl.Segmenter && /^(zh|ja)/i.test(lang)) {
    const words = new Intl.Segmenter(lang, { granularity: 'word' });
    for (const title of main.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
      if (!shown(title)) continue;
      const chars = [];
      const titleText = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
      for (let t = titleText.nextNode(); t; t = titleText.nextNode()) {
        if (t.parentElement.closest('.sidenote, .term-pop, .quote-pop, .quote-mark, .noteref, .vh')) continue;
        for (let i = 0; i < t.data.length; i++) chars.push({ c: t.data[i], r: charRect(t, i) });
      }
      const text = chars.map((c) => c.c).join('');
      for (const word of words.segment(text)) {
        if (!word.isWordLike) continue;
        for (let i = word.index + 1; i < word.index + word.segment.length; i++) {
          const [a, b] = [chars[i - 1].r, chars[i].r];
          if (a && b && newLine(a, b)) {
            problems.push(`the title “${short(text)}” breaks inside the word “${word.segment}”: “${text.slice(Math.max(0, i - 6), i)}／${text.slice(i, i + 6)}”`);
          }
        }
      }
    }
  }

  // Tables: a short cell (a year, a place name of up to four characters)
  // stands on one line, and a long one gets at least eight characters a line,
  // on a phone too (classic sets the rows as cards there).
  for (const cell of main.querySelectorAll('.table-wrap td, .table-wrap th')) {
    if (!shown(cell)) continue;
    const lines = new Set();
    let chars = 0;
    const cells = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let t = cells.nextNode(); t; t = cells.nextNode()) {
      if (t.parentElement.closest('.sidenote, .term-pop, .quote-pop, .quote-mark, .noteref, .vh')) continue;
      const text = t.data.replace(/[\s\u2060]/g, '');
      chars += [...text].length;
      range.selectNodeContents(t);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && r.height > 0) lines.add(Math.round(vertical ? r.left : r.top));
      }
    }
    const what = short(cell.textContent);
    if (chars > 0 && chars <= 4 && lines.size > 1) problems.push(`the table cell “${what}” breaks over ${lines.size} lines`);
    const cs = getComputedStyle(cell);
    const measure = vertical
      ? cell.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)
      : cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (chars >= 24 && measure < 8 * parseFloat(cs.fontSize)) {
      problems.push(`the table cell “${what}” is ${Math.round(measure / parseFloat(cs.fontSize))} characters wide`);
    }
  }

  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    problems.push(`the page is wider than the window (${doc.scrollWidth} > ${doc.clientWidth})`);
  }
  return { problems, margin: margin.length, fallback, inLine };
}

const browser = await launch();
const { check, finish } = tally();
try {
  for (const size of SIZES) {
    const context = await browser.newContext({
      viewport: size.viewport, hasTouch: !!size.hasTouch, isMobile: !!size.isMobile,
    });
    for (const file of pages) {
      const tab = await context.newPage();
      const errors = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await tab.goto(pathToFileURL(path.resolve(site, file)).href);
      const settle = async () => {
        await tab.evaluate(() => document.fonts.ready.then(() => new Promise((done) =>
          requestAnimationFrame(() => requestAnimationFrame(done)))));
      };
      await settle();
      const label = `${themeName ? `${themeName} ` : ''}${file} at ${size.viewport.width}×${size.viewport.height}`;
      const first = await tab.evaluate(measure, MAX_DRIFT_LINES);
      if (shots) await tab.screenshot({ path: path.join(shots, `${themeName || 'site'}-${size.name}-${file}.png`) });
      const problems = [...first.problems];
      const toggle = tab.locator('.mode-toggle:visible').first();
      let study = first;
      if (await toggle.count()) {
        await toggle.click();
        await settle();
        study = await tab.evaluate(measure, MAX_DRIFT_LINES);
        problems.push(...study.problems.map((p) => `in the study mode: ${p}`));
        // Back to the default, for the next page.
        await toggle.click();
        await settle();
      } else {
        problems.push('no reading mode switch');
      }
      let opened = '';
      if (size.name === 'desktop' && first.fallback > 0) {
        // A note that is not in the margin opens in place, and the page is
        // laid out again around it.
        const id = await tab.evaluate(() => {
          const note = [...document.querySelectorAll('.sidenote')].find((n) => n.getClientRects().length === 0);
          return note ? note.id : null;
        });
        const marker = tab.locator(`a[aria-controls="${id}"]`);
        await marker.scrollIntoViewIfNeeded();
        await marker.click();
        // The pointer away, so that nothing is measured in its hover state.
        await tab.mouse.move(0, 0);
        await settle();
        const note = tab.locator(`[id="${id}"]`);
        if (!(await note.isVisible())) problems.push(`a click on the marker of ${id}, which is not in the margin, does not open it`);
        if (new URL(tab.url()).hash !== '') problems.push(`opening ${id} in place left the place (${tab.url()})`);
        const again = await tab.evaluate(measure, MAX_DRIFT_LINES);
        problems.push(...again.problems.map((p) => `with ${id} open: ${p}`));
        opened = `, ${id} opened in place`;
      }
      problems.push(...errors.map((e) => `script error: ${e}`));
      const unique = [...new Set(problems)];
      const shownProblems = unique.slice(0, 12);
      check(unique.length === 0,
        `${label}: ${first.margin} note(s) in the margin, ${first.fallback} in place (${study.margin} and ${study.fallback} in the study mode)${opened}` +
        `${shownProblems.map((p) => `\n      - ${p}`).join('')}${unique.length > 12 ? `\n      … and ${unique.length - 12} more` : ''}`);
      await tab.close();
    }
    // print.html, looked at on screen before printing: the text stands
    // clear of the window's edge, its paragraph numbers inside the window.
    if (fs.existsSync(path.join(site, 'print.html')) && only.length === 0) {
      const tab = await context.newPage();
      await tab.goto(pathToFileURL(path.resolve(site, 'print.html')).href);
      await tab.evaluate(() => document.fonts.ready);
      const off = await tab.evaluate(() => {
        const vertical = getComputedStyle(document.body).writingMode.startsWith('vertical');
        const problems = [];
        const paragraphs = [...document.querySelectorAll('.print-piece .chapter-body p')].slice(0, 20);
        for (const p of paragraphs) {
          const num = p.querySelector('.pnum');
          const r = num ? num.getBoundingClientRect() : null;
          const inside = r && (vertical ? r.top >= 0 : r.left >= 0 && r.right <= window.innerWidth);
          if (num && !inside) problems.push(`the number of “${p.textContent.trim().slice(0, 16)}” stands at ${Math.round(r.left)},${Math.round(r.top)}, outside the window`);
          const box = p.getBoundingClientRect();
          if (!vertical && box.left < 8) problems.push(`“${p.textContent.trim().slice(0, 16)}” starts at x = ${Math.round(box.left)}`);
        }
        return [...new Set(problems)].slice(0, 6);
      });
      check(off.length === 0, `${themeName ? `${themeName} ` : ''}print.html on screen at ${size.viewport.width}×${size.viewport.height}: paragraph numbers inside the window${off.map((p) => `\n      - ${p}`).join('')}`);
      await tab.close();
    }
    await context.close();
  }
  // Without JavaScript, on a desktop: every note stands in its line (or
  // its marker leads to the endnote), and nothing overlaps.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, javaScriptEnabled: false });
  for (const file of pages) {
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(path.resolve(site, file)).href);
    await tab.evaluate(() => document.fonts.ready);
    if (shots) await tab.screenshot({ path: path.join(shots, `${themeName || 'site'}-nojs-${file}.png`) });
    const m = await tab.evaluate(measure, MAX_DRIFT_LINES);
    const unique = [...new Set(m.problems)];
    check(unique.length === 0,
      `${themeName ? `${themeName} ` : ''}${file} at 1440×900 without JavaScript: ${m.inLine} note(s) in the line, ${m.margin} in the margin, ${m.fallback} as endnotes only` +
      `${unique.slice(0, 12).map((p) => `\n      - ${p}`).join('')}${unique.length > 12 ? `\n      … and ${unique.length - 12} more` : ''}`);
    await tab.close();
  }
  await context.close();
} finally {
  await browser.close();
}
finish(`check-layout${themeName ? ` (${themeName})` : ''}`);

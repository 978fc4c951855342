#!/usr/bin/env node
// Checks a site built with one of the child themes, in Debian's Chromium,
// every page opened from file://:
//
//   node tests/browser/check-themes.mjs SITE_DIR modern|vertical
//
// On every page, at a phone (390×844) and a desktop (1280×800) viewport:
//   - no console error, no uncaught exception, no failed request, no request
//     that is not file://;
//   - axe-core finds nothing of impact serious or critical (phone light,
//     phone dark, desktop light);
//   - prefers-color-scheme: dark changes the body's background;
//   - modern: nothing overflows horizontally;
//   - vertical: <main> (and .chapter-body, which every chapter page must
//     have) is writing-mode: vertical-rl, and the page overflows neither
//     down nor sideways: <main> alone scrolls, sideways, and starts at the
//     right, with the page's <h1> on screen. (print.html, the print edition,
//     is vertical as a whole and scrolls sideways itself.)
// On the first chapter with notes, quotations and glossary terms:
//   - desktop: the first note stands beside (modern) or above (vertical)
//     the text, inside the window;
//   - phone: tapping its marker opens it in place, inside the window;
//   - desktop: hovering a quotation marker and focusing a glossary term
//     show their cards inside the window.
// Environment: CHROMIUM (browser binary, default /usr/bin/chromium),
// CHECK_THEMES_AXE=all|first (axe on every page, the default, or only on
// index.html and the first chapter).
// Exit status 0 when every check passed, 1 otherwise, 2 on bad usage.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

const require = createRequire(import.meta.url);
const THEMES = ['modern', 'vertical'];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const BLOCKING = new Set(['serious', 'critical']);
const AXE_MODE = process.env.CHECK_THEMES_AXE || 'all';

function usage(msg) {
  if (msg) console.error(`check-themes: ${msg}`);
  console.error(`usage: node check-themes.mjs SITE_DIR ${THEMES.join('|')}`);
  process.exit(2);
}

const [siteArg, theme] = process.argv.slice(2);
if (!siteArg || !THEMES.includes(theme) || process.argv.length > 4) usage();
const site = path.resolve(siteArg);
if (!existsSync(path.join(site, 'index.html'))) usage(`${site} has no index.html`);
const sheet = `${theme}.css`;
if (!existsSync(path.join(site, 'static', sheet))) usage(`${site} was not built with --theme ${theme} (no static/${sheet})`);
const axePath = require.resolve('axe-core/axe.min.js');

const pages = readdirSync(site).filter((f) => f.endsWith('.html')).sort((a, b) =>
  (a === 'index.html' ? -1 : b === 'index.html' ? 1 : a.localeCompare(b)));
const chapters = pages.filter((f) => readFileSync(path.join(site, f), 'utf8').includes('<body class="chapter"'));
const firstChapter = chapters[0];
// The chapter for the notes and popovers: the first that has all three.
const annotated = chapters.find((f) => {
  const html = readFileSync(path.join(site, f), 'utf8');
  return html.includes('class="sidenote"') && html.includes('class="quote-ref"') && html.includes('class="term"');
});

const browser = await launch();
const { check, finish } = tally();
console.log(`check-themes: ${theme}, ${pages.length} page(s) in ${site}, Chromium ${browser.version()}`);

async function context(viewport, mobile) {
  const ctx = await browser.newContext({
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    colorScheme: 'light',
    bypassCSP: true,
    serviceWorkers: 'block',
  });
  await ctx.route((url) => !['file:', 'data:', 'blob:'].includes(url.protocol), (route) => route.abort('blockedbyclient'));
  return ctx;
}
const contexts = { phone: await context(PHONE, true), desktop: await context(DESKTOP, false) };

async function open(ctx, file, problems, hash = '') {
  const tab = await ctx.newPage();
  tab.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  tab.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  tab.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
  tab.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) problems.push(`request that is not file://: ${r.url()}`);
  });
  await tab.goto(pathToFileURL(path.join(site, file)).href + hash, { waitUntil: 'load' });
  await tab.evaluate(() => document.fonts.ready);
  return tab;
}

async function axe(tab, label) {
  if (!(await tab.evaluate(() => typeof window.axe !== 'undefined'))) await tab.addScriptTag({ path: axePath });
  const violations = await tab.evaluate(async () => {
    // preload: false, or axe re-fetches the stylesheets, which file:// refuses.
    const r = await window.axe.run(document, { resultTypes: ['violations'], preload: false });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => BLOCKING.has(v.impact))
    .map((v) => `axe ${label}: [${v.impact}] ${v.id}: ${v.help} — ${v.targets.join(', ')}`);
}

// What the layout checks need, read in the page.
function layout(tab) {
  return tab.evaluate(() => {
    const root = document.documentElement;
    const main = document.querySelector('main');
    const body = document.querySelector('.chapter-body');
    const h1 = document.querySelector('h1')?.getBoundingClientRect();
    return {
      scrollWidth: root.scrollWidth,
      scrollHeight: root.scrollHeight,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      mainMode: main ? getComputedStyle(main).writingMode : null,
      rootMode: getComputedStyle(root).writingMode,
      bodyMode: body ? getComputedStyle(body).writingMode : null,
      mainScrolls: main ? main.scrollWidth > main.clientWidth + 1 : false,
      mainScrollLeft: main ? main.scrollLeft : 0,
      h1OnScreen: !!h1 && h1.width > 0 && h1.right > 0 && h1.left < window.innerWidth && h1.top < window.innerHeight && h1.bottom > 0,
    };
  });
}

function layoutProblems(l, file, label) {
  const out = [];
  if (theme === 'modern') {
    if (l.scrollWidth > l.innerWidth + 1) out.push(`${label}: horizontal overflow (scrollWidth ${l.scrollWidth} > ${l.innerWidth})`);
    return out;
  }
  if (file === 'print.html') {
    if (l.rootMode !== 'vertical-rl') out.push(`${label}: the print edition is ${l.rootMode}, not vertical-rl`);
    if (l.scrollHeight > l.innerHeight + 1) out.push(`${label}: overflows vertically (scrollHeight ${l.scrollHeight} > ${l.innerHeight})`);
    return out;
  }
  if (l.mainMode !== 'vertical-rl') out.push(`${label}: <main> is ${l.mainMode}, not vertical-rl`);
  if (chapters.includes(file) && l.bodyMode !== 'vertical-rl') out.push(`${label}: .chapter-body is ${l.bodyMode}, not vertical-rl`);
  if (l.scrollHeight > l.innerHeight + 1) out.push(`${label}: the page overflows vertically (scrollHeight ${l.scrollHeight} > innerHeight ${l.innerHeight})`);
  if (l.scrollWidth > l.innerWidth + 1) out.push(`${label}: the page overflows sideways (scrollWidth ${l.scrollWidth} > ${l.innerWidth}); only <main> should scroll`);
  if (chapters.includes(file) && !l.mainScrolls) out.push(`${label}: <main> does not scroll sideways`);
  if (l.mainScrollLeft !== 0) out.push(`${label}: <main> does not start at its right edge (scrollLeft ${l.mainScrollLeft})`);
  if (!l.h1OnScreen) out.push(`${label}: the <h1> is not on screen when the page opens`);
  return out;
}

for (const file of pages) {
  const problems = [];
  const doAxe = AXE_MODE !== 'first' || file === 'index.html' || file === firstChapter;
  const tab = await open(contexts.phone, file, problems);
  try {
    problems.push(...layoutProblems(await layout(tab), file, `${PHONE.width}px`));
    const light = await tab.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (doAxe) problems.push(...await axe(tab, 'phone light'));
    await tab.emulateMedia({ colorScheme: 'dark' });
    const dark = await tab.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (file !== 'print.html' && light === dark) problems.push(`the dark scheme does not change the background (${light})`);
    if (doAxe && file !== 'print.html') problems.push(...await axe(tab, 'phone dark'));
  } finally {
    await tab.close();
  }
  const wide = await open(contexts.desktop, file, problems);
  try {
    problems.push(...layoutProblems(await layout(wide), file, `${DESKTOP.width}px`));
    if (doAxe) problems.push(...await axe(wide, 'desktop light'));
  } finally {
    await wide.close();
  }
  const unique = [...new Set(problems)];
  check(unique.length === 0, `${file}${doAxe ? ' (with axe)' : ''}${unique.map((p) => `\n      - ${p}`).join('')}`);
}

// ---------------------------------------------------------------- notes and popovers

const inWindow = (box, vp) => !!box && box.width > 0 && box.height > 0 &&
  box.x >= -1 && box.y >= -1 && box.x + box.width <= vp.width + 1 && box.y + box.height <= vp.height + 1;
const fmt = (b) => (b ? `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}` : 'none');

if (!annotated) {
  check(false, 'a chapter has a note, a quotation marker and a glossary term');
} else {
  const problems = [];
  // Desktop: the first note stands in the margin (modern) or in the band
  // above the text (vertical), inside the window.
  const wide = await open(contexts.desktop, annotated, problems);
  try {
    const side = wide.locator('.sidenote').first();
    await side.scrollIntoViewIfNeeded();
    const box = await side.boundingBox();
    // The paragraph that cites it.
    const text = await side.evaluate((el) => {
      const r = el.closest('p').getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
    const where = theme === 'modern' ? box && box.x >= text.x + text.width - 1 : box && box.y + box.height <= text.y;
    check(await side.isVisible() && inWindow(box, DESKTOP) && where,
      `${annotated} at ${DESKTOP.width}px: the first note stands ${theme === 'modern' ? 'in the margin column' : 'above the text'}, in the window (note ${fmt(box)}, text ${fmt(text)})`);

    // A quotation marker's card, on hover.
    const mark = wide.locator('.quote-mark').first();
    await mark.locator('.quote-ref').scrollIntoViewIfNeeded();
    await mark.locator('.quote-ref').hover();
    const pop = mark.locator('.quote-pop');
    const popBox = await pop.boundingBox();
    check(await pop.isVisible() && inWindow(popBox, DESKTOP), `${annotated}: hovering a quotation marker shows its card in the window (${fmt(popBox)})`);
    await wide.mouse.move(0, 0);

    // A glossary term's card, on keyboard focus.
    const term = wide.locator('a.term').first();
    await term.scrollIntoViewIfNeeded();
    await term.focus();
    const card = wide.locator('a.term:focus + .term-pop');
    const cardBox = await card.boundingBox();
    check(await card.isVisible() && inWindow(cardBox, DESKTOP), `${annotated}: focusing a glossary term shows its definition in the window (${fmt(cardBox)})`);

    // Vertical: a mouse wheel turned down moves the text on, to the left.
    if (theme === 'vertical') {
      const main = wide.locator('body > main');
      await main.evaluate((el) => { el.scrollLeft = 0; });
      const box = await main.boundingBox();
      await wide.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await wide.mouse.wheel(0, 400);
      await wide.waitForTimeout(200);
      const moved = await main.evaluate((el) => el.scrollLeft);
      check(moved < -100, `${annotated}: a wheel turn down scrolls the vertical text to the left (scrollLeft ${moved})`);
    }
  } finally {
    await wide.close();
  }

  // Phone: a tap on the first note's marker opens it in place.
  const phone = await open(contexts.phone, annotated, problems);
  try {
    const marker = phone.locator('sup.noteref a[aria-controls]').first();
    await marker.scrollIntoViewIfNeeded();
    await marker.tap();
    const id = await marker.getAttribute('aria-controls');
    const note = phone.locator(`[id="${id}"]`);
    await note.scrollIntoViewIfNeeded();
    const box = await note.boundingBox();
    check(await note.isVisible() && (await marker.getAttribute('aria-expanded')) === 'true' && inWindow(box, PHONE),
      `${annotated} at ${PHONE.width}px: tapping a note's marker opens the note in place, in the window (${fmt(box)})`);
  } finally {
    await phone.close();
  }
  check(problems.length === 0, `no console error or failed request while doing so${problems.map((p) => `\n      - ${p}`).join('')}`);
}

await browser.close();
finish(`check-themes (${theme})`);

#!/usr/bin/env node
// Screenshots of a built site's first chapter, for the README and for
// looking at a theme:
//
//   node tests/browser/screenshots.mjs SITE_DIR OUT_PREFIX
//
// writes OUT_PREFIX-phone.png (390×844) and OUT_PREFIX-desktop.png
// (1280×800): the viewport only, not the whole page, so that each image
// stays small and shows what a reader sees on opening the page. The first
// chapter is the first link of index.html's table of contents.
//
// Environment: CHROMIUM (browser binary, default /usr/bin/chromium),
// SCREENSHOT_SCHEME=light|dark (default light), SCREENSHOT_PAGE=FILE.html
// (another page of the site instead of the first chapter).
// Exit status 0 when both images were written, 1 on a failure, 2 on bad usage.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './lib.mjs';

function usage(msg) {
  if (msg) console.error(`screenshots: ${msg}`);
  console.error('usage: node screenshots.mjs SITE_DIR OUT_PREFIX');
  process.exit(2);
}

const [siteArg, prefix] = process.argv.slice(2);
if (!siteArg || !prefix || process.argv.length > 4) usage();
const site = path.resolve(siteArg);
const index = path.join(site, 'index.html');
if (!existsSync(index)) usage(`${site} has no index.html`);
const scheme = process.env.SCREENSHOT_SCHEME || 'light';
if (!['light', 'dark'].includes(scheme)) usage(`SCREENSHOT_SCHEME must be light or dark, not ${scheme}`);

// The first chapter: the first link in the contents (nav.toc) of the cover,
// read from the file so that no browser is needed to find it.
function firstChapter() {
  const html = readFileSync(index, 'utf8');
  const toc = html.slice(Math.max(0, html.indexOf('class="toc"')));
  const m = toc.match(/<a class="toc-title" href="([^"#]+\.html)"/) || toc.match(/href="([^"#:]+\.html)"/);
  if (!m) usage('index.html has no link to a chapter');
  return m[1];
}
const page = process.env.SCREENSHOT_PAGE || firstChapter();
if (!existsSync(path.join(site, page))) usage(`${site} has no ${page}`);

const SIZES = [
  // A phone at its usual device pixel ratio of 2 would make images four
  // times larger; 1 keeps them small and still legible.
  ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }],
  ['desktop', { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }],
];

mkdirSync(path.dirname(path.resolve(prefix)), { recursive: true });
const browser = await launch();
let status = 0;
try {
  for (const [name, options] of SIZES) {
    const context = await browser.newContext({ ...options, colorScheme: scheme, serviceWorkers: 'block' });
    // Nothing but the site's own files may load.
    await context.route((url) => url.protocol !== 'file:', (route) => route.abort('blockedbyclient'));
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(path.join(site, page)).href, { waitUntil: 'load' });
    await tab.evaluate(() => document.fonts.ready);
    const out = `${prefix}-${name}.png`;
    await tab.screenshot({ path: out, fullPage: false });
    console.log(`screenshots: ${page} at ${options.viewport.width}×${options.viewport.height} (${scheme}) -> ${out}`);
    await context.close();
  }
} catch (e) {
  console.error(`screenshots: ${e.message.split('\n')[0]}`);
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);

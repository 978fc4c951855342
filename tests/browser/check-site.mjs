#!/usr/bin/env node
// Checks a built zhushu site in a real browser (Debian's Chromium driven by
// playwright-core), opening every page from file:// as a reader would.
//
//   node tests/browser/check-site.mjs SITE_DIR
//
// For every .html file under SITE_DIR:
//   - no console error, no uncaught page error, no failed request;
//   - no request of any kind that is not file:// (data:/blob: excepted: they
//     never leave the page), no file:// request outside SITE_DIR, no
//     websocket, no <link rel=preconnect|dns-prefetch|...> to a remote host;
//   - exactly one <h1>, a non-empty <html lang>, a non-empty <title>, and a
//     <meta name="viewport"> with width=device-width;
//   - every relative link resolves to an existing file (and #fragment to an
//     existing id);
//   - axe-core: no violation of impact "serious" or "critical", at a phone
//     (390x844) and a desktop (1280x900) viewport, light scheme, and at the
//     phone viewport in the dark scheme;
//   - prefers-color-scheme: dark changes the computed background of <body>
//     (print.html, the print edition, stays light on purpose);
//   - nothing overflows horizontally at phone and desktop width.
// Then, once for the site:
//   - navigation: index.html -> first table-of-contents link -> a[rel=next]
//     ... up to the last chapter (each landing on an existing page with an
//     h1; the chain must visit the table of contents in order) -> a[rel=prev]
//     once back;
//   - chapter.html#p2 scrolls #p2 into view, not hidden under a sticky or
//     fixed element; clicking its a.pnum puts #p2 in the address.
//
// Environment: CHROMIUM (browser binary, default /usr/bin/chromium),
// CHECK_SITE_AXE=all|first (axe on every page, the default, or only on
// index.html and the first chapter), CHECK_SITE_TIMEOUT_MS (whole run,
// default 600000), CHECK_SITE_JOBS (pages checked at once, default 2),
// CHECK_SITE_SCREENSHOTS=DIR (also save phone, phone-dark and desktop
// screenshots of every page there, to look at).
// Prints a report; exit status 0 when every check passed, 1 otherwise, 2 on
// bad usage.

import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const AXE_MODE = process.env.CHECK_SITE_AXE || 'all';
const TIMEOUT_MS = Number(process.env.CHECK_SITE_TIMEOUT_MS || 600000);
const JOBS = Number(process.env.CHECK_SITE_JOBS || 2);
const SHOTS = process.env.CHECK_SITE_SCREENSHOTS ? path.resolve(process.env.CHECK_SITE_SCREENSHOTS) : null;
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

function usage(msg) {
  if (msg) console.error(`check-site: ${msg}`);
  console.error('usage: node check-site.mjs SITE_DIR');
  process.exit(2);
}

const siteArg = process.argv[2];
if (!siteArg || process.argv.length > 3) usage();
const SITE = path.resolve(siteArg);
if (!existsSync(SITE) || !statSync(SITE).isDirectory()) usage(`${SITE} is not a directory`);
if (!existsSync(path.join(SITE, 'index.html'))) usage(`${SITE} has no index.html`);
if (!existsSync(CHROMIUM)) {
  usage(`no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
}

let chromium;
let axePath;
try {
  ({ chromium } = await import('playwright-core'));
  axePath = require.resolve('axe-core/axe.min.js');
} catch (e) {
  usage(`${e.message}\n(run: npm ci --prefix ${path.relative(process.cwd(), here) || '.'})`);
}

// ---------------------------------------------------------------- helpers

function htmlFiles(dir) {
  const out = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...htmlFiles(p));
    else if (ent.isFile() && ent.name.endsWith('.html')) out.push(p);
  }
  return out;
}

const rel = (p) => path.relative(SITE, p).split(path.sep).join('/');
const fileUrl = (p) => pathToFileURL(p).href;
const stripHash = (u) => u.split('#')[0];

function urlToSitePath(u) {
  try {
    const url = new URL(u);
    if (url.protocol !== 'file:') return null;
    return fileURLToPath(url);
  } catch {
    return null;
  }
}

function insideSite(p) {
  const r = path.relative(SITE, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

function decodeEntities(v) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return v.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return named[e.toLowerCase()] ?? m;
  });
}

// The ids of a page of the site, read from its source (for links into it).
const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const ids = new Set();
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/g)) {
      ids.add(decodeEntities(m[1] ?? m[2] ?? m[3]));
    }
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

function fmtAxe(violations, label) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : '';
    const summary = v.nodes[0]?.failureSummary?.split('\n').slice(0, 2).join(' ').trim();
    return `axe ${label}: [${v.impact}] ${v.id}: ${v.help} — ${targets}${more}` +
      (summary ? `\n        ${summary}` : '');
  });
}

// ---------------------------------------------------------------- browser

const deadline = setTimeout(() => {
  console.error(`check-site: FAILED: gave up after ${TIMEOUT_MS} ms (CHECK_SITE_TIMEOUT_MS)`);
  process.exit(1);
}, TIMEOUT_MS);
deadline.unref();

const started = Date.now();
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
// launch() gives Chromium a fresh, temporary user-data-dir of its own.
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
  timeout: 60000,
});

const contexts = {
  phone: await browser.newContext({
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    colorScheme: 'light',
    bypassCSP: true, // so that axe can be injected whatever the page's CSP
    serviceWorkers: 'block',
  }),
  desktop: await browser.newContext({
    viewport: DESKTOP,
    colorScheme: 'light',
    bypassCSP: true,
    serviceWorkers: 'block',
  }),
};

// Watches one page: everything that must never happen on any page.
function watch(page, problems) {
  page.on('console', (msg) => {
    // "Failed to load resource" repeats what 'request'/'requestfailed' say.
    if (msg.type() === 'error' && !(msg.text().startsWith('Failed to load resource') && msg.location()?.url)) {
      const loc = msg.location();
      const where = loc?.url ? ` (${loc.url.startsWith('file:') ? rel(urlToSitePath(loc.url) || loc.url) : loc.url}:${loc.lineNumber})` : '';
      problems.push(`console error: ${msg.text()}${where}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error (uncaught exception): ${err.message}`));
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (!u.startsWith('file:')) {
      problems.push(`request that is not file://: ${req.method()} ${u} (${req.resourceType()})`);
      return;
    }
    const p = urlToSitePath(u);
    if (p && !insideSite(p)) problems.push(`file:// request outside the site: ${u}`);
  });
  page.on('requestfailed', (req) => {
    const u = req.url();
    if (!u.startsWith('file:')) return; // already reported as non-file request
    const p = urlToSitePath(u);
    problems.push(`failed request: ${p ? rel(p) : u} (${req.failure()?.errorText})`);
  });
  page.on('websocket', (ws) => problems.push(`websocket opened: ${ws.url()}`));
  page.on('popup', (p) => problems.push(`page opened a popup: ${p.url()}`));
}

for (const ctx of Object.values(contexts)) {
  // Nothing but file:// may load; anything else is answered with an error
  // at once instead of waiting on the closed network.
  await ctx.route((url) => url.protocol !== 'file:' && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => route.abort('blockedbyclient'));
}

async function openPage(ctx, url, problems) {
  const page = await ctx.newPage();
  watch(page, problems);
  const resp = await page.goto(url, { waitUntil: 'load', timeout: 30000 }).catch((e) => {
    problems.push(`could not open ${url}: ${e.message.split('\n')[0]}`);
    return undefined;
  });
  if (resp === undefined && page.url().startsWith('chrome-error:')) {
    problems.push(`navigation ended on an error page for ${url}`);
  }
  // Let late work (web fonts, timers set at load) run and report.
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => setTimeout(r, 50)))).catch(() => {});
  return page;
}

async function runAxe(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    // preload: false — axe would otherwise re-fetch the stylesheets with
    // XMLHttpRequest, which Chromium refuses (CORS) for file:// pages.
    const r = await window.axe.run(document, { resultTypes: ['violations'], preload: false });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

async function overflow(page, width) {
  return page.evaluate((configured) => {
    const limit = Math.min(window.innerWidth, configured) + 1;
    const sw = document.documentElement.scrollWidth;
    if (sw <= limit) return null;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > limit && r.width > 0) {
        // Report the outermost offenders only.
        if (!culprits.some((c) => c.el.contains(el))) {
          const name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
            (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
          culprits.push({ el, name, right: Math.round(r.right) });
        }
      }
      if (culprits.length >= 5) break;
    }
    return { scrollWidth: sw, innerWidth: Math.min(window.innerWidth, configured), culprits: culprits.map((c) => `${c.name} (right edge ${c.right}px)`) };
  }, width);
}

// Static facts of a page, read from the live DOM.
async function pageFacts(page) {
  return page.evaluate(() => {
    const remote = (u) => /^[a-z][a-z0-9+.-]*:/i.test(u) && !/^(file|data|blob|mailto|tel|javascript):/i.test(u);
    const fetching = [];
    for (const el of document.querySelectorAll('link[href]')) {
      const rels = (el.getAttribute('rel') || '').toLowerCase().split(/\s+/);
      const loads = rels.some((r) => ['stylesheet', 'icon', 'apple-touch-icon', 'preload', 'prefetch',
        'preconnect', 'dns-prefetch', 'modulepreload', 'manifest', 'prerender'].includes(r));
      const href = el.getAttribute('href');
      if (loads && (remote(href) || href.startsWith('//'))) fetching.push(`<link rel="${el.getAttribute('rel')}" href="${href}">`);
    }
    for (const el of document.querySelectorAll('[src], [srcset], [poster], object[data]')) {
      for (const a of ['src', 'srcset', 'poster', 'data']) {
        const v = el.getAttribute(a);
        if (v && (remote(v.trim()) || v.trim().startsWith('//'))) fetching.push(`<${el.tagName.toLowerCase()} ${a}="${v}">`);
      }
    }
    const vp = document.querySelector('meta[name="viewport"]')?.getAttribute('content') || null;
    return {
      h1: document.querySelectorAll('h1').length,
      h1Text: document.querySelector('h1')?.textContent.trim() || '',
      lang: document.documentElement.getAttribute('lang'),
      title: document.title.trim(),
      viewport: vp,
      fetching,
      links: [...document.querySelectorAll('a[href]')].map((a) => ({ raw: a.getAttribute('href'), abs: a.href })),
    };
  });
}

async function bodyBackground(page) {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

// ---------------------------------------------------------------- per page

const files = htmlFiles(SITE).sort((a, b) => {
  // index.html first, then by name.
  const ai = rel(a) === 'index.html' ? 0 : 1;
  const bi = rel(b) === 'index.html' ? 0 : 1;
  return ai - bi || rel(a).localeCompare(rel(b));
});
const results = []; // { name, problems, notes }

console.log(`check-site: ${files.length} page(s) in ${SITE}`);
console.log(`check-site: ${CHROMIUM} (${browser.version()}), axe-core ${require('axe-core/package.json').version}, axe on ${AXE_MODE === 'first' ? 'index.html and the first chapter' : 'every page'}`);

const firstChapter = files.find((f) => rel(f) !== 'index.html');

async function checkPage(file) {
  const name = rel(file);
  const problems = [];
  const notes = [];
  const url = fileUrl(file);
  const t0 = Date.now();

  const doAxe = AXE_MODE !== 'first' || name === 'index.html' || file === firstChapter;

  // Phone, light.
  const page = await openPage(contexts.phone, url, problems);
  try {
    const facts = await pageFacts(page);
    if (facts.h1 !== 1) problems.push(`expected exactly one <h1>, found ${facts.h1}`);
    if (!facts.lang || !facts.lang.trim()) problems.push('<html> has no lang attribute');
    if (!facts.title) problems.push('empty or missing <title>');
    if (!facts.viewport) problems.push('no <meta name="viewport">');
    else if (!/width\s*=\s*device-width/.test(facts.viewport)) problems.push(`<meta name="viewport" content="${facts.viewport}"> lacks width=device-width`);
    for (const f of facts.fetching) problems.push(`element fetching from outside the site: ${f}`);

    // Relative links must resolve.
    const seen = new Set();
    for (const { raw, abs } of facts.links) {
      if (seen.has(abs)) continue;
      seen.add(abs);
      if (!abs.startsWith('file:')) continue; // http(s), mailto: links are fine as links
      const target = urlToSitePath(stripHash(abs));
      if (!target) continue;
      if (!insideSite(target)) { problems.push(`link leaves the site: href="${raw}"`); continue; }
      let tfile = target;
      if (existsSync(tfile) && statSync(tfile).isDirectory()) tfile = path.join(tfile, 'index.html');
      if (!existsSync(tfile)) { problems.push(`broken link: href="${raw}" (no ${rel(tfile)})`); continue; }
      const hash = decodeURIComponent(new URL(abs).hash.slice(1));
      if (hash && tfile.endsWith('.html') && !idsOf(tfile).has(hash)) {
        problems.push(`broken anchor: href="${raw}" (${rel(tfile)} has no id="${hash}")`);
      }
    }

    // Horizontal overflow at phone width.
    const ofP = await overflow(page, PHONE.width);
    if (ofP) problems.push(`horizontal overflow at ${PHONE.width}px: scrollWidth ${ofP.scrollWidth} > innerWidth ${ofP.innerWidth}; widest: ${ofP.culprits.join(', ') || '?'}`);

    // Dark scheme.
    const light = await bodyBackground(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await bodyBackground(page);
    // The print edition is for paper: it stays light on purpose.
    if (light === dark && name === 'print.html') notes.push('the print edition keeps the light scheme');
    else if (light === dark) problems.push(`prefers-color-scheme: dark does not change body's background-color (${light} in both)`);
    else notes.push(`body background light ${light} / dark ${dark}`);

    if (doAxe) {
      const vDark = await runAxe(page);
      const bad = vDark.filter((v) => BLOCKING_IMPACTS.has(v.impact));
      problems.push(...fmtAxe(bad, `${PHONE.width}x${PHONE.height} dark`));
      await page.emulateMedia({ colorScheme: 'light' });
      const vLight = await runAxe(page);
      const badL = vLight.filter((v) => BLOCKING_IMPACTS.has(v.impact));
      problems.push(...fmtAxe(badL, `${PHONE.width}x${PHONE.height} light`));
      const minor = [...vDark, ...vLight].filter((v) => !BLOCKING_IMPACTS.has(v.impact));
      for (const id of new Set(minor.map((v) => `${v.id} [${v.impact}]`))) notes.push(`axe (not failing): ${id}`);
    }
  } catch (e) {
    problems.push(`check crashed: ${e.message.split('\n')[0]}`);
  } finally {
    await page.close();
  }

  // Desktop, light.
  const dpage = await openPage(contexts.desktop, url, problems);
  try {
    const ofD = await overflow(dpage, DESKTOP.width);
    if (ofD) problems.push(`horizontal overflow at ${DESKTOP.width}px: scrollWidth ${ofD.scrollWidth} > innerWidth ${ofD.innerWidth}; widest: ${ofD.culprits.join(', ') || '?'}`);
    if (doAxe) {
      const v = await runAxe(dpage);
      problems.push(...fmtAxe(v.filter((x) => BLOCKING_IMPACTS.has(x.impact)), `${DESKTOP.width}x${DESKTOP.height} light`));
    }
  } catch (e) {
    problems.push(`check crashed: ${e.message.split('\n')[0]}`);
  } finally {
    await dpage.close();
  }

  if (SHOTS) {
    for (const [ctx, scheme, tag] of [[contexts.phone, 'light', 'phone'], [contexts.phone, 'dark', 'phone-dark'], [contexts.desktop, 'light', 'desktop']]) {
      const sp = await ctx.newPage();
      await sp.emulateMedia({ colorScheme: scheme });
      await sp.goto(url, { waitUntil: 'load' }).catch(() => {});
      await sp.screenshot({ path: path.join(SHOTS, `${name.replace(/[\/]/g, '_').replace(/\.html$/, '')}.${tag}.png`), fullPage: false }).catch(() => {});
      await sp.close();
    }
  }

  return { name, problems: [...new Set(problems)], notes, ms: Date.now() - t0, axe: doAxe };
}

// Pages are checked JOBS at a time; the report keeps the files' order.
const pending = new Array(files.length);
let nextToPrint = 0;
let nextToCheck = 0;
function printReady() {
  while (nextToPrint < files.length && pending[nextToPrint]) {
    const r = pending[nextToPrint++];
    results.push(r);
    console.log(`${r.problems.length ? 'FAIL' : 'ok  '} ${r.name} (${r.ms} ms${r.axe ? ', axe' : ''})`);
    for (const p of r.problems) console.log(`      - ${p}`);
  }
}
await Promise.all(Array.from({ length: Math.max(1, Math.min(JOBS, files.length)) }, async () => {
  while (nextToCheck < files.length) {
    const i = nextToCheck++;
    pending[i] = await checkPage(files[i]);
    printReady();
  }
}));

// ---------------------------------------------------------------- navigation

async function navigationCheck() {
  const problems = [];
  const steps = [];
  const page = await openPage(contexts.desktop, fileUrl(path.join(SITE, 'index.html')), problems);
  try {
    // The table of contents: the index's links to other pages of the site,
    // in document order, preferring an element that says it is the toc.
    const toc = await page.evaluate(() => {
      const scopes = ['[role="doc-toc"]', 'nav.toc', '.toc', '#toc', 'nav[aria-label] ol', 'main ol', 'main', 'body'];
      for (const s of scopes) {
        const root = document.querySelector(s);
        if (!root) continue;
        // Back matter (notes, glossary) follows the chapters but is not one.
        const links = [...root.querySelectorAll('a[href]')]
          .filter((a) => !a.closest('.back-matter'))
          .filter((a) => a.protocol === 'file:' && /\.html$/.test(a.pathname) && !/(^|\/)index\.html$/.test(a.pathname))
          .map((a) => a.href.split('#')[0]);
        const uniq = [...new Set(links)];
        if (uniq.length) return { scope: s, links: uniq };
      }
      return { scope: null, links: [] };
    });
    if (!toc.links.length) {
      problems.push('index.html has no link to a chapter');
      return { problems, steps };
    }
    steps.push(`table of contents (${toc.scope}): ${toc.links.length} chapter link(s)`);

    const landed = async (how, expected) => {
      const url = page.url();
      const p = urlToSitePath(stripHash(url));
      if (url.startsWith('chrome-error:') || !p || !existsSync(p)) {
        problems.push(`${how}: landed on ${url}, not an existing page of the site`);
        return false;
      }
      if (expected && stripHash(url) !== expected) {
        problems.push(`${how}: landed on ${rel(p)}, expected ${rel(urlToSitePath(expected))}`);
      }
      const h1 = await page.locator('h1').count();
      if (h1 !== 1) problems.push(`${how}: ${rel(p)} has ${h1} <h1>`);
      steps.push(`${how} -> ${rel(p)}${h1 === 1 ? ` («${(await page.locator('h1').first().textContent()).trim()}»)` : ''}`);
      return true;
    };

    const clickAndWait = async (locator, how) => {
      const href = await locator.evaluate((a) => a.href);
      try {
        await Promise.all([
          page.waitForURL((u) => stripHash(u.href) === stripHash(href), { waitUntil: 'load', timeout: 15000 }),
          locator.click(),
        ]);
      } catch (e) {
        const p = urlToSitePath(stripHash(href));
        throw new Error(`${how} -> ${p ? rel(p) : href}: ${e.message.split('\n')[0].replace(/^page\.waitForURL: /, '')}`);
      }
      return stripHash(href);
    };

    // index -> first toc link, clicked as a reader would: the first link to
    // it inside the toc's scope.
    const scoped = page.locator(toc.scope).locator('a[href]');
    const n = await scoped.count();
    let target = null;
    for (let i = 0; i < n && !target; i++) {
      if (stripHash(await scoped.nth(i).evaluate((a) => a.href)) === toc.links[0]) target = scoped.nth(i);
    }
    await clickAndWait(target, 'index.html: first table-of-contents link');
    if (!(await landed('index.html: first table-of-contents link', toc.links[0]))) return { problems, steps };

    // Follow rel=next to the end.
    const chain = [stripHash(page.url())];
    const limit = files.length + 1;
    while (chain.length <= limit) {
      const next = page.locator('a[rel~="next"]');
      const n = await next.count();
      if (n === 0) break;
      const from = rel(urlToSitePath(chain[chain.length - 1]));
      const href = await clickAndWait(next.first(), `${from}: a[rel=next]`);
      if (chain.includes(href)) {
        problems.push(`a[rel=next] on ${from} goes back to ${rel(urlToSitePath(href))}: a loop`);
        break;
      }
      if (!(await landed(`${from}: a[rel=next]`, null))) break;
      chain.push(stripHash(page.url()));
    }
    const chainNames = chain.map((u) => rel(urlToSitePath(u)));
    const tocNames = toc.links.map((u) => rel(urlToSitePath(u)));
    if (chainNames.join(' ') !== tocNames.join(' ')) {
      problems.push(`following a[rel=next] from the first chapter visits [${chainNames.join(', ')}], ` +
        `but the table of contents lists [${tocNames.join(', ')}]`);
    } else {
      steps.push(`a[rel=next] chain visits all ${chain.length} chapter(s) in table-of-contents order, ending at the last`);
    }

    // And one step back.
    if (chain.length >= 2) {
      const prev = page.locator('a[rel~="prev"]');
      if ((await prev.count()) === 0) {
        problems.push(`last chapter ${chainNames[chainNames.length - 1]} has no a[rel=prev]`);
      } else {
        const from = chainNames[chainNames.length - 1];
        await clickAndWait(prev.first(), `${from}: a[rel=prev]`);
        await landed(`${from}: a[rel=prev]`, chain[chain.length - 2]);
      }
    }
  } catch (e) {
    problems.push(`navigation failed: ${e.message.split('\n')[0]}`);
  } finally {
    await page.close();
  }
  return { problems: [...new Set(problems)], steps };
}

async function anchorCheck() {
  const problems = [];
  const steps = [];
  // A chapter page that has a #p2: the one where it stands furthest into
  // the file, so that most likely the page has to scroll to show it.
  let chapter = null;
  let best = -1;
  for (const f of files) {
    if (rel(f) === 'index.html' || !idsOf(f).has('p2')) continue;
    const at = readFileSync(f, 'utf8').search(/\sid\s*=\s*["']?p2["'\s>]/);
    if (at > best) { best = at; chapter = f; }
  }
  if (!chapter) {
    problems.push('no page has a paragraph with id="p2"');
    return { problems, steps };
  }
  const page = await openPage(contexts.phone, `${fileUrl(chapter)}#p2`, problems);
  try {
    await page.waitForTimeout(200);
    const r = await page.evaluate(() => {
      const el = document.getElementById('p2');
      const rect = el.getBoundingClientRect();
      const x = Math.min(Math.max(rect.left + rect.width / 2, 0), window.innerWidth - 1);
      const y = rect.top + Math.min(rect.height / 2, 8);
      const hit = (y >= 0 && y < window.innerHeight) ? document.elementFromPoint(x, y) : null;
      const cover = hit && !el.contains(hit) ? hit : null;
      const name = (n) => n ? n.tagName.toLowerCase() + (n.id ? `#${n.id}` : '') + (typeof n.className === 'string' && n.className ? '.' + n.className.trim().split(/\s+/).join('.') : '') : null;
      return {
        top: rect.top, bottom: rect.bottom, innerHeight: window.innerHeight, scrollY: window.scrollY,
        docTop: rect.top + window.scrollY, covered: name(cover), pnum: !!el.querySelector('a.pnum'),
      };
    });
    const inView = r.top >= -1 && r.top < r.innerHeight;
    if (!inView) problems.push(`${rel(chapter)}#p2: #p2 is not in view (top ${Math.round(r.top)}px, viewport height ${r.innerHeight}px, scrollY ${r.scrollY})`);
    else if (r.docTop > r.innerHeight && r.scrollY === 0) problems.push(`${rel(chapter)}#p2: page did not scroll`);
    else if (r.covered) problems.push(`${rel(chapter)}#p2: #p2's first line is hidden under ${r.covered} (sticky/fixed header without scroll-margin-top?)`);
    else steps.push(`${rel(chapter)}#p2 scrolls #p2 into view (top at ${Math.round(r.top)}px, scrollY ${Math.round(r.scrollY)})`);
    if (!r.pnum) {
      problems.push(`${rel(chapter)}: #p2 has no a.pnum`);
    } else {
      await page.evaluate(() => { window.scrollTo(0, 0); history.replaceState(null, '', location.pathname); });
      await page.locator('#p2 a.pnum').click();
      await page.waitForTimeout(100);
      const after = await page.evaluate(() => ({ hash: location.hash, top: document.getElementById('p2').getBoundingClientRect().top, h: innerHeight }));
      if (after.hash !== '#p2') problems.push(`clicking #p2 a.pnum gives location.hash "${after.hash}", expected "#p2"`);
      else if (!(after.top >= -1 && after.top < after.h)) problems.push('after clicking #p2 a.pnum, #p2 is not in view');
      else steps.push('clicking #p2 a.pnum puts #p2 in the address and keeps it in view');
    }
  } catch (e) {
    problems.push(`anchor check crashed: ${e.message.split('\n')[0]}`);
  } finally {
    await page.close();
  }
  return { problems: [...new Set(problems)], steps };
}

// Problems of a page met again on the way are not reported twice.
const pageProblems = new Set(results.flatMap((r) => r.problems));
const fresh = (r) => ({ ...r, problems: r.problems.filter((p) => !pageProblems.has(p)) });
const nav = fresh(await navigationCheck());
console.log(`${nav.problems.length ? 'FAIL' : 'ok  '} navigation: index -> table of contents -> rel=next ... -> rel=prev`);
for (const s of nav.steps) console.log(`      . ${s}`);
for (const p of nav.problems) console.log(`      - ${p}`);
results.push({ name: 'navigation', problems: nav.problems, notes: [] });

const anchor = fresh(await anchorCheck());
console.log(`${anchor.problems.length ? 'FAIL' : 'ok  '} paragraph anchor`);
for (const s of anchor.steps) console.log(`      . ${s}`);
for (const p of anchor.problems) console.log(`      - ${p}`);
results.push({ name: 'paragraph anchor', problems: anchor.problems, notes: [] });

await browser.close();
clearTimeout(deadline);

// ---------------------------------------------------------------- report

const notes = new Map();
for (const r of results) for (const n of r.notes || []) if (n.startsWith('axe')) notes.set(n, (notes.get(n) || 0) + 1);
if (notes.size) {
  console.log('notes:');
  for (const [n, c] of notes) console.log(`  ${n} on ${c} page(s)`);
}
const failed = results.filter((r) => r.problems.length);
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`check-site: ${results.length - failed.length} passed, ${failed.length} failed (${files.length} pages + navigation + anchor, ${secs} s)`);
if (failed.length) {
  console.log(`check-site: FAILED: ${failed.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
console.log('check-site: OK');

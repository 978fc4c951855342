#!/usr/bin/env node
// Validates a built zhushu site with the Nu HTML Checker (vnu.jar, from the
// npm package vnu-jar):
//
//   node tests/browser/validate-html.mjs SITE_DIR
//
// Every .html file under SITE_DIR is checked as HTML, and every .css file
// (static/style.css ...) as CSS (--also-check-css), errors only. Exit status
// 0 when vnu reports no error, 1 otherwise (with vnu's messages, in GNU
// format: file:line.col-line.col: error: message), 2 on bad usage or when
// java or vnu.jar is missing.
//
// Environment: JAVA (the java binary, default `java` from PATH).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function usage(msg) {
  if (msg) console.error(`validate-html: ${msg}`);
  console.error('usage: node validate-html.mjs SITE_DIR');
  process.exit(2);
}

const siteArg = process.argv[2];
if (!siteArg || process.argv.length > 3) usage();
const SITE = path.resolve(siteArg);
if (!existsSync(SITE) || !statSync(SITE).isDirectory()) usage(`${SITE} is not a directory`);

// The package's main module exports the jar's path (a String object); only
// its helper `vnu.check` would try to download a Java runtime, and it is not
// used here.
let jar;
try {
  jar = String(require('vnu-jar'));
} catch (e) {
  usage(`${e.message.split('\n')[0]}\n(run: npm ci --prefix ${path.relative(process.cwd(), here) || '.'})`);
}
if (!existsSync(jar)) usage(`vnu-jar installed but ${jar} is missing`);

const JAVA = process.env.JAVA || 'java';

function walk(dir, out = []) {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) walk(p, out);
    else if (ent.isFile()) out.push(p);
  }
  return out;
}

const all = walk(SITE).sort();
const html = all.filter((f) => f.endsWith('.html'));
const css = all.filter((f) => f.endsWith('.css'));
if (html.length === 0) usage(`${SITE} has no .html file`);

const rel = (p) => path.relative(SITE, p).split(path.sep).join('/');
const args = ['-jar', jar, '--errors-only', '--format', 'gnu', '--also-check-css', '--stdout', ...html, ...css];
const started = Date.now();
const r = spawnSync(JAVA, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600000 });
const secs = ((Date.now() - started) / 1000).toFixed(1);

if (r.error) {
  usage(`could not run ${JAVA}: ${r.error.message} (apt-get install default-jre-headless, or set JAVA)`);
}
let out = `${r.stdout || ''}${r.stderr || ''}`
  .split('\n')
  .filter((l) => l.trim() !== '')
  // Paths relative to the site, which reads better than /tmp/.../site/x.html.
  .map((l) => l.replace(/^"?file:(\/\/)?/, '').replace(/^"?([^":]+)"?:/, (m, f) => (f.startsWith(SITE) ? `${rel(f)}:` : m)));

// The checker's CSS profile predates CSS Anchor Positioning (Chromium 125+),
// which the vertical theme uses to keep its popover cards on screen. Only
// errors in a .css file that name one of its properties, or an anchor()
// value, are set aside, and they are counted in the report; anything else
// in the same file still fails.
const ANCHOR_POSITIONING = /^[^:]+\.css:[^ ]*: error: CSS: (“(anchor-name|position-anchor|position-area|position-try|position-try-fallbacks|position-visibility)”: Property “\2” doesn't exist\.|“[a-z-]+”: “anchor\([a-z-]+\)” is not a “[a-z-]+” value\.)$/;
const setAside = out.filter((l) => ANCHOR_POSITIONING.test(l));
out = out.filter((l) => !ANCHOR_POSITIONING.test(l));
if (setAside.length > 0) {
  console.log(`validate-html: ${setAside.length} error(s) about CSS Anchor Positioning set aside (not in the checker's CSS profile)`);
}
// Nor does the profile know writing-mode inside a page's margin box, where
// the vertical theme's print sheet keeps running heads horizontal. Set
// aside only where the line the checker points at opens a margin box
// (`@top-left { writing-mode: … }`).
const MARGIN_WRITING_MODE = /^([^:]+\.css):(\d+)\.[^ ]*: error: CSS: “writing-mode”: Property “writing-mode” doesn't exist in “CSS Level 3 \+ SVG” but exists in “\[css3\]”\.$/;
const inMarginBox = (l) => {
  const m = MARGIN_WRITING_MODE.exec(l);
  if (!m) return false;
  const file = path.join(SITE, m[1]);
  const line = existsSync(file) ? readFileSync(file, 'utf8').split('\n')[Number(m[2]) - 1] || '' : '';
  return /@(top|bottom|left|right)-[a-z-]+\s*\{\s*writing-mode:/.test(line);
};
const marginBoxes = out.filter(inMarginBox);
out = out.filter((l) => !inMarginBox(l));
if (marginBoxes.length > 0) {
  console.log(`validate-html: ${marginBoxes.length} error(s) about writing-mode in @page margin boxes set aside (not in the checker's CSS profile)`);
}

const version = (require('vnu-jar/package.json').version);
console.log(`validate-html: Nu HTML Checker (vnu-jar ${version}) on ${html.length} HTML and ${css.length} CSS file(s) in ${SITE} (${secs} s)`);
// The checker exits 0 when it found no error and 1 when it found some;
// anything else (a crash, a bad option, Java failing to start) is a
// failure even with no message left. Exit 1 passes only when errors were
// found and every one of them was set aside above.
const onlySetAside = r.status === 1 && setAside.length + marginBoxes.length > 0;
if (out.length === 0 && (r.status === 0 || onlySetAside) && !r.signal) {
  console.log(`validate-html: ${html.length + css.length} passed, 0 failed`);
  console.log('validate-html: OK');
  process.exit(0);
}

for (const l of out) console.log(`  ${l}`);
const failedFiles = new Set(out.map((l) => l.split(':')[0]).filter((f) => all.some((a) => rel(a) === f)));
const n = failedFiles.size || 1;
console.log(`validate-html: ${html.length + css.length - failedFiles.size} passed, ${n} failed`);
console.log(`validate-html: FAILED: ${out.length} message(s)${r.status !== 0 ? `, vnu exit status ${r.status}` : ''}${r.signal ? `, killed by ${r.signal}` : ''}`);
process.exit(1);

// Edit-to-reload latency of `zhushu serve`:
//   node tests/browser/bench-serve.mjs URL CHAPTER_FILE [EDITS]
// URL is a running `zhushu serve` (a release build, for figures that mean
// something); CHAPTER_FILE one of its chapters. Opens the first chapter
// page, then EDITS times (default 20) changes one character of the file and
// times, from the write: the reloaded page's request (rebuild and event),
// and its load event. Prints each run and the median and worst; restores
// the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { launch } from './lib.mjs';

const [base, file, count = '20'] = process.argv.slice(2);
if (!base || !file) {
  console.error('usage: node bench-serve.mjs URL CHAPTER_FILE [EDITS]');
  process.exit(2);
}
const original = readFileSync(file, 'utf8');
const body = original.indexOf('\n---', 4) + 4;
const browser = await launch();
const runs = [];
try {
  const page = await browser.newPage();
  await page.goto(base);
  const first = await page.$eval('.toc-title, .toc a', (a) => a.getAttribute('href'));
  await page.goto(base + first);
  await page.waitForTimeout(500);
  for (let i = 0; i < Number(count); i++) {
    let navigation = 0;
    const onRequest = (r) => { if (r.isNavigationRequest() && !navigation) navigation = Date.now(); };
    page.on('request', onRequest);
    const loaded = page.waitForEvent('load', { timeout: 30000 });
    const started = Date.now();
    writeFileSync(file, `${original.slice(0, body)}\n第${i}次改动。\n${original.slice(body)}`);
    await loaded;
    const done = Date.now();
    page.off('request', onRequest);
    runs.push({ rebuild: navigation - started, reload: done - navigation, total: done - started });
    console.log(`edit ${i + 1}: ${done - started} ms (write to page request ${navigation - started} ms, request to load ${done - navigation} ms)`);
    await page.waitForTimeout(200);
  }
} finally {
  writeFileSync(file, original);
  await browser.close();
}
const sorted = (key) => runs.map((r) => r[key]).sort((a, b) => a - b);
const median = (key) => sorted(key)[Math.floor(runs.length / 2)];
console.log(`median ${median('total')} ms (rebuild and event ${median('rebuild')} ms, reload ${median('reload')} ms), worst ${sorted('total').at(-1)} ms, over ${runs.length} edits`);

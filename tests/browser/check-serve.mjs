// The editor's loop in a browser: node tests/browser/check-serve.mjs URL CHAPTER_FILE
// URL is a running `zhushu serve`; CHAPTER_FILE one of its edition's
// chapters. Opens the first chapter page, edits its first paragraph on disk,
// and waits for the page to reload by itself with the new words (printing
// how long that took); then breaks the front matter and expects the error
// over the page, then repairs it and expects the overlay gone.
import { readFileSync, writeFileSync } from 'node:fs';
import { launch, tally } from './lib.mjs';

const [base, chapterFile] = process.argv.slice(2);
if (!base || !chapterFile) {
  console.error('usage: node check-serve.mjs URL CHAPTER_FILE');
  process.exit(2);
}
const original = readFileSync(chapterFile, 'utf8');
const browser = await launch();
const { check, finish } = tally();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base);
  const first = await page.$eval('.toc-title, .toc a', (a) => a.getAttribute('href'));
  await page.goto(base + first);
  // The event stream is open once the page has heard the first event.
  await page.waitForTimeout(300);

  const marker = `改动${Date.now() % 100000}`;
  const body = original.indexOf('\n---', 4) + 4;
  const edited = original.slice(0, body) + '\n' + marker + original.slice(body);
  const reloaded = page.waitForEvent('load', { timeout: 30000 });
  const started = Date.now();
  writeFileSync(chapterFile, edited);
  await reloaded;
  const took = Date.now() - started;
  const text = await page.textContent('main');
  check(text.includes(marker), `the page reloaded by itself with the edit (${took} ms from the write)`);

  writeFileSync(chapterFile, edited.replace('\ntitle:', '\ntitle: ['));
  const overlay = await page.waitForSelector('#zhushu-build-error', { timeout: 30000 });
  const message = await overlay.textContent();
  check(/error: invalid YAML/.test(message) && message.includes(':2:'), 'a failed build lays its error, with file and line, over the page');
  check((await page.textContent('main')).includes(marker), 'the last good page stays under it');

  writeFileSync(chapterFile, original);
  await page.waitForSelector('#zhushu-build-error', { state: 'detached', timeout: 30000 });
  check(!(await page.textContent('main')).includes(marker), 'repaired, the page reloads without the overlay');
  check(errors.length === 0, `no script error (${errors.join('; ')})`);
} finally {
  writeFileSync(chapterFile, original);
  await browser.close();
}
finish('check-serve');

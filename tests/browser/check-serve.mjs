// The editor's loop in a browser: node tests/browser/check-serve.mjs URL CHAPTER_FILE
// URL is a running `zhushu serve`; CHAPTER_FILE one of its edition's
// chapters. Opens the first chapter page, adds a last paragraph on disk,
// and waits for the page to reload by itself with the new words (printing
// how long that took); then breaks the front matter and expects the error
// over the page, then repairs it and expects the overlay gone. A second
// page, of another chapter, is open all along: it shows and drops the error
// too, but never reloads, since no build changes it. (A paragraph added
// before the others would renumber them, and the other chapter, which
// quotes this one, lists its places by paragraph: it would be rebuilt.)
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
  const links = await page.$$eval('.toc-title, .toc a', (as) => as.map((a) => a.getAttribute('href')));
  const first = links[0];
  const second = links.find((href) => href !== first);
  await page.goto(base + first);
  const other = await browser.newPage();
  other.on('pageerror', (e) => errors.push(String(e)));
  await other.goto(base + second);
  // Gone if the page reloads.
  await other.evaluate(() => { window.zhushuTestKept = true; });
  const otherKept = () => other.evaluate(() => window.zhushuTestKept === true);
  // The event streams are open once the pages have heard the first event.
  await page.waitForTimeout(300);

  const marker = `改动${Date.now() % 100000}`;
  const edited = original.trimEnd() + '\n\n' + marker + '\n';
  const reloaded = page.waitForEvent('load', { timeout: 30000 });
  const started = Date.now();
  writeFileSync(chapterFile, edited);
  await reloaded;
  const took = Date.now() - started;
  const text = await page.textContent('main');
  check(text.includes(marker), `the page reloaded by itself with the edit (${took} ms from the write)`);
  await other.waitForTimeout(300);
  check(await otherKept(), `the page of another chapter (${second}) did not reload`);

  writeFileSync(chapterFile, edited.replace('\ntitle:', '\ntitle: ['));
  const overlay = await page.waitForSelector('#zhushu-build-error', { timeout: 30000 });
  const message = await overlay.textContent();
  check(/error: invalid YAML/.test(message) && message.includes(':2:'), 'a failed build lays its error, with file and line, over the page');
  check((await page.textContent('main')).includes(marker), 'the last good page stays under it');
  await other.waitForSelector('#zhushu-build-error', { timeout: 30000 });
  check(await otherKept(), 'the other page shows the error too, without reloading');

  writeFileSync(chapterFile, original);
  await page.waitForSelector('#zhushu-build-error', { state: 'detached', timeout: 30000 });
  check(!(await page.textContent('main')).includes(marker), 'repaired, the page reloads without the overlay');
  await other.waitForSelector('#zhushu-build-error', { state: 'detached', timeout: 30000 });
  check(await otherKept(), 'repaired, the other page drops the overlay and keeps its place');
  check(errors.length === 0, `no script error (${errors.join('; ')})`);
} finally {
  writeFileSync(chapterFile, original);
  await browser.close();
}
finish('check-serve');

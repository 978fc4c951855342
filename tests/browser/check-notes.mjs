// Notes in a real browser: node tests/browser/check-notes.mjs SITE_DIR PAGE
//
// On the first note marker of PAGE (a chapter with notes):
// - phone width, keyboard only: Tab reaches the marker, Enter opens the
//   note in place, Escape closes it and gives focus back to the marker;
// - desktop width: the note stands in the margin without any action, beside
//   its paragraph (to the right of the text column);
// - without JavaScript: the marker is a plain link to the endnote, which
//   links back;
// - SITE_DIR/notes.html numbers each note as its chapter does.
// Exit code 0 when all hold, 1 otherwise. CHECK_NOTES_SCREENSHOTS=DIR keeps
// screenshots of the open note and of the margin.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

const [site, page] = process.argv.slice(2);
if (!site || !page) {
  console.error('usage: node check-notes.mjs SITE_DIR PAGE.html');
  process.exit(2);
}
const url = pathToFileURL(path.resolve(site, page)).href;
const shots = process.env.CHECK_NOTES_SCREENSHOTS;
const browser = await launch();
const { check, finish } = tally();

try {
  // Phone, keyboard only.
  {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await tab.goto(url);
    const marker = tab.locator('sup.noteref a').first();
    const id = await marker.getAttribute('id');
    let reached = false;
    for (let i = 0; i < 400 && !reached; i++) {
      await tab.keyboard.press('Tab');
      reached = await tab.evaluate((id) => document.activeElement && document.activeElement.id === id, id);
    }
    check(reached, `Tab reaches the first note marker (#${id})`);
    const n = id.replace('fnref-', '');
    const side = tab.locator(`#sn-${n}`);
    check(!(await side.isVisible()), 'on a phone the note is closed at first');
    await tab.keyboard.press('Enter');
    check(await side.isVisible(), 'Enter opens the note in place');
    check((await marker.getAttribute('aria-expanded')) === 'true', 'the marker says it is expanded');
    check(new URL(tab.url()).hash === '', 'opening the note does not leave the place');
    if (shots) await tab.screenshot({ path: path.join(shots, 'note-open-phone.png') });
    await tab.keyboard.press('Escape');
    check(!(await side.isVisible()), 'Escape closes the note');
    check(await tab.evaluate((id) => document.activeElement && document.activeElement.id === id, id),
      'focus returns to the marker');
    await marker.click();
    check(await side.isVisible(), 'a tap opens the note');
    await marker.click();
    check(!(await side.isVisible()), 'a second tap closes it');
    check(errors.length === 0, `no script errors (${errors.join('; ')})`);
    await context.close();
  }
  // Desktop: the note in the margin.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(url);
    const marker = tab.locator('sup.noteref a').first();
    const n = (await marker.getAttribute('id')).replace('fnref-', '');
    const side = tab.locator(`#sn-${n}`);
    check(await side.isVisible(), 'on a wide screen the note stands beside the text');
    const box = await side.boundingBox();
    const text = await tab.locator('.chapter-body').boundingBox();
    check(box && text && box.x >= text.x + text.width - 2, 'the sidenote is in the right margin, clear of the text column');
    check(box && box.x + box.width <= 1280, 'the sidenote stays on screen');
    if (shots) await tab.screenshot({ path: path.join(shots, 'note-margin-desktop.png') });
    await context.close();
  }
  // No JavaScript: plain links both ways.
  {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const tab = await context.newPage();
    await tab.goto(url);
    const marker = tab.locator('sup.noteref a').first();
    const href = await marker.getAttribute('href');
    await marker.click();
    check(new URL(tab.url()).hash === href, `without JavaScript the marker leads to the endnote (${href})`);
    const back = tab.locator(`${href} a[role="doc-backlink"]`).first();
    check(await back.count() === 1, 'the endnote links back');
    await context.close();
  }
  // The notes page numbers each note as its chapter does (the number of
  // its marker and endnote), not one count per type.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(path.resolve(site, 'notes.html')).href);
    // The number a list item shows: its value, or one more than the last.
    const wrong = await tab.evaluate(() => [...document.querySelectorAll('.note-list')]
      .flatMap((list) => {
        let shown = list.start - 1;
        return [...list.children].map((li) => {
          shown = li.hasAttribute('value') ? li.value : shown + 1;
          const link = li.querySelector('.note-place a[href*="#fn-"]');
          const n = link && Number(link.getAttribute('href').split('#fn-')[1]);
          return { shown, n, what: li.textContent.trim().slice(0, 30) };
        });
      })
      .filter((x) => x.shown !== x.n));
    check(wrong.length === 0, `notes.html numbers every note as its chapter does${wrong.slice(0, 3).map((x) => `\n      - ${x.shown}. for note ${x.n}: ${x.what}`).join('')}`);
    await context.close();
  }
} finally {
  await browser.close();
}
finish('notes');

// Recurring quotations in a real browser:
//   node tests/browser/check-quotations.mjs SITE_DIR PAGE.html
// On the first quotation marker of PAGE: keyboard focus (Tab) opens its
// list of other places; Escape closes it; hovering opens it too; each place
// links to a page and paragraph that exist, and the reader's own place is
// not among them; the marker itself links to the quotation on the index
// page; and on a phone, no origin label of the index (原出处) breaks over
// two lines. Exit 0 when all hold, 1 otherwise.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

const [site, page] = process.argv.slice(2);
if (!site || !page) {
  console.error('usage: node check-quotations.mjs SITE_DIR PAGE.html');
  process.exit(2);
}
const browser = await launch();
const { check, finish } = tally();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(pathToFileURL(path.resolve(site, page)).href);
  const marker = tab.locator('a.quote-ref').first();
  check(await marker.count() === 1, 'the page has a quotation marker');
  const pop = tab.locator('.quote-mark').first().locator('.quote-pop');
  check(!(await pop.isVisible()), 'the list of places is closed at first');
  let reached = false;
  for (let i = 0; i < 400 && !reached; i++) {
    await tab.keyboard.press('Tab');
    reached = await tab.evaluate(() => document.activeElement && document.activeElement.classList.contains('quote-ref'));
  }
  check(reached, 'Tab reaches a quotation marker');
  // The very list that focus opened, found again by its marker's index:
  // after Escape, this list must be hidden, not just no longer the one
  // under focus (a selector for "the list under focus" matches nothing
  // once focus has gone anywhere else, closed or not).
  const opened = await tab.evaluate(() => [...document.querySelectorAll('.quote-mark')]
    .findIndex((m) => m.contains(document.activeElement)));
  const openedPop = tab.locator('.quote-mark').nth(Math.max(opened, 0)).locator('.quote-pop');
  check(opened >= 0 && await openedPop.isVisible(), 'keyboard focus opens the list of other places');
  await tab.keyboard.press('Escape');
  check(!(await openedPop.isVisible()), 'Escape closes it');
  // Closed where the reader is: focus goes back to the page, not on to
  // another link (nor another marker, whose list would open instead).
  const after = await tab.evaluate(() => {
    const a = document.activeElement;
    return !a || a === document.body ? 'body' : `${a.tagName.toLowerCase()}.${a.className}`;
  });
  check(after === 'body', `after Escape focus rests on the page (${after})`);
  check(!(await tab.locator('.quote-mark .quote-pop').evaluateAll((ps) =>
    ps.some((p) => p.offsetParent !== null && p.childElementCount > 0))), 'and no other list is open');
  await tab.mouse.move(0, 0);
  await marker.hover();
  check(await pop.isVisible(), 'hovering the marker opens it');
  const places = await pop.locator('a.quote-place').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  check(places.length >= 1, `it lists other places (${places.length})`);
  // The list stands once in the page and is copied into the popover: the
  // place the reader is at is left out of it.
  const here = await tab.locator('.quote-mark').first().evaluate((m) => {
    const unit = m.closest('[id]');
    return unit ? `${location.pathname.split('/').pop()}#${unit.id}` : null;
  });
  check(here !== null && !places.includes(here), `it leaves out the reader's own place (${here})`);
  const id = (await marker.getAttribute('href')).split('#')[1];
  check(await tab.locator(`template[id="qp-${id}"]`).count() === 1, 'the page holds the list once');
  for (const href of places) {
    const [file, anchor] = href.split('#');
    const target = path.resolve(site, file);
    let ok = existsSync(target);
    if (ok && anchor) {
      const other = await context.newPage();
      await other.goto(pathToFileURL(target).href + '#' + anchor);
      ok = await other.locator(`[id="${anchor}"]`).count() === 1;
      await other.close();
    }
    check(ok, `place ${href} exists`);
  }
  const index = await marker.getAttribute('href');
  check(/^quotations\.html#q\d+$/.test(index), `the marker links to the index (${index})`);
  const indexPage = await context.newPage();
  await indexPage.goto(pathToFileURL(path.resolve(site, 'quotations.html')).href);
  check(await indexPage.locator(`[id="${index.split('#')[1]}"]`).count() === 1, 'the index has that quotation');
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
  // On a phone, the index's 原出处 labels each stand on one line.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phoneIndex = await phone.newPage();
  await phoneIndex.goto(pathToFileURL(path.resolve(site, 'quotations.html')).href);
  await phoneIndex.evaluate(() => document.fonts.ready);
  const broken = await phoneIndex.evaluate(() => [...document.querySelectorAll('.quote-origin')]
    .filter((label) => label.getClientRects().length > 1)
    .map((label) => label.closest('li').textContent.trim().slice(0, 30)));
  check(broken.length === 0, `on a phone no origin label breaks over two lines${broken.slice(0, 3).map((b) => `\n      - ${b}`).join('')}`);
  await phone.close();
} finally {
  await browser.close();
}
finish('quotations');


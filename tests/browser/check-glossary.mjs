// Glossary terms in a real browser:
//   node tests/browser/check-glossary.mjs SITE_DIR PAGE.html
// The first linked term of PAGE shows its definition on keyboard focus and
// on hover, hides it on Escape, links to its entry on the glossary page,
// and the glossary page lists the places of the term. Exit 0 or 1.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

const [site, page] = process.argv.slice(2);
if (!site || !page) {
  console.error('usage: node check-glossary.mjs SITE_DIR PAGE.html');
  process.exit(2);
}
const browser = await launch();
const { check, finish } = tally();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const tab = await context.newPage();
  await tab.goto(pathToFileURL(path.resolve(site, page)).href);
  const term = tab.locator('a.term').first();
  check(await term.count() === 1, 'the page has a linked term');
  const popId = await term.getAttribute('aria-describedby');
  const pop = tab.locator(`[id="${popId}"]`);
  check(!(await pop.isVisible()), 'the definition is hidden at first');
  let reached = false;
  for (let i = 0; i < 400 && !reached; i++) {
    await tab.keyboard.press('Tab');
    reached = await tab.evaluate((id) => document.activeElement && document.activeElement.getAttribute('aria-describedby') === id, popId);
  }
  check(reached, 'Tab reaches the term');
  check(await pop.isVisible(), 'keyboard focus shows the definition');
  await tab.keyboard.press('Escape');
  check(!(await pop.isVisible()), 'Escape hides it');
  await tab.mouse.move(0, 0);
  await term.hover();
  check(await pop.isVisible(), 'hovering shows it');
  const href = await term.getAttribute('href');
  check(/^glossary\.html#g\d+$/.test(href), `the term links to its entry (${href})`);
  const glossary = await context.newPage();
  await glossary.goto(pathToFileURL(path.resolve(site, 'glossary.html')).href);
  const entry = glossary.locator(`[id="${href.split('#')[1]}"]`);
  check(await entry.count() === 1, 'the glossary has the entry');
  check(await entry.locator('.glossary-places a').count() >= 1, 'the entry lists where the term stands');
} finally {
  await browser.close();
}
finish('glossary');

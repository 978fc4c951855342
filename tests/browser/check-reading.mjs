// Reading modes and taps on a phone:
//   node tests/browser/check-reading.mjs SITE_DIR PAGE.html [SCREENSHOT_DIR]
//
// PAGE is a chapter with a glossary term and a recurring quotation. On a
// touch phone (390×844):
// - the page opens in the calm mode: no quotation underline, the 引 markers
//   out of sight, and a reading mode switch in the header;
// - a tap on a glossary term opens its definition in place, inside the
//   window, without leaving the page; a tap on that card follows the term's
//   link to its glossary entry;
// - a tap on a quoted passage opens its list of other places in place,
//   inside the window, with links; a tap elsewhere closes it;
// - the switch turns the study mode on (markers shown, underlines back),
//   which stays on after a reload and on another page (localStorage, from
//   file://), a tap on a marker then opens its places in place, and axe
//   finds no serious or critical issue in the study mode; switched off, the
//   calm mode stays after a reload.
// Exit code 0 when all hold, 1 otherwise. With SCREENSHOT_DIR: calm.png,
// study.png, popover.png (desktop-sized calm and study, and a phone popover).
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

const require = createRequire(import.meta.url);
const [site, page, shots] = process.argv.slice(2);
if (!site || !page) {
  console.error('usage: node check-reading.mjs SITE_DIR PAGE.html [SCREENSHOT_DIR]');
  process.exit(2);
}
const url = pathToFileURL(path.resolve(site, page)).href;
const PHONE = { width: 390, height: 844 };
const browser = await launch();
const { check, finish } = tally();

const inWindow = (b) => !!b && b.width > 0 && b.x >= -1 && b.x + b.width <= PHONE.width + 1;
const fmt = (b) => (b ? `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}` : 'none');

try {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await tab.goto(url);
  const state = () => tab.evaluate(() => {
    const ref = document.querySelector('.quote-ref');
    const occ = document.querySelector('.quote-occ');
    return {
      study: document.documentElement.classList.contains('study'),
      pressed: document.querySelector('.mode-toggle')?.getAttribute('aria-pressed'),
      marker: getComputedStyle(ref).opacity,
      underline: getComputedStyle(occ).textDecorationColor,
    };
  });
  const calm = await state();
  const toggle = tab.locator('.site-header .mode-toggle');
  check(!calm.study && calm.pressed === 'false' && calm.marker === '0' && calm.underline === 'rgba(0, 0, 0, 0)',
    `the page opens in the calm mode (${JSON.stringify(calm)})`);
  check(await toggle.isVisible(), 'the reading mode switch is in the header');

  // A glossary term: first tap in place, second tap on to the entry.
  const term = tab.locator('a.term').first();
  await term.scrollIntoViewIfNeeded();
  await term.tap();
  const termPop = tab.locator('a.term.pop-open + .term-pop');
  const termBox = await termPop.boundingBox();
  check(new URL(tab.url()).pathname.endsWith(`/${page}`) && await termPop.isVisible() && inWindow(termBox),
    `a tap on a term opens its definition in place, in the window (${fmt(termBox)}, ${tab.url()})`);
  // The card, which may cover the term (vertical), leads on as the term does.
  await termPop.tap();
  await tab.waitForURL(/glossary\.html#g\d+$/, { timeout: 5000 }).catch(() => {});
  check(/glossary\.html#g\d+$/.test(tab.url()), `a tap on the card follows the term to its entry (${tab.url()})`);
  await tab.goto(url);

  // A quoted passage in the calm mode: a tap opens its places.
  const occ = tab.locator('.quote-occ').first();
  await occ.scrollIntoViewIfNeeded();
  await occ.tap();
  const quotePop = tab.locator('.quote-mark.pop-open .quote-pop');
  const quoteBox = await quotePop.boundingBox();
  const places = await quotePop.locator('a.quote-place').count();
  check(new URL(tab.url()).hash === '' && await quotePop.isVisible() && inWindow(quoteBox) && places > 0,
    `a tap on a quoted passage opens its ${places} other place(s) in place, in the window (${fmt(quoteBox)})`);
  if (shots) await tab.screenshot({ path: path.join(shots, 'popover.png') });
  await tab.locator('h1').tap();
  check(await tab.locator('.pop-open').count() === 0, 'a tap elsewhere closes it');

  // The study mode, remembered.
  await toggle.tap();
  const study = await state();
  check(study.study && study.pressed === 'true' && study.marker === '1' && study.underline !== 'rgba(0, 0, 0, 0)',
    `the switch turns the study mode on (${JSON.stringify(study)})`);
  await tab.reload();
  check((await state()).study, 'the study mode stays on after a reload');
  await tab.goto(pathToFileURL(path.resolve(site, 'index.html')).href);
  check(await tab.evaluate(() => document.documentElement.classList.contains('study')) &&
    await tab.locator('.mode-toggle[aria-pressed="true"]').isVisible(),
    'and on another page (the cover), whose switch shows it');
  await tab.goto(url);
  const ref = tab.locator('.quote-ref').first();
  await ref.scrollIntoViewIfNeeded();
  await ref.tap();
  check(new URL(tab.url()).hash === '' && await tab.locator('.quote-mark.pop-open .quote-pop').isVisible(),
    'in the study mode a tap on a marker opens its places in place');
  await tab.locator('h1').tap();
  await tab.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await tab.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'], preload: false });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
  });
  check(violations.length === 0, `axe in the study mode: no serious or critical issue${violations.map((v) => `\n      - ${v}`).join('')}`);
  await toggle.tap();
  await tab.reload();
  check(!(await state()).study, 'switched off, the calm mode stays after a reload');
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
  await context.close();

  if (shots) {
    const wide = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const desk = await wide.newPage();
    await desk.goto(url);
    await desk.evaluate(() => document.fonts.ready);
    const dense = await desk.evaluate(() => {
      // The paragraph with the most quotation marks, for the comparison.
      const ps = [...document.querySelectorAll('.chapter-body p')];
      ps.sort((a, b) => b.querySelectorAll('.quote-occ').length - a.querySelectorAll('.quote-occ').length);
      return ps[0] ? ps[0].id : null;
    });
    if (dense) await desk.evaluate((id) => document.getElementById(id).scrollIntoView({ block: 'start' }), dense);
    await desk.screenshot({ path: path.join(shots, 'calm.png') });
    await desk.locator('.site-header .mode-toggle').click();
    if (dense) await desk.evaluate((id) => document.getElementById(id).scrollIntoView({ block: 'start' }), dense);
    await desk.mouse.move(0, 0);
    await desk.screenshot({ path: path.join(shots, 'study.png') });
    await wide.close();
  }
} finally {
  await browser.close();
}
finish('reading modes and taps');

// "Cite this", from file:// and by keyboard:
//   node tests/browser/check-cite.mjs SITE_DIR PAGE.html PARAGRAPH_ID EXPECTED
//
// On PAGE, opened from file:// at desktop size (1280×900):
// - the piece's button is shown (cite.js unhides it) and opens the dialog
//   with a reference to the piece;
// - Tab from the paragraph's number (past the links in its text) reaches
//   its cite button, which shows while focused; Enter opens a modal dialog whose reference is EXACTLY
//   EXPECTED, focused and selected; axe finds no serious or critical issue
//   with the dialog open;
// - Copy says it copied (the clipboard), or, where the page may not use the
//   clipboard, says so with the whole reference selected for the keyboard's
//   own copy (checked with the clipboard API taken away);
// - Escape closes the dialog, and focus is back on the button that opened
//   it;
// - on a touch phone (390×844), a tap on the paragraph's number shows its
//   cite button, a tap on that opens the dialog inside the window with the
//   same reference, and the Close button shuts it.
// Exit code 0 when all hold, 1 otherwise.
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

const require = createRequire(import.meta.url);
const [site, page, paragraph, expected] = process.argv.slice(2);
if (!site || !page || !paragraph || expected === undefined) {
  console.error('usage: node check-cite.mjs SITE_DIR PAGE.html PARAGRAPH_ID EXPECTED');
  process.exit(2);
}
const url = pathToFileURL(path.resolve(site, page)).href;
const browser = await launch();
const { check, finish } = tally();

// The state of the page: the dialog, what has focus, the reference.
const state = (tab) => tab.evaluate(() => {
  const dialog = document.querySelector('.cite-dialog');
  const area = document.querySelector('.cite-text');
  const active = document.activeElement;
  return {
    open: !!dialog && dialog.open,
    modal: !!dialog && dialog.matches(':modal'),
    value: area ? area.value : null,
    selected: area ? [area.selectionStart, area.selectionEnd] : null,
    status: document.querySelector('.cite-status')?.textContent ?? null,
    active: active ? `${active.tagName.toLowerCase()}.${active.className}` : '',
    activeParent: active?.parentElement?.id ?? '',
  };
});

// From the paragraph's number, Tab past the links in its text to its cite
// button (at most twenty steps).
async function tabToCite(tab) {
  await tab.focus(`#${paragraph} .pnum`);
  for (let i = 0; i < 20; i++) {
    await tab.keyboard.press('Tab');
    const there = await tab.evaluate((id) => document.activeElement?.matches(`#${id} > .cite-p`), paragraph);
    if (there) return;
  }
}

async function opened(tab, errors, label) {
  await tab.goto(url);
  await tab.evaluate(() => document.fonts.ready);
  check(errors.length === 0, `${label}: no console error or exception${errors.map((e) => `\n      - ${e}`).join('')}`);
}

try {
  const strings = {};
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await opened(tab, errors, 'desktop');
    Object.assign(strings, await tab.evaluate(() => ({ ...document.getElementById('zs-cite-bar').dataset })));

    // The piece's button.
    const piece = tab.locator('.cite-open');
    check(await piece.isVisible(), 'the piece\'s “cite this” button is shown');
    await piece.click();
    let s = await state(tab);
    const title = await tab.evaluate(() => document.querySelector('h1').textContent.split('“')[0]);
    check(s.open && s.modal && s.value && s.value.includes(title.slice(0, 4)),
      `the piece's button opens a modal dialog with the piece's reference (${JSON.stringify(s.value)})`);
    await tab.keyboard.press('Escape');
    s = await state(tab);
    check(!s.open && s.active === 'button.cite-open', `Escape closes it and focus returns to the piece's button (${s.active})`);

    // The paragraph's button, by keyboard.
    await tabToCite(tab);
    s = await state(tab);
    const shown = await tab.evaluate((id) => getComputedStyle(document.querySelector(`#${id} .cite-p`)).opacity, paragraph);
    check(s.active === 'button.cite-p' && s.activeParent === paragraph && shown === '1',
      `Tab from the paragraph number reaches its cite button, shown (${s.active} in #${s.activeParent}, opacity ${shown})`);
    await tab.keyboard.press('Enter');
    s = await state(tab);
    check(s.open && s.modal, 'Enter opens the dialog, modal');
    check(s.value === expected, `the reference is exactly\n      ${expected}\n    got\n      ${s.value}`);
    check(s.active === 'textarea.cite-text' && s.selected[0] === 0 && s.selected[1] === expected.length,
      `focus is on the reference, selected whole (${s.active}, ${s.selected})`);

    await tab.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = await tab.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'], preload: false });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `[${v.impact}] ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    check(violations.length === 0, `axe with the dialog open: no serious or critical issue${violations.map((v) => `\n      - ${v}`).join('')}`);

    await tab.keyboard.press('Tab');
    s = await state(tab);
    check(s.active === 'button.cite-copy', `Tab goes on to Copy (${s.active})`);
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('.cite-status').textContent !== '');
    s = await state(tab);
    check(s.status === strings.copied || s.status === strings.select,
      `Copy says what it did (${JSON.stringify(s.status)})`);
    await tab.keyboard.press('Escape');
    s = await state(tab);
    check(!s.open && s.active === 'button.cite-p' && s.activeParent === paragraph,
      `Escape closes the dialog, focus back on the paragraph's button (${s.active} in #${s.activeParent})`);
    await context.close();
  }

  // Where the clipboard cannot be used: the reference is selected, and the
  // status line says to copy it by hand.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
      document.execCommand = () => false;
    });
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await opened(tab, errors, 'without a clipboard');
    await tabToCite(tab);
    await tab.keyboard.press('Enter');
    await tab.click('.cite-copy');
    const s = await state(tab);
    check(s.status === strings.select && s.active === 'textarea.cite-text' &&
      s.selected[0] === 0 && s.selected[1] === expected.length,
    `without a clipboard, the reference is selected whole and the status says to copy it (${JSON.stringify(s)})`);
    await context.close();
  }

  // A phone: a tap on the paragraph's number, then on its cite button.
  {
    const phone = { width: 390, height: 844 };
    const context = await browser.newContext({ viewport: phone, hasTouch: true, isMobile: true });
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await opened(tab, errors, 'phone');
    await tab.tap(`#${paragraph} .pnum`);
    const button = tab.locator(`#${paragraph} .cite-p`);
    await tab.waitForFunction((id) => getComputedStyle(document.querySelector(`#${id} .cite-p`)).opacity === '1', paragraph);
    await button.tap();
    let s = await state(tab);
    const box = await tab.locator('.cite-dialog').boundingBox();
    check(s.open && s.value === expected && box && box.x >= 0 && box.x + box.width <= phone.width + 1,
      `a tap on the number, then on its cite button, opens the reference inside the window (${box && Math.round(box.x)}+${box && Math.round(box.width)})`);
    await tab.locator('.cite-close').tap();
    s = await state(tab);
    check(!s.open, 'Close shuts the dialog');
    await context.close();
  }
} finally {
  await browser.close();
}
finish('check-cite');

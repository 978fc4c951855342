// Search in a real browser, from file://:
//   node tests/browser/check-search.mjs SITE_DIR QUERY [WORD]
//     [--glossary=QUERY] [--quotations=QUERY] [--indexes=QUERY]
// "/" focuses the box; a Chinese phrase finds pages with the phrase marked;
// the English word (when given) finds results; a query with no match says
// so, in a line the reader sees, for CJK and Latin queries alike; the count
// of results is shown, and a query with more results than are listed says
// how many there are and how many are listed; the arrow key reaches a
// result, and a result leads to its paragraph. With --glossary (words of a
// definition), --quotations (words of a recurring quotation) and --indexes
// (words of an index entry's identification), those words are found on the
// glossary page, the quotations index and the indexes' page too: a listed
// result leads there, to an entry that holds them.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, tally } from './lib.mjs';

const args = process.argv.slice(2);
const [site, phrase, word] = args.filter((a) => !a.startsWith('--'));
const back = args.filter((a) => a.startsWith('--')).map((a) => {
  const m = /^--(glossary|quotations|indexes)=(.+)$/.exec(a);
  if (!m) {
    console.error(`check-search: unknown option ${a}`);
    process.exit(2);
  }
  return { page: `${m[1]}.html`, query: m[2] };
});
if (!site || !phrase) {
  console.error('usage: node check-search.mjs SITE_DIR PHRASE [WORD] [--glossary=QUERY] [--quotations=QUERY] [--indexes=QUERY]');
  process.exit(2);
}
const browser = await launch();
const { check, finish } = tally();
const query = async (tab, text) => {
  await tab.fill('#zs-q', text);
  await tab.waitForTimeout(250);
  return tab.locator('#zs-results li');
};
try {
  const tab = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(pathToFileURL(path.resolve(site, 'index.html')).href);
  check(await tab.locator('#zs-search').isVisible(), 'the search box is there (the script ran from file://)');
  await tab.keyboard.press('/');
  check(await tab.evaluate(() => document.activeElement && document.activeElement.id === 'zs-q'), '"/" focuses the search box');
  const found = await query(tab, phrase);
  const n = await found.count();
  check(n >= 1, `the phrase “${phrase}” is found (${n} results)`);
  const marked = n ? await found.first().locator('mark').innerText() : '';
  check(marked.replace(/\s/g, '') === phrase.replace(/\s/g, ''), `the match is marked (${marked})`);
  if (word) {
    const words = await query(tab, word);
    check(await words.count() >= 1, `the word “${word}” is found`);
  }
  const status = tab.locator('#zs-search-status');
  const said = async () => (await status.isVisible()) ? (await status.innerText()).trim() : '';
  await query(tab, phrase);
  const count = await said();
  check(count.includes(String(n)), `the count of results is shown (“${count}”)`);
  const noneText = await tab.evaluate(() => document.getElementById('zs-search').dataset.none);
  for (const nothing of ['没有这样的字句zzqx', 'zzqxnothing']) {
    const none = await query(tab, nothing);
    check(await none.count() === 0, `a query with no match (${nothing}) lists nothing`);
    check(await said() === noneText, `and says so where the reader sees it (“${await said()}”)`);
  }
  // A query found everywhere: more than the list holds.
  for (const common of ['的', 'the']) {
    const total = await tab.evaluate((q) => window.zhushuFind(q).length, common);
    if (total === 0) continue;
    const listed = await (await query(tab, common)).count();
    const text = await said();
    const ok = total > listed
      ? text.includes(String(total)) && text.includes(String(listed))
      : listed === total && text.includes(String(total));
    check(ok, `“${common}”: ${total} found, ${listed} listed, and the line says so (“${text}”)`);
  }
  await query(tab, phrase);
  await tab.focus('#zs-q');
  await tab.keyboard.press('ArrowDown');
  const href = await tab.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
  check(Boolean(href), `ArrowDown reaches the first result (${href})`);
  await Promise.all([tab.waitForURL(/#/, { timeout: 10000 }).catch(() => {}), tab.keyboard.press('Enter')]);
  const anchor = new URL(tab.url()).hash.slice(1);
  check(anchor && await tab.locator(`[id="${anchor}"]`).count() === 1, `the result leads to its paragraph (#${anchor})`);
  for (const { page, query: words } of back) {
    const results = await query(tab, words);
    const hrefs = await results.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const there = hrefs.find((h) => h.startsWith(`${page}#`));
    check(Boolean(there), `“${words}” is found on ${page} (results: ${hrefs.join(', ')})`);
    if (!there) continue;
    const other = await tab.context().newPage();
    await other.goto(pathToFileURL(path.resolve(site, page)).href + there.slice(page.length));
    const anchor = there.split('#')[1];
    const text = await other.locator(`[id="${anchor}"]`).first().innerText().catch(() => '');
    check(text.replace(/\s/g, '').includes(words.replace(/\s/g, '')), `the result ${there} leads to an entry holding “${words}”`);
    await other.close();
  }
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
} finally {
  await browser.close();
}
finish('search');

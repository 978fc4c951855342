// Search speed in headless Chromium:
//   node tests/browser/bench-search.mjs SITE_DIR
// Loads SITE_DIR/index.html from file://, then times ten Chinese queries
// with the page's own search function (window.zhushuFind), after the page
// has prepared its lowercased texts (when idle). Target: a query over the
// 10,000-chapter synthetic corpus answers in under 100 ms. BENCHMARKS.md
// says how to build that site.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './lib.mjs';

const site = process.argv[2];
if (!site) {
  console.error('usage: node bench-search.mjs SITE_DIR');
  process.exit(2);
}
const browser = await launch();
try {
  const page = await browser.newPage();
  const start = Date.now();
  await page.goto(pathToFileURL(path.resolve(site, 'index.html')).href, { timeout: 300000 });
  await page.waitForFunction(() => window.zhushuFind, null, { timeout: 300000 });
  // The page prepares its texts when idle; give it that moment.
  await page.waitForTimeout(3000);
  const loaded = Date.now() - start;
  const result = await page.evaluate(() => {
    const t = performance.now();
    window.zhushuFind('工作');
    const first = performance.now() - t;
    const queries = ['的工作', '办公', '我们', '发展', '研究', '中国', '人民', '问题', '学习', '建设'];
    const times = queries.map((q) => {
      const s = performance.now();
      window.zhushuFind(q);
      return performance.now() - s;
    });
    times.sort((a, b) => a - b);
    return { first, median: times[times.length >> 1], max: times[times.length - 1], docs: window.zhushuSearch.docs.length };
  });
  console.log(`search: ${result.docs} documents; page and index loaded in ${loaded} ms; first query ${result.first.toFixed(1)} ms; then median ${result.median.toFixed(1)} ms, max ${result.max.toFixed(1)} ms over 10 queries`);
  const pass = Math.max(result.max, result.first) < 100;
  console.log(`  ${pass ? 'PASS' : 'FAIL'}  every query under 100 ms`);
  process.exitCode = pass ? 0 : 1;
} finally {
  await browser.close();
}

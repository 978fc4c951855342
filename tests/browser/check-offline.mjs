// Reading offline: node tests/browser/check-offline.mjs SITE_DIR
// Serves SITE_DIR over HTTP on 127.0.0.1, opens the cover so that the
// service worker caches the edition, stops the server, and opens other pages:
// they must still load, with their title.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { launch, tally } from './lib.mjs';

const site = process.argv[2];
if (!site) {
  console.error('usage: node check-offline.mjs SITE_DIR');
  process.exit(2);
}
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.xml': 'application/xml' };
const server = http.createServer(async (req, res) => {
  const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = path.resolve(site, name);
  if (!file.startsWith(path.resolve(site))) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
const { check, finish } = tally();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + 'index.html');
  const ready = await page.evaluate(async () => {
    const registration = await Promise.race([
      navigator.serviceWorker.ready,
      new Promise((_, no) => setTimeout(() => no(new Error('no service worker')), 20000)),
    ]);
    return Boolean(registration.active);
  }).catch(() => false);
  check(ready, 'the service worker is installed and active');
  const links = await page.locator('nav.toc a.toc-title').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  await new Promise((ok) => server.close(ok));
  server.closeAllConnections?.();
  for (const href of links.slice(0, 3).concat(['index.html'])) {
    const response = await page.goto(base + href).catch(() => null);
    const ok = Boolean(response) && (await page.locator('h1').count()) === 1;
    check(ok, `with the server stopped, ${href} still opens`);
  }
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
} finally {
  await browser.close();
  server.close();
}
finish('offline');

// One Chromium for all the browser checks of a test run: tests/site_in_browser.rs
// starts this once and gives its endpoint to every check script as
// ZHUSHU_BROWSER_WS, on which lib.mjs's launch() connects instead of starting
// a browser of its own. Each script still works in contexts of its own
// (browser.newContext: its own storage, cache and service workers).
//
//   node browser-server.mjs    (CHROMIUM names the binary)
//
// Prints the endpoint as its first line, then closes the browser and exits
// when its stdin ends: the test process holds the other end of that pipe, so
// the browser goes when the tests do, however they end.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './lib.mjs';

const server = await chromium.launchServer({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
});
console.log(server.wsEndpoint());

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close().catch(() => {});
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

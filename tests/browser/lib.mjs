// Shared by the browser checks: Debian's Chromium started (or shared) the way this
// machine needs (no sandbox as root, no background networking on a closed
// network), and a tally of checks that prints `ok`/`FAIL` lines.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The browser a check works in: the one browser-server.mjs shares across a
// test run when ZHUSHU_BROWSER_WS names it (close() then only disconnects,
// closing this script's contexts), else one of the script's own.
export function launch() {
  const shared = process.env.ZHUSHU_BROWSER_WS;
  if (shared) return chromium.connect(shared);
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export function tally() {
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  const finish = (name) => {
    if (failures.length) {
      console.log(`${failures.length} check(s) failed`);
      process.exit(1);
    }
    console.log(`${name}: all checks passed`);
  };
  return { check, finish };
}

// Debian's chromium (or CHROMIUM_PATH), headless, with the flags this machine's closed network needs
// (no sandbox as root, no GPU, no background traffic). One launcher for the core-in-browser run
// (run-core-in-browser.mjs) and the web app's browser tests (apps/web/test/web-kit.ts).
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

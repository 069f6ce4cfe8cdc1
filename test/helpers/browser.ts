import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/*
 * Debian's Chromium for the browser tests (test/browser/), driven by playwright-core: where it is, whether this
 * machine has it, and how it is started here (headless, and without the background traffic a closed network refuses).
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The console's screen in the tests: a community centre's Windows laptop. */
export const VIEWPORT = { width: 1366, height: 768 };

/**
 * Whether the browser is here. Without it a suite is skipped with a loud warning naming `what`, unless
 * MULIN_REQUIRE_BROWSER=1 (CI), where its absence fails the run.
 */
export function browserAvailable(what: string): boolean {
  const available = fs.existsSync(CHROMIUM);
  if (!available && process.env.MULIN_REQUIRE_BROWSER === '1') {
    throw new Error(`MULIN_REQUIRE_BROWSER=1 but there is no browser at ${CHROMIUM} (apt-get install chromium)`);
  }
  if (!available) console.warn(`${what} SKIPPED: no browser at ${CHROMIUM} (apt-get install chromium)`);
  return available;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

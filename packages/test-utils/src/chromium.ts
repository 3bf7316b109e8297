/**
 * Headless Chromium for browser tests: Debian's `chromium` package, driven
 * through playwright-core (nothing is downloaded). Missing Chromium fails the
 * test with an install hint; it never skips.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet headless run on a machine without outside network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium executable; throws with the install step when it is missing. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `headless Chromium is missing at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium); browser tests never skip`,
    );
  }
  return CHROMIUM_PATH;
}

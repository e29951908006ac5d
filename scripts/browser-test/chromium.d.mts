import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH: string;

/** Debian's chromium (or CHROMIUM_PATH), headless, with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser>;

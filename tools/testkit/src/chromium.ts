// Launches the system's headless Chromium (Debian's package, driven by playwright-core, which
// downloads no browser of its own) with the flags every browser test here needs.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where Debian's chromium package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Whether Chromium is installed, for `describe.skipIf(!hasChromium)`. */
export const hasChromium = existsSync(CHROMIUM_PATH);

const STANDARD_ARGS = [
  '--no-sandbox', // Chromium's sandbox does not start as root or in most containers
  // Nothing phones home or updates itself during a test.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // No GPU here: WebGL (Pixi in the demo) renders in software.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export interface LaunchChromiumOptions {
  /** Host ICE candidates carry the real local IP instead of an mDNS `.local` name. Needed when the
   * page connects to a node-datachannel peer: Chromium hides host candidates behind mDNS names
   * that libdatachannel cannot resolve. Default false. */
  exposeLocalIps?: boolean;
}

export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  // Loaded on first launch, not with the kit: importing playwright-core takes about half a second,
  // which tests that only pick ports or start coturn should not pay.
  const { chromium } = await import('playwright-core');
  const args = options.exposeLocalIps
    ? [...STANDARD_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns']
    : STANDARD_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, args });
}

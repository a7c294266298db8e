// Launches the system's headless Chromium (Debian's package, driven by playwright-core, which
// downloads no browser of its own) with the flags every browser test here needs, optionally inside
// a network namespace (a netlab host). It must never leave a wrapper script or a browser behind:
// the wrapper is deleted once the browser has started (or failed to), the trust store of
// `trustCaFile` once it has gone, and closing the Browser ends the process.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createTrustHome } from './nss-trust.js';

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
  /** Runs the browser inside this network namespace (e.g. a netlab host's `namespace`), through
   * `ip netns exec`; needs root. Playwright still drives it over its pipe from this process. */
  namespace?: string;
  /** Extra command-line flags, e.g. `--unsafely-treat-insecure-origin-as-secure=http://10.200.0.9`. */
  args?: readonly string[];
  /**
   * A CA certificate (PEM file) the browser trusts to identify servers, e.g. a test's own CA for
   * coturn's TURN over TLS (`turns:`): put in an NSS database in a throw-away HOME (nss-trust.ts),
   * deleted when the browser disconnects. Certificate checks stay on. Needs certutil.
   */
  trustCaFile?: string;
}

const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A script playwright can start as "the browser": it enters the namespace and execs Chromium
 * with the arguments it was given (`ip netns exec` execs too, so the pid playwright holds is
 * Chromium's and the `--remote-debugging-pipe` descriptors pass straight through).
 */
async function namespaceWrapper(namespace: string): Promise<{ path: string; remove(): Promise<void> }> {
  if (!NAMESPACE.test(namespace)) throw new TypeError(`not a namespace name: "${namespace}"`);
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-chromium-'));
  const path = join(dir, 'chromium-in-netns');
  await writeFile(path, `#!/bin/sh\nexec ip netns exec ${namespace} ${CHROMIUM_PATH} "$@"\n`);
  await chmod(path, 0o755);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  // Loaded on first launch, not with the kit: importing playwright-core takes about half a second,
  // which tests that only pick ports or start coturn should not pay.
  const { chromium } = await import('playwright-core');
  const args = [
    ...STANDARD_ARGS,
    ...(options.exposeLocalIps ? ['--disable-features=WebRtcHideLocalIpsWithMdns'] : []),
    ...(options.args ?? []),
  ];
  const trust = options.trustCaFile === undefined ? undefined : await createTrustHome(options.trustCaFile);
  const env = trust ? { env: { ...process.env, HOME: trust.home } } : {};
  let browser: Browser;
  try {
    if (options.namespace === undefined) {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args, ...env });
    } else {
      const wrapper = await namespaceWrapper(options.namespace);
      try {
        browser = await chromium.launch({ executablePath: wrapper.path, args, ...env });
      } finally {
        await wrapper.remove();
      }
    }
  } catch (error) {
    await trust?.remove();
    throw error;
  }
  // Chromium reads the database for as long as it runs: removed once it has gone.
  if (trust) browser.once('disconnected', () => void trust.remove());
  return browser;
}

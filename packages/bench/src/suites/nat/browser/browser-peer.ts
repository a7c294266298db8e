// One NAT-matrix peer as a Chromium page inside a lab host's namespace: the browser starts on the
// first request (launchChromium with `namespace`), loads the matrix page from the lab's page server
// and answers `pair` and `finish` like a Node agent's IPC (run-pair.ts treats both alike); with a
// CA to trust (a lab whose coturn takes TURN over TLS) the browser trusts it, and `selectedPair()`
// reads Chromium's own stats of the open connection (page-probe.ts). It must never leave a browser
// running: close() ends it, also when it is still starting.
import type { NetHost } from '@tickwire/netlab';
import { launchChromium } from '@tickwire/testkit';
import type { Browser, Page } from '@tickwire/testkit';
import { BenchError } from '../../../errors.js';
import type { PairAgent } from '../run-pair.js';
import type { NatPeerApi } from './page-entry.js';
import { readSelectedPair, recordPeerConnections } from './page-probe.js';
import type { ProbedPair } from './page-probe.js';

// Generous: on a loaded machine (load average 40 on 2 cores) a first page load once took over 30 s.
const PAGE_TIMEOUT_MS = 90_000;

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BenchError('TIMEOUT', `${what}: no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
    }),
  ]);
}

export class BrowserPeer implements PairAgent {
  private started: Promise<{ browser: Browser; page: Page }> | undefined;
  private closed = false;

  constructor(
    private readonly host: NetHost,
    private readonly pageUrl: string,
    /** A CA certificate (PEM file) the browser trusts: the lab's, for coturn's TURN over TLS. */
    private readonly trustCaFile?: string,
  ) {}

  /** The selected candidate pair of the page's newest open RTCPeerConnection, from getStats(). */
  async selectedPair(): Promise<ProbedPair | null> {
    const { page } = await this.start();
    return withTimeout(page.evaluate(readSelectedPair), 10_000, `${this.host.role} selected pair`);
  }

  readonly ipc = {
    request: async <T>(cmd: string, args: unknown = null, timeoutMs = 60_000): Promise<T> => {
      const { page } = await this.start();
      const call = page.evaluate<unknown, readonly [string, unknown]>(
        async ([name, arg]) => {
          const peer = (globalThis as { natPeer?: NatPeerApi }).natPeer;
          if (!peer) throw new Error('the page has no natPeer');
          return name === 'pair' ? peer.pair(arg as Parameters<NatPeerApi['pair']>[0]) : peer.finish();
        },
        [cmd, args] as const,
      );
      return (await withTimeout(call, timeoutMs, `${this.host.role} ${cmd}`)) as T;
    },
  };

  private start(): Promise<{ browser: Browser; page: Page }> {
    if (this.closed) return Promise.reject(new BenchError('PEER_FAILED', 'the browser peer is closed'));
    this.started ??= this.launch();
    return this.started;
  }

  private async launch(): Promise<{ browser: Browser; page: Page }> {
    const origin = new URL(this.pageUrl).origin;
    const browser = await launchChromium({
      namespace: this.host.namespace,
      // Host candidates as addresses, not mDNS names: hosts behind one NAT find each other on
      // their LAN without multicast name resolution across the lab's bridges.
      exposeLocalIps: true,
      // The page is plain http on the lab's server; the lobby client's WebCrypto needs a secure context.
      args: [`--unsafely-treat-insecure-origin-as-secure=${origin}`],
      ...(this.trustCaFile === undefined ? {} : { trustCaFile: this.trustCaFile }),
    });
    try {
      const page = await browser.newPage();
      await page.addInitScript(recordPeerConnections);
      page.on('pageerror', (error) => console.error(`[${this.host.role}] page error`, error));
      await page.goto(this.pageUrl, { timeout: PAGE_TIMEOUT_MS });
      await page.waitForFunction(() => 'natPeer' in globalThis, undefined, { timeout: PAGE_TIMEOUT_MS });
      return { browser, page };
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const started = this.started;
    this.started = undefined;
    const running = await started?.catch(() => undefined);
    await running?.browser.close().catch(() => undefined);
  }
}

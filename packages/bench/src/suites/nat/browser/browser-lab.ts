// The browser NAT matrix's world: the Node matrix's lab, coturn and lobby (matrix-lab.ts, without
// Node agents), plus the matrix page served from the lab's public server (its second address, port
// 443, which a UDP-blocked network lets through) and a Chromium per host that a pair uses, started
// on demand inside the host's namespace; with `turnTls`, coturn also takes TURN over TLS and every
// browser trusts the lab's test CA. It must never leave anything running: close() ends every
// browser, the page server, the lobby and coturn, and deletes the namespaces, certificates and
// page files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { HostKind, SiteSpec } from '@tickwire/netlab';
import { BenchError } from '../../../errors.js';
import { startMatrixLab } from '../matrix-lab.js';
import type { MatrixLab } from '../matrix-lab.js';
import type { PairPeers } from '../run-pair.js';
import { BrowserPeer } from './browser-peer.js';
import { buildNatPage } from './page-bundle.js';

/** Compiled: the same relative path from src/suites/nat/browser and dist/suites/nat/browser. */
const PAGE_SERVER = fileURLToPath(
  new URL('../../../../dist/suites/nat/browser/page-server.js', import.meta.url),
);
const PAGE_PORT = 443;
const START_TIMEOUT_MS = 15_000;

export interface BrowserMatrixLab extends PairPeers {
  readonly matrix: MatrixLab;
  readonly pageUrl: string;
  readonly agent: (site: string, index?: number) => BrowserPeer;
  /** Closes every browser started so far (the next request starts a fresh one). */
  closeBrowsers(): Promise<void>;
  close(): Promise<void>;
}

export interface BrowserMatrixLabOptions {
  /** coturn also on TURN over TLS (5349, a test CA's certificate), handed out by the lobby; the
   * browsers trust that CA. Default false: TURN over UDP and TCP only. */
  readonly turnTls?: boolean;
}

export async function startBrowserMatrixLab(
  sites: Readonly<Record<string, HostKind | SiteSpec>>,
  options: BrowserMatrixLabOptions = {},
): Promise<BrowserMatrixLab> {
  const page = await buildNatPage();
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-nat-page-'));
  let matrix: MatrixLab | undefined;
  const peers = new Map<string, BrowserPeer>();
  const closeBrowsers = async (): Promise<void> => {
    const all = [...peers.values()];
    peers.clear();
    await Promise.all(all.map((p) => p.close()));
  };
  const close = async (): Promise<void> => {
    await closeBrowsers();
    await matrix?.close(); // kills the page server with everything else in the lab
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(join(dir, 'index.html'), page.html);
    await writeFile(join(dir, 'nat-peer.js'), page.script);
    const lab = await startMatrixLab(sites, { agents: false, turnTls: options.turnTls === true });
    matrix = lab;
    const server = lab.lab.server;
    const ip = lab.lab.serverAltIp;
    const child = server.spawn(
      process.execPath,
      [PAGE_SERVER, ip, String(PAGE_PORT), join(dir, 'index.html'), join(dir, 'nat-peer.js')],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BenchError('PEER_FAILED', 'the NAT page server did not start')),
        START_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout! }).once('line', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new BenchError('PEER_FAILED', `the NAT page server exited with ${code}`));
      });
    });
    const pageUrl = `http://${ip}:${PAGE_PORT}/`;
    return {
      matrix: lab,
      lobbyUrl: lab.lobbyUrl,
      pageUrl,
      agent(site, index = 0) {
        const key = `${site}/${index}`;
        let peer = peers.get(key);
        if (!peer) {
          const host = lab.lab.site(site).hosts[index];
          if (!host) throw new BenchError('PEER_FAILED', `no host ${key} in the lab`);
          peer = new BrowserPeer(host, pageUrl, lab.caFile);
          peers.set(key, peer);
        }
        return peer;
      },
      closeBrowsers,
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

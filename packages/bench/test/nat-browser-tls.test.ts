// TURN over TLS for real: a Chromium on a UDP-blocked network that lets TCP out only to 443 and
// 5349 (so TURN over TCP on 3478 is blocked too) meets a public Chromium through the lobby, which
// hands out coturn's turns: URL beside the others. coturn's certificate comes from a CA the lab
// makes for this run; the browsers trust it through an NSS database, certificate checks on. The
// blocked side must relay over TLS, in the transport's stats().path and in Chromium's own stats of
// the selected pair alike.
import { isNetlabSupported } from '@tickwire/netlab';
import { hasCertutil, hasChromium, hasOpenssl, hasTurnserver } from '@tickwire/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMatrixLab } from '../src/suites/nat/browser/browser-lab.js';
import type { BrowserMatrixLab } from '../src/suites/nat/browser/browser-lab.js';
import { TLS_PAIR, TLS_SITES, runBrowserPair } from '../src/suites/nat/browser/index.js';
import type { ProbedPair } from '../src/suites/nat/browser/page-probe.js';
import type { PairPeers } from '../src/suites/nat/run-pair.js';

const support = isNetlabSupported();

describe.skipIf(!support.ok || !hasTurnserver || !hasChromium || !hasOpenssl || !hasCertutil)(
  'NAT matrix: Chromium on a UDP-blocked network relays over TURN TLS',
  () => {
    let lab: BrowserMatrixLab;

    beforeAll(async () => {
      lab = await startBrowserMatrixLab(TLS_SITES, { turnTls: true });
    }, 120_000);

    afterAll(async () => {
      await lab?.close();
    }, 60_000);

    it(
      'public ~ UDP-blocked (TCP to 443/5349 only): both channels carry messages, the blocked side relays over TLS',
      { timeout: 240_000 },
      async () => {
        const tlsUrl = lab.matrix.turn.tls?.url;
        expect(tlsUrl).toBe(`turns:${lab.matrix.lab.server.ip}:5349?transport=tcp`);
        // Chromium's selected pair on each side, read just before the run closes the connections.
        const probed = new Map<string, ProbedPair | null>();
        const peers: PairPeers = {
          lobbyUrl: lab.lobbyUrl,
          agent: (site, index) => {
            const peer = lab.agent(site, index);
            return {
              ipc: {
                request: async <T>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T> => {
                  if (cmd === 'finish') probed.set(site, await peer.selectedPair());
                  return peer.ipc.request<T>(cmd, args, timeoutMs);
                },
              },
            };
          },
        };
        try {
          const run = await runBrowserPair(peers, TLS_PAIR);
          expect(run.ok, JSON.stringify(run.outcomes)).toBe(true);
          const [pub, blocked] = run.outcomes;
          for (const side of run.outcomes) {
            expect([...side.received].sort()).toEqual(['reliable', 'unreliable']);
            expect(side.iceUrls).toContain(tlsUrl);
          }
          expect(run.path).toBe('relay');
          expect(run.relayProtocol).toBe('tls');
          // The transport's view on the blocked side: its own candidate is coturn's, reached over TLS.
          expect(blocked.path?.type).toBe('relay');
          expect(blocked.path?.relayProtocol).toBe('tls');
          expect(blocked.path?.local).toMatchObject({ type: 'relay', address: lab.matrix.lab.server.ip });
          expect(blocked.localCandidates.some((c) => / typ relay\b/.test(c))).toBe(true);
          expect(blocked.localCandidates.some((c) => / typ srflx\b/.test(c))).toBe(false);
          // Chromium's own stats agree: the selected pair's local candidate is that relay, over TLS.
          const selected = probed.get(TLS_PAIR.b.site);
          expect(selected?.local).toEqual({
            candidateType: 'relay',
            address: blocked.path?.local.address,
            port: blocked.path?.local.port,
            relayProtocol: 'tls',
          });
          expect(pub.path?.type).toBe('relay');
        } finally {
          await lab.closeBrowsers();
        }
      },
    );
  },
);

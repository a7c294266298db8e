// The NAT matrix with Chromium peers, for real: each host of a pair runs the system's Chromium
// inside its lab namespace, loads the matrix page (lobby client + the transport's browser build,
// bundled by vite) from the lab's public server and meets its partner through the real lobby with
// coturn's credentials. One pair of each way a pair connects (the rest is `pnpm bench nat-browser`):
// symmetric ~ restricted cone only through a TURN relay over UDP; UDP-blocked ~ public through TURN
// over TCP (what a Node peer cannot do); double NAT ~ restricted cone hole-punched (srflx/prflx, no
// relay); two hosts behind one NAT over their LAN host addresses.
import { isNetlabSupported } from '@tickwire/netlab';
import { hasChromium, hasTurnserver } from '@tickwire/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMatrixLab } from '../src/suites/nat/browser/browser-lab.js';
import type { BrowserMatrixLab } from '../src/suites/nat/browser/browser-lab.js';
import { REPRESENTATIVE_PAIRS, runBrowserPair } from '../src/suites/nat/browser/index.js';
import { EXPECTED_PATHS, browserPairs, sitesFor } from '../src/suites/nat/pairs.js';
import type { PairSpec } from '../src/suites/nat/pairs.js';

const support = isNetlabSupported();
const quick: readonly string[] = REPRESENTATIVE_PAIRS;
const pairs = browserPairs().filter((p) => quick.includes(p.name));

describe.skipIf(!support.ok || !hasTurnserver || !hasChromium)('NAT matrix: Chromium peers', () => {
  let lab: BrowserMatrixLab;

  beforeAll(async () => {
    lab = await startBrowserMatrixLab(sitesFor(pairs));
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  it('runs the four representative pairs', () => {
    expect(pairs.map((p) => p.name).sort()).toEqual([...REPRESENTATIVE_PAIRS].sort());
  });

  it.each(pairs.map((p) => [p.name, p.expected, p] as const))(
    '%s: both channels carry messages over a %s path',
    { timeout: 240_000 },
    async (_name, expected, spec: PairSpec) => {
      try {
        // The first run after a pair's browsers launched meets cold pages (the bench reports it as
        // cold_open_ms: up to ~2 s, much of it before the connection starts); a page that slow can
        // outlast the first attempt's relay-fallback wait and open over a relay none needs (seen
        // once in CI: same-nat relayed). A player's page has been open a while when a match comes,
        // so the second run is the one whose path is checked; the first must connect all the same.
        const cold = await runBrowserPair(lab, spec);
        expect(cold.ok, JSON.stringify(cold.outcomes)).toBe(true);
        const run = await runBrowserPair(lab, spec);
        expect(run.ok, JSON.stringify(run.outcomes)).toBe(true);
        for (const side of run.outcomes) {
          expect([...side.received].sort()).toEqual(['reliable', 'unreliable']);
          expect(side.iceUrls).toEqual(expect.arrayContaining([lab.matrix.turn.url, lab.matrix.turn.tcpUrl]));
        }
        expect(EXPECTED_PATHS[expected as keyof typeof EXPECTED_PATHS]).toContain(run.path);
        const [a, b] = run.outcomes;
        const relays = [a, b].flatMap((o) => (o.path ? [o.path.local, o.path.remote] : []));
        if (expected !== 'relay') {
          expect(relays.filter((c) => c.type === 'relay')).toEqual([]);
          expect(run.fellBack).toBe(false);
          return;
        }
        // Through coturn on the public server.
        for (const c of relays.filter((c) => c.type === 'relay'))
          expect(c.address).toBe(lab.matrix.lab.server.ip);
        if (spec.b.kind === 'udp-blocked') {
          // The blocked browser gathered no UDP candidate that leaves its LAN: its relay is over TCP.
          expect(b.path?.local.type).toBe('relay');
          expect(b.path?.relayProtocol).toBe('tcp');
          expect(b.localCandidates.some((c) => / typ relay\b/.test(c))).toBe(true);
          expect(b.localCandidates.some((c) => / typ srflx\b/.test(c))).toBe(false);
        } else {
          // After the relay-only fallback Chromium nominates whichever relay pair answers first:
          // coturn over UDP in most runs, over TCP in some (both candidates were gathered).
          expect(['udp', 'tcp']).toContain(run.relayProtocol);
          expect(a.localCandidates.some((c) => / typ relay\b/.test(c))).toBe(true);
        }
      } finally {
        await lab.closeBrowsers();
      }
    },
  );
});

// `pnpm bench nat-browser` (root: network namespaces): the NAT matrix of `pnpm bench nat` with
// Chromium peers. Each host of a pair runs the system's Chromium inside its namespace, loads the
// matrix page from the lab's public server and meets its partner through the real lobby, with
// coturn's TURN over UDP and TCP; per pair: success rate, time from "match found" to both channels
// open (p50/p95), the path each run took and the relay protocol (a UDP-blocked browser relays over
// TCP). Then one pair in a lab of its own whose coturn also takes TURN over TLS: a browser on a
// network that lets TCP out only to 443 and 5349 relays over TLS. A pair's two browsers live for
// that pair's runs only, so at most two run at a time; the first run of a pair starts right after
// its browsers did, a cold page no player meets (one is matched after minutes in the lobby page),
// and it was the slow run of most pairs (0.15-2.4 s in the 2026-12-04 13:30 run, much of it before
// the connection starts: a page took the match late), so its time is reported apart
// (`cold_open_ms`) and the percentiles come from the warm runs.
import { BenchError } from '../../../errors.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../../result/types.js';
import { browserPairs, sitesFor } from '../pairs.js';
import type { PairSpec } from '../pairs.js';
import { failureNote, openChart, rows } from '../report.js';
import type { Case } from '../report.js';
import type { HostKind, SiteSpec } from '@tickwire/netlab';
import { runPair } from '../run-pair.js';
import type { PairPeers, PairRun } from '../run-pair.js';
import { startBrowserMatrixLab } from './browser-lab.js';
import type { BrowserMatrixLab } from './browser-lab.js';

/** The pairs the test (test/nat-browser.test.ts) runs: one of each way a pair can connect. */
export const REPRESENTATIVE_PAIRS = [
  'restricted-cone~symmetric',
  'public~udp-blocked',
  'double-nat~restricted-cone',
  'same-nat',
] as const;

/** `--quick`: the two relayed ones (TURN over UDP, TURN over TCP), within the CLI test's budget. */
const QUICK_PAIRS: readonly string[] = ['restricted-cone~symmetric', 'public~udp-blocked'];

/** Runs of each pair: one cold (see above) and five timed. */
const FULL_RUNS = 6;

/** The TLS pair's lab: a public host and a UDP-blocked one that may reach TCP 443 and 5349 only, so
 * TURN over TCP on 3478 is blocked too and coturn is reachable over TLS or not at all. */
export const TLS_SITES: Readonly<Record<string, HostKind | SiteSpec>> = {
  pub: 'public',
  blkt: { kind: 'udp-blocked', allowTcpPorts: [443, 5349] },
};

/** Runs in a lab started with `turnTls` (startBrowserMatrixLab(TLS_SITES, { turnTls: true })). */
export const TLS_PAIR: PairSpec = {
  name: 'public~udp-blocked@tls',
  a: { site: 'pub', index: 0, kind: 'public' },
  b: { site: 'blkt', index: 0, kind: 'udp-blocked' },
  expected: 'relay',
};

/** Runs one pair of the browser matrix (fresh lobby sessions and connections, same browsers). */
export function runBrowserPair(lab: PairPeers, spec: PairSpec): Promise<PairRun> {
  return runPair(lab, spec, { connectTimeoutMs: 15_000 });
}

export async function runNatBrowserSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const { isNetlabSupported } = await import('@tickwire/netlab');
  const { hasChromium, hasTurnserver } = await import('@tickwire/testkit');
  const support = isNetlabSupported();
  if (!support.ok) {
    throw new BenchError('NETLAB_UNSUPPORTED', `nat-browser needs the network lab: ${support.reason ?? ''}`);
  }
  if (!hasTurnserver || !hasChromium) {
    throw new BenchError('SUITE_UNAVAILABLE', 'nat-browser needs coturn (turnserver) and /usr/bin/chromium');
  }
  const all = browserPairs();
  const todo: Case[] = (options.quick ? all.filter((p) => QUICK_PAIRS.includes(p.name)) : all).map(
    (spec) => ({
      name: spec.name,
      spec,
      runs: options.quick ? 1 : FULL_RUNS,
    }),
  );
  const tlsCase: Case | undefined = options.quick
    ? undefined
    : { name: TLS_PAIR.name, spec: TLS_PAIR, runs: FULL_RUNS };
  const total = todo.reduce((n, c) => n + c.runs, 0) + (tlsCase?.runs ?? 0);
  let done = 0;
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const runCases = async (lab: BrowserMatrixLab, cases: readonly Case[]): Promise<void> => {
    for (const c of cases) {
      const runs: PairRun[] = [];
      try {
        for (let i = 0; i < c.runs; i += 1) {
          runs.push(await runBrowserPair(lab, c.spec));
          options.onProgress?.(++done / total);
        }
      } finally {
        await lab.closeBrowsers();
      }
      results.push(...rows(c, runs, { firstIsCold: true }));
      // The shared rows count UDP and TCP relays; this suite's TLS pair needs the third.
      if (c === tlsCase) {
        const tls = runs.filter((r) => r.ok && r.relayProtocol === 'tls').length;
        results.push({ name: c.name, metric: 'relay_over_tls', value: tls, unit: 'runs' });
      }
      const note = failureNote(c, runs);
      if (note) notes.push(note);
    }
  };
  const lab = await startBrowserMatrixLab(sitesFor(todo.map((c) => c.spec)));
  try {
    await runCases(lab, todo);
  } finally {
    await lab.close();
  }
  if (tlsCase) {
    const tlsLab = await startBrowserMatrixLab(TLS_SITES, { turnTls: true });
    try {
      await runCases(tlsLab, [tlsCase]);
    } finally {
      await tlsLab.close();
    }
  }
  return {
    results,
    charts: [openChart(results, 'nat-browser: match found → both channels open (Chromium)')],
    notes: [
      'Lab: the same internet lab, coturn and lobby as `nat` (tools/netlab createInternetLab; coturn use-auth-secret, TURN over UDP and TCP on 3478; the lobby on the server at 443). Each host runs Debian Chromium inside its namespace (testkit launchChromium({ namespace })), host candidates as addresses (WebRtcHideLocalIpsWithMdns off), and loads a page bundled by vite with the lobby client and the transport’s browser build from the server’s second address at 443.',
      'public~udp-blocked@tls: a lab of its own whose coturn also takes TURN over TLS on 5349 (a certificate for 10.200.0.10 from a CA the test makes with openssl; each Chromium trusts that CA through an NSS database in a throw-away HOME, certificate checks on), the lobby hands out turns:10.200.0.10:5349?transport=tcp beside the UDP and TCP URLs, and the UDP-blocked network lets TCP out to 443 and 5349 only; relay_over_tls = runs where the blocked side reached coturn over TLS.',
      'Each run: two fresh lobby sessions in the pages queue for a mode of their own, accept and connect with tickwire (native RTCPeerConnection) using the lobby-issued TURN credentials; success = both channels open on both sides and a message from the partner on each. open = first "match found" to the later side open (page clocks: performance.timeOrigin + now()); path_* = the least direct of both sides\' stats().path; relay_over_tcp = runs where a side reached coturn over TCP (UDP-blocked browsers). Six runs a pair: the first starts right after the pair\'s two browsers launched (a cold page) and its open time is cold_open_ms; the open/connect percentiles are over the other five; success and paths count all six.',
      ...notes,
    ],
  };
}

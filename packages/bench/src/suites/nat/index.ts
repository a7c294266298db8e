// `pnpm bench nat` (root: network namespaces): the NAT connectivity matrix with Node peers. One
// internet lab (tools/netlab) with every host kind, coturn and the real lobby on its public server;
// each pair meets through lobby matchmaking and connects with tickwire, several times. Per pair:
// success rate, time from "match found" to both channels open on both sides (p50/p95; also the
// part spent in connect() after "match ready"), the path each successful run took and the relay
// protocol. Pairs expected to need a relay, and public~symmetric (direct, the slowest to select a
// pair), run a second time with the previous default relayFallback.afterMs 1 500 (`@fallback1500`)
// for comparison. UDP-blocked pairs go through the lobby's WebSocket relay; `tried_turn` counts
// runs that made a TURN attempt first (a UDP-blocked Node side should skip it). ICE restart (`@restart`):
// once a pair is open, the NAT routers of both sites drop their UDP mappings (a router reboot, a
// mapping timeout; the lobby's TCP connection is kept) and the transport must notice and restore
// the path: detect, restart → open and broken → restored, p50/p95.
import { BenchError } from '../../errors.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { startMatrixLab } from './matrix-lab.js';
import type { MatrixLab } from './matrix-lab.js';
import { MATRIX_SITES, matrixPairs } from './pairs.js';
import type { PairSpec } from './pairs.js';
import { failureNote, openChart, restartRows, rows, unanswered } from './report.js';
import type { Case } from './report.js';
import { runPair } from './run-pair.js';
import type { PairRun } from './run-pair.js';

/** The relayFallback.afterMs default before 2026-12-04's second change (now 600 ms). */
const TUNED_FALLBACK_MS = 1_500;

interface Plan {
  readonly runs: number;
  /** Runs for UDP-blocked pairs (the lobby relay: each waits out two WebRTC attempts first). */
  readonly blockedRuns: number;
  readonly blockedPairs: number;
  readonly tuned: boolean;
  /** Runs of each ICE-restart pair (0: none). */
  readonly restartRuns: number;
}

const FULL: Plan = { runs: 8, blockedRuns: 4, blockedPairs: Infinity, tuned: true, restartRuns: 8 };
const QUICK: Plan = { runs: 1, blockedRuns: 1, blockedPairs: 1, tuned: false, restartRuns: 0 };
/**
 * A symmetric NAT that loses its mappings gives the next packet a new random port: a direct path
 * (full cone ~ symmetric) and a relayed one (symmetric ~ symmetric: coturn takes the new port for
 * a stranger) both break. A cone NAT keeps the port when it is free, so its path heals by itself.
 */
const RESTART_PAIRS = ['full-cone~symmetric', 'symmetric~symmetric'];

function cases(plan: Plan): Case[] {
  const all = matrixPairs();
  const out: Case[] = [];
  let blocked = 0;
  for (const spec of all) {
    if (spec.expected === 'lobby-relay') {
      if (blocked++ < plan.blockedPairs) out.push({ name: spec.name, spec, runs: plan.blockedRuns });
      continue;
    }
    out.push({ name: spec.name, spec, runs: plan.runs });
  }
  if (plan.tuned) {
    for (const spec of all.filter((p) => p.expected === 'relay' || p.name === 'public~symmetric')) {
      out.push({
        name: `${spec.name}@fallback${TUNED_FALLBACK_MS}`,
        spec,
        runs: plan.runs,
        relayFallbackAfterMs: TUNED_FALLBACK_MS,
      });
    }
  }
  if (plan.restartRuns > 0) {
    for (const spec of all.filter((p) => RESTART_PAIRS.includes(p.name))) {
      out.push({ name: `${spec.name}@restart`, spec, runs: plan.restartRuns, restart: true });
    }
  }
  return out;
}

/** Drops the UDP mappings of every NAT router of both sites (`conntrack -D -p udp`). */
function dropUdpMappings(lab: MatrixLab, spec: PairSpec): () => Promise<void> {
  return async () => {
    const routers = [spec.a.site, spec.b.site].flatMap((site) => lab.lab.site(site).routers);
    await Promise.all(
      routers.map((router) =>
        router.exec('conntrack', ['-D', '-p', 'udp']).catch((error: unknown) => {
          // conntrack exits 1 when there was nothing to delete, or when an entry it listed was gone
          // by the time it deleted it (seen once: "such conntrack doesn't exist"); both are fine.
          const message = String(error);
          if (!message.includes('0 flow entries') && !message.includes("such conntrack doesn't exist"))
            throw error;
        }),
      ),
    );
  };
}

export async function runNatSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const { isNetlabSupported } = await import('@tickwire/netlab');
  const { hasTurnserver } = await import('@tickwire/testkit');
  const support = isNetlabSupported();
  if (!support.ok) {
    throw new BenchError(
      'NETLAB_UNSUPPORTED',
      `the nat suite needs the network lab: ${support.reason ?? 'unsupported'}`,
    );
  }
  if (!hasTurnserver) throw new BenchError('SUITE_UNAVAILABLE', 'the nat suite needs coturn (turnserver)');
  const plan = options.quick ? QUICK : FULL;
  const todo = cases(plan);
  const total = todo.reduce((n, c) => n + c.runs, 0);
  let done = 0;
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const lab = await startMatrixLab(MATRIX_SITES);
  try {
    for (const c of todo) {
      const runs: PairRun[] = [];
      for (let i = 0; i < c.runs; i += 1) {
        const runOptions = {
          connectTimeoutMs: 15_000,
          ...(c.relayFallbackAfterMs === undefined ? {} : { relayFallbackAfterMs: c.relayFallbackAfterMs }),
          ...(c.wsRelay === undefined ? {} : { wsRelay: c.wsRelay }),
          ...(c.restart ? { breakPath: dropUdpMappings(lab, c.spec) } : {}),
          ...(c.restartSilenceMs === undefined ? {} : { restartSilenceMs: c.restartSilenceMs }),
        };
        // One run whose agent does not answer counts as a failed run; the suite goes on.
        runs.push(await runPair(lab, c.spec, runOptions).catch((error: unknown) => unanswered(error)));
        options.onProgress?.(++done / total);
      }
      results.push(...rows(c, runs));
      if (c.restart) results.push(...restartRows(c, runs));
      const note = failureNote(c, runs);
      if (note) notes.push(note);
    }
  } finally {
    await lab.close();
  }
  return {
    results,
    charts: [openChart(results)],
    notes: [
      'Lab: tools/netlab createInternetLab, one namespace per host, NAT routers with iptables (full cone = MASQUERADE + DNAT of inbound UDP; restricted cone = MASQUERADE; symmetric = MASQUERADE --random-fully; UDP-blocked = only TCP to 443/3478/5349; double NAT = restricted cone behind a restricted-cone carrier NAT; same-nat = two hosts on one restricted-cone LAN). No delay or loss on the paths.',
      'Each run: two fresh lobby sessions queue for a mode of their own, accept the match, and connect with tickwire (Node, node-datachannel 0.33.4) using the lobby-issued TURN credentials (coturn use-auth-secret: stun + turn udp + turn tcp on 3478) and the lobby as signaler; success = both channels open on both sides and a message from the partner on each channel. open = first "match found" to the later side open (includes the accept round trip); connect = later "match ready" to the later side open.',
      "path_* = runs per selected path, the least direct of both sides' views (stats().path); relay_over_udp = runs through a relay this side reached over UDP. UDP-blocked Node peers gather only host candidates (libjuice has no TURN over TCP): they connect through the lobby relay (path lobby-relay, the lobby's WebSocket on TCP 443), straight after the first attempt once a side's probe found no STUN answer within 500 ms (tried_turn = runs that made a TURN attempt first), and are run fewer times. Defaults: relayFallback.afterMs 600 ms (plus up to 400 ms while the peer's candidates are fresh), wsRelay.afterMs 1 s; @fallback1500 = the previous relayFallback default.",
      "ICE restart (@restart): once the pair is open and has exchanged, every NAT router of both sites drops its UDP mappings (`conntrack -D -p udp`; the lobby keeps its TCP connection) while both sides keep sending. detect = broken → the first `restarting`; restart_to_open = that → the later side's `restored`; broken_to_restored = the sum. iceRestart.silenceMs is the transport's default.",
      ...notes,
    ],
  };
}

// `pnpm bench nat` (root: network namespaces): the NAT connectivity matrix with Node peers. One
// internet lab (tools/netlab) with every host kind, coturn and the real lobby on its public server;
// each pair meets through lobby matchmaking and connects with tickwire, several times. Per pair:
// success rate, time from "match found" to both channels open on both sides (p50/p95; also the
// part spent in connect() after "match ready"), the path each successful run took and the relay
// protocol. Pairs expected to need a relay run a second time with relayFallback.afterMs 1 500
// (`@fallback1500`): what a game that wants relayed pairs open within 2 s can set. ICE restart
// (`@restart`): once a pair is open, the NAT routers of both sites drop their UDP mappings (a
// router reboot, a mapping timeout; the lobby's TCP connection is kept) and the transport must
// notice and restore the path: detect, restart → open and broken → restored, p50/p95.
import { BenchError } from '../../errors.js';
import type { Chart } from '../../report/chart-types.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { percentile } from '../../stats/percentile.js';
import { startMatrixLab } from './matrix-lab.js';
import type { MatrixLab } from './matrix-lab.js';
import { MATRIX_SITES, matrixPairs } from './pairs.js';
import type { PairSpec } from './pairs.js';
import { runPair } from './run-pair.js';
import type { PairRun } from './run-pair.js';

const TUNED_FALLBACK_MS = 1_500;

interface Plan {
  readonly runs: number;
  /** Runs for pairs expected to fail (UDP-blocked Node peers): they all fail the same way. */
  readonly blockedRuns: number;
  readonly blockedPairs: number;
  readonly tuned: boolean;
  /** Runs of each ICE-restart pair (0: none). */
  readonly restartRuns: number;
}

const FULL: Plan = { runs: 8, blockedRuns: 2, blockedPairs: Infinity, tuned: true, restartRuns: 8 };
const QUICK: Plan = { runs: 1, blockedRuns: 1, blockedPairs: 1, tuned: false, restartRuns: 0 };
/**
 * A symmetric NAT that loses its mappings gives the next packet a new random port: a direct path
 * (full cone ~ symmetric) and a relayed one (symmetric ~ symmetric: coturn takes the new port for
 * a stranger) both break. A cone NAT keeps the port when it is free, so its path heals by itself.
 */
const RESTART_PAIRS = ['full-cone~symmetric', 'symmetric~symmetric'];

interface Case {
  readonly name: string;
  readonly spec: PairSpec;
  readonly runs: number;
  readonly relayFallbackAfterMs?: number;
  readonly restart?: boolean;
}

function cases(plan: Plan): Case[] {
  const all = matrixPairs();
  const out: Case[] = [];
  let blocked = 0;
  for (const spec of all) {
    if (spec.expected === 'needs-ws-relay') {
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

function restartRows(c: Case, runs: readonly PairRun[]): BenchResult[] {
  const all = runs.filter((r) => r.restart !== undefined);
  // A path that survived the break needed no restart: counted apart, not as a failed restart.
  const healed = all.filter((r) => r.restart!.healed);
  const measured = all.filter((r) => !r.restart!.healed);
  const ok = measured.filter((r) => r.restart!.ok);
  const values = (key: 'detectMs' | 'restartMs' | 'brokenToRestoredMs'): number[] =>
    ok.flatMap((r) => (r.restart![key] === undefined ? [] : [r.restart![key]!]));
  const row = (metric: string, value: number, unit: string): BenchResult => ({
    name: c.name,
    metric,
    value,
    unit,
  });
  const out = [
    row('restart_runs', measured.length, 'runs'),
    row('healed_without_restart', healed.length, 'runs'),
    row('restart_success_rate', measured.length === 0 ? 0 : ok.length / measured.length, 'ratio'),
  ];
  const detect = values('detectMs');
  const restart = values('restartMs');
  const total = values('brokenToRestoredMs');
  if (restart.length > 0) {
    out.push(
      row('restart_detect_p50_ms', percentile(detect, 0.5), 'ms'),
      row('restart_to_open_p50_ms', percentile(restart, 0.5), 'ms'),
      row('restart_to_open_p95_ms', percentile(restart, 0.95), 'ms'),
      row('broken_to_restored_p50_ms', percentile(total, 0.5), 'ms'),
      row('broken_to_restored_p95_ms', percentile(total, 0.95), 'ms'),
    );
  }
  return out;
}

function rows(c: Case, runs: readonly PairRun[]): BenchResult[] {
  const ok = runs.filter((r) => r.ok);
  const open = ok.flatMap((r) => (r.openMs === undefined ? [] : [r.openMs]));
  const connect = ok.flatMap((r) => (r.connectMs === undefined ? [] : [r.connectMs]));
  const count = (path: string): number => ok.filter((r) => r.path === path).length;
  const row = (metric: string, value: number, unit: string): BenchResult => ({
    name: c.name,
    metric,
    value,
    unit,
  });
  const out = [row('runs', runs.length, 'runs'), row('success_rate', ok.length / runs.length, 'ratio')];
  if (open.length > 0) {
    out.push(
      row('open_p50_ms', percentile(open, 0.5), 'ms'),
      row('open_p95_ms', percentile(open, 0.95), 'ms'),
      row('connect_p50_ms', percentile(connect, 0.5), 'ms'),
      row('connect_p95_ms', percentile(connect, 0.95), 'ms'),
    );
  }
  for (const path of ['host', 'srflx', 'prflx', 'relay']) out.push(row(`path_${path}`, count(path), 'runs'));
  out.push(row('relay_over_udp', ok.filter((r) => r.relayProtocol === 'udp').length, 'runs'));
  out.push(row('fell_back', runs.filter((r) => r.fellBack).length, 'runs'));
  return out;
}

function failureNote(c: Case, runs: readonly PairRun[]): string | undefined {
  const failed = runs.find((r) => !r.ok);
  if (!failed) return undefined;
  const sides = failed.outcomes.map((o) => {
    const types = [...new Set(o.localCandidates.map((l) => / typ (\w+)/.exec(l)?.[1] ?? '?'))];
    return `${o.role ?? '?'} gathered [${types.join(', ')}]${o.error ? ` (${o.error.code ?? ''} ${o.error.message})` : ''}`;
  });
  return `${c.name} (expected: ${c.spec.expected}): ${runs.filter((r) => !r.ok).length}/${runs.length} failed; e.g. ${sides.join('; ')}.`;
}

const SHORT: Record<string, string> = {
  public: 'P',
  'full-cone': 'F',
  'restricted-cone': 'R',
  symmetric: 'S',
  'udp-blocked': 'B',
  'double-nat': 'D',
};

/** Chart label: `restricted-cone~symmetric@fallback1500` → `RS'` (the chart has ~18 groups). */
export function shortPairLabel(name: string): string {
  if (name === 'same-nat') return 'LAN';
  const [pair = '', variant] = name.split('@');
  const label = pair
    .split('~')
    .map((kind) => SHORT[kind] ?? kind)
    .join('');
  return variant === undefined ? label : `${label}'`;
}

/**
 * p50/p95 time to open per pair that opened (the ones that did not have no bar). Labels: P public,
 * F full cone, R restricted cone, S symmetric, D double NAT, LAN same NAT, ' = afterMs 1500.
 */
function openChart(results: readonly BenchResult[]): Chart {
  const names = [
    ...new Set(
      results.filter((r) => r.metric === 'open_p50_ms' && !r.name.endsWith('@restart')).map((r) => r.name),
    ),
  ];
  const value = (name: string, metric: string): number =>
    results.find((r) => r.name === name && r.metric === metric)?.value ?? Number.NaN;
  return {
    kind: 'bar',
    title: "nat: match found → open (' = fallback 1.5 s)",
    yLabel: 'ms',
    groups: names.map((name) => ({
      label: shortPairLabel(name),
      values: [
        { series: 'p50', value: value(name, 'open_p50_ms') },
        { series: 'p95', value: value(name, 'open_p95_ms') },
      ],
    })),
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
        runs.push(
          await runPair(lab, c.spec, {
            connectTimeoutMs: c.spec.expected === 'needs-ws-relay' ? 8_000 : 15_000,
            ...(c.relayFallbackAfterMs === undefined ? {} : { relayFallbackAfterMs: c.relayFallbackAfterMs }),
            ...(c.restart ? { breakPath: dropUdpMappings(lab, c.spec) } : {}),
          }),
        );
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
      "path_* = runs per selected path, the least direct of both sides' views (stats().path); relay_over_udp = runs through a relay this side reached over UDP. UDP-blocked Node peers gather only host candidates (libjuice has no TURN over TCP): they need the WebSocket relay and are run fewer times.",
      "ICE restart (@restart): once the pair is open and has exchanged, every NAT router of both sites drops its UDP mappings (`conntrack -D -p udp`; the lobby keeps its TCP connection) while both sides keep sending. detect = broken → the first `restarting`; restart_to_open = that → the later side's `restored`; broken_to_restored = the sum. iceRestart.silenceMs is the default 2 s.",
      ...notes,
    ],
  };
}

// How a NAT-matrix run becomes bench rows, notes and a chart; shared by the Node (`nat`) and the
// Chromium (`nat-browser`) suites, so both tables read the same.
import type { Chart } from '../../report/chart-types.js';
import type { BenchResult } from '../../result/types.js';
import { percentile } from '../../stats/percentile.js';
import type { PairSpec } from './pairs.js';
import type { PairRun } from './run-pair.js';

export interface Case {
  readonly name: string;
  readonly spec: PairSpec;
  readonly runs: number;
  readonly relayFallbackAfterMs?: number;
  readonly wsRelay?: number;
  /** An ICE-restart case (`@restart`): the path is broken once open, and the restart measured. */
  readonly restart?: boolean;
  /** The transport's iceRestart.silenceMs in a restart case (default: the transport's). */
  readonly restartSilenceMs?: number;
}

/** A row maker for one case's rows. */
function rowOf(c: Case): (metric: string, value: number, unit: string) => BenchResult {
  return (metric, value, unit) => ({ name: c.name, metric, value, unit });
}

export interface RowOptions {
  /**
   * The first run is a cold start (the Chromium suite launches a pair's two browsers right before
   * it): its open time is reported alone as `cold_open_ms`, and the percentiles come from the
   * other runs. Success and paths still count every run.
   */
  readonly firstIsCold?: boolean;
}

export function rows(c: Case, runs: readonly PairRun[], options: RowOptions = {}): BenchResult[] {
  const ok = runs.filter((r) => r.ok);
  const cold = options.firstIsCold === true && runs.length > 1 ? runs[0] : undefined;
  const timed = ok.filter((r) => r !== cold);
  const open = timed.flatMap((r) => (r.openMs === undefined ? [] : [r.openMs]));
  const connect = timed.flatMap((r) => (r.connectMs === undefined ? [] : [r.connectMs]));
  const count = (path: string): number => ok.filter((r) => r.path === path).length;
  const row = rowOf(c);
  const out = [row('runs', runs.length, 'runs'), row('success_rate', ok.length / runs.length, 'ratio')];
  if (open.length > 0) {
    out.push(
      row('open_p50_ms', percentile(open, 0.5), 'ms'),
      row('open_p95_ms', percentile(open, 0.95), 'ms'),
      row('connect_p50_ms', percentile(connect, 0.5), 'ms'),
      row('connect_p95_ms', percentile(connect, 0.95), 'ms'),
    );
  }
  if (cold?.ok && cold.openMs !== undefined) out.push(row('cold_open_ms', cold.openMs, 'ms'));
  for (const path of ['host', 'srflx', 'prflx', 'relay', 'lobby-relay']) {
    out.push(row(`path_${path.replace('-', '_')}`, count(path), 'runs'));
  }
  out.push(row('relay_over_udp', ok.filter((r) => r.relayProtocol === 'udp').length, 'runs'));
  out.push(row('relay_over_tcp', ok.filter((r) => r.relayProtocol === 'tcp').length, 'runs'));
  out.push(row('fell_back', runs.filter((r) => r.fellBack).length, 'runs'));
  out.push(row('tried_turn', runs.filter((r) => r.triedTurn).length, 'runs'));
  return out;
}

/** The ICE-restart rows of a `@restart` case: detect, restart → open, broken → restored. */
export function restartRows(c: Case, runs: readonly PairRun[]): BenchResult[] {
  const all = runs.filter((r) => r.restart !== undefined);
  // A path that survived the break needed no restart: counted apart, not as a failed restart.
  const healed = all.filter((r) => r.restart!.healed);
  const measured = all.filter((r) => !r.restart!.healed);
  const ok = measured.filter((r) => r.restart!.ok);
  const values = (key: 'detectMs' | 'restartMs' | 'brokenToRestoredMs'): number[] =>
    ok.flatMap((r) => (r.restart![key] === undefined ? [] : [r.restart![key]!]));
  const row = rowOf(c);
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

export function failureNote(c: Case, runs: readonly PairRun[]): string | undefined {
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
export function openChart(
  results: readonly BenchResult[],
  title = "nat: match found → open (' = fallback 1.5 s)",
): Chart {
  const names = [
    ...new Set(
      results.filter((r) => r.metric === 'open_p50_ms' && !r.name.endsWith('@restart')).map((r) => r.name),
    ),
  ];
  const value = (name: string, metric: string): number =>
    results.find((r) => r.name === name && r.metric === metric)?.value ?? Number.NaN;
  return {
    kind: 'bar',
    title,
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

/** A run the orchestrator gave up on (an agent did not answer): failed, with the reason. */
export function unanswered(error: unknown): PairRun {
  const side = {
    ok: false,
    received: [],
    localCandidates: [],
    sentSetups: [],
    iceUrls: [],
    relayFallbacks: [],
    error: { message: error instanceof Error ? error.message : String(error), step: 'ipc' },
  } as const;
  return { ok: false, fellBack: false, triedTurn: false, outcomes: [side, side] };
}

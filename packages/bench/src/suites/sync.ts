// `pnpm bench sync`: bytes per tick and encode/decode CPU time of shipping one seeded game world
// (64 players + 256 NPCs, 60 Hz, 600 ticks) to one client with full interest, through JSON and
// msgpackr of the full state, @colyseus/schema (float32 and quantized fields, its own delta
// encoding and decoder) and tickwire's quantized, bit-packed deltas (acks on time, 6 and 12 ticks
// late, and 6 late without chained deltas).
// Limits: one process, no network (payload bytes only, no transport framing), 2 shared cores, so
// timings carry noise: contenders take turns, two warm-up rounds, then the median of measured passes.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { colyseusContender } from './sync/colyseus.js';
import type { ContenderFactory } from './sync/contender.js';
import { jsonContender, msgpackrContender } from './sync/full-state.js';
import { buildScenario, NPCS, PLAYERS, type Scenario } from './sync/scenario.js';
import { tickwireContender } from './sync/tickwire.js';

export interface SyncSuiteResult {
  name: string;
  metric: string;
  value: number;
  unit: string;
}

const TICKS = 600;

const colyseusQuantized = colyseusContender(true);

const CONTENDERS: ContenderFactory[] = [
  jsonContender,
  msgpackrContender,
  colyseusContender(false),
  colyseusQuantized,
  tickwireContender(1),
  // Acks 6 and 12 ticks late (100 and 200 ms RTT at 60 Hz): the acked baseline is that old.
  tickwireContender(6, 'tickwire-ack-lag-6'),
  tickwireContender(12, 'tickwire-ack-lag-12'),
  // The same without chained deltas (every delta against the acked tick), for comparison.
  tickwireContender(6, 'tickwire-ack-lag-6-unchained', 1),
];

interface Pass {
  name: string;
  firstBytes: number;
  bytes: number[];
  encodeUs: number;
  decodeUs: number;
}

function runPass(factory: ContenderFactory, scenario: Scenario): Pass {
  const contender = factory(scenario.initial);
  const first = contender.encode(undefined);
  contender.decode(first);
  const bytes: number[] = [];
  let encodeMs = 0;
  let decodeMs = 0;
  for (const ops of scenario.ticks) {
    const t0 = cpuMs();
    const payloads = contender.encode(ops);
    const t1 = cpuMs();
    contender.decode(payloads);
    const t2 = cpuMs();
    encodeMs += t1 - t0;
    decodeMs += t2 - t1;
    let size = 0;
    for (const p of payloads) size += p.byteLength;
    bytes.push(size);
  }
  // Every contender must end with the full world on the client, or its numbers mean nothing.
  if (contender.clientCount() !== PLAYERS + NPCS) {
    throw new Error(
      `sync suite: ${contender.name} ends with ${contender.clientCount()} entities on the client`,
    );
  }
  return {
    name: contender.name,
    firstBytes: first.reduce((n, p) => n + p.byteLength, 0),
    bytes,
    encodeUs: (encodeMs * 1000) / scenario.ticks.length,
    decodeUs: (decodeMs * 1000) / scenario.ticks.length,
  };
}

/**
 * Process CPU time (user + system), not wall time: on a shared machine wall time counts the
 * moments another process held the core, which swamped the contenders' differences.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// Nearest-rank p95 (always a sample), not compare's interpolated (type 7) one: kept so the published numbers do not move.
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

export async function runSyncSuite(opts: {
  quick: boolean;
  onProgress?: (fraction: number) => void;
}): Promise<SyncSuiteResult[]> {
  const scenario = buildScenario(TICKS);
  // Contenders take turns pass by pass, so a burst of load from elsewhere on the machine hits all
  // of them alike; the first passes warm the JIT up and are not counted.
  const warmup = 2;
  const rounds = warmup + (opts.quick ? 3 : 9);
  const passes: Pass[][] = CONTENDERS.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let c = 0; c < CONTENDERS.length; c++) {
      const pass = runPass(CONTENDERS[c]!, scenario);
      if (round >= warmup) passes[c]!.push(pass);
      opts.onProgress?.((round * CONTENDERS.length + c + 1) / (rounds * CONTENDERS.length));
      await yieldToLoop();
    }
  }
  const results: SyncSuiteResult[] = [];
  // Targets (issue 12) are ratios to Colyseus quantized at the same precision, in the same run.
  const reference = passes[CONTENDERS.findIndex((c) => c === colyseusQuantized)]!;
  const refBytes = meanOf(reference[0]!.bytes);
  const refCpu = median(reference.map((p) => p.encodeUs + p.decodeUs));
  for (const measured of passes) {
    const pass = measured[0]!;
    const mean = meanOf(pass.bytes);
    const cpu = median(measured.map((p) => p.encodeUs + p.decodeUs));
    results.push(
      { name: pass.name, metric: 'first_snapshot_bytes', value: pass.firstBytes, unit: 'bytes' },
      { name: pass.name, metric: 'bytes_per_tick_mean', value: Math.round(mean * 10) / 10, unit: 'bytes' },
      { name: pass.name, metric: 'bytes_per_tick_p95', value: p95(pass.bytes), unit: 'bytes' },
      {
        name: pass.name,
        metric: 'encode_us_per_tick',
        value: round2(median(measured.map((p) => p.encodeUs))),
        unit: 'us',
      },
      {
        name: pass.name,
        metric: 'decode_us_per_tick',
        value: round2(median(measured.map((p) => p.decodeUs))),
        unit: 'us',
      },
    );
    if (pass.name.startsWith('tickwire'))
      results.push(
        {
          name: pass.name,
          metric: 'bytes_ratio_vs_colyseus_q',
          value: round3(mean / refBytes),
          unit: 'ratio',
        },
        { name: pass.name, metric: 'cpu_ratio_vs_colyseus_q', value: round3(cpu / refCpu), unit: 'ratio' },
      );
  }
  return results;
}

function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

// rtt suite: cross-process ping-pong on loopback, 64-byte payloads, one message in flight, for raw
// UDP, ws, raw node-datachannel (unreliable/reliable) and tickwire (unreliable/reliable), all in
// one run. Contenders take turns in short blocks (rotating who goes first), so load from other
// processes on the 2 shared cores lands on all of them alike; tickwire/ndc ratios come from the
// same run. Reports p50/p99/p999 RTT (type-7 percentiles) and sequential round trips per second.
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { spawnWorker } from '../../ipc/spawn.js';
import { releaseNative } from '../../peers/native.js';
import { cdfPoints } from '../../stats/distribution.js';
import { percentile, summarize } from '../../stats/percentile.js';
import type { Summary } from '../../stats/percentile.js';
import { openContenders } from './contenders.js';
import type { RttContenderName } from './contenders.js';
import { runBlock } from './ping-pong.js';

const PAYLOAD_BYTES = 64;

interface Plan {
  warmup: number;
  rounds: number;
  block: number;
}

const FULL: Plan = { warmup: 2000, rounds: 25, block: 2000 };
const QUICK: Plan = { warmup: 200, rounds: 4, block: 500 };

interface Tally {
  samples: number[];
  /** p50 and p99 of each block, in round order (for the paired, per-round ratios). */
  blocks: Array<{ p50: number; p99: number }>;
  lost: number;
  elapsedMs: number;
}

/** Median over rounds of tickwire's block percentile over ndc's block percentile of the same round. */
function pairedRatio(tw: Tally, ndc: Tally, key: 'p50' | 'p99'): number {
  const ratios = tw.blocks
    .map((b, i) => b[key] / (ndc.blocks[i]?.[key] ?? Number.NaN))
    .filter(Number.isFinite);
  return percentile(ratios, 0.5);
}

function ratioRows(
  stats: Map<RttContenderName, Summary>,
  tallies: Map<RttContenderName, Tally>,
): BenchResult[] {
  const rows: BenchResult[] = [];
  for (const kind of ['unreliable', 'reliable'] as const) {
    const tw = stats.get(`tickwire-${kind}`);
    const ndc = stats.get(`ndc-${kind}`);
    const twT = tallies.get(`tickwire-${kind}`);
    const ndcT = tallies.get(`ndc-${kind}`);
    if (!tw || !ndc || !twT || !ndcT) continue;
    rows.push({
      name: `tickwire-${kind}`,
      metric: 'p50_ratio_vs_ndc',
      value: tw.p50 / ndc.p50,
      unit: 'ratio',
    });
    rows.push({
      name: `tickwire-${kind}`,
      metric: 'p99_ratio_vs_ndc',
      value: tw.p99 / ndc.p99,
      unit: 'ratio',
    });
    if (twT.blocks.length > 1) {
      for (const key of ['p50', 'p99'] as const) {
        const value = pairedRatio(twT, ndcT, key);
        rows.push({ name: `tickwire-${kind}`, metric: `${key}_ratio_paired`, value, unit: 'ratio' });
      }
    }
  }
  return rows;
}

export async function runRttSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const plan = options.quick ? QUICK : FULL;
  const worker = await spawnWorker(new URL('./echo-worker.js', import.meta.url));
  try {
    const open = await openContenders(worker.ipc);
    try {
      const { contenders } = open;
      for (const c of contenders) await runBlock(c, plan.warmup, PAYLOAD_BYTES);
      const tallies = new Map<RttContenderName, Tally>(
        contenders.map((c) => [c.name, { samples: [], blocks: [], lost: 0, elapsedMs: 0 }]),
      );
      const totalBlocks = plan.rounds * contenders.length;
      let finished = 0;
      for (let round = 0; round < plan.rounds; round++) {
        for (let i = 0; i < contenders.length; i++) {
          const c = contenders[(i + round) % contenders.length];
          if (!c) continue;
          const block = await runBlock(c, plan.block, PAYLOAD_BYTES);
          const tally = tallies.get(c.name) as Tally;
          for (const v of block.rttUs) tally.samples.push(v);
          const blockStats = summarize([...block.rttUs]);
          tally.blocks.push({ p50: blockStats.p50, p99: blockStats.p99 });
          tally.lost += block.lost;
          tally.elapsedMs += block.elapsedMs;
          options.onProgress?.(++finished / totalBlocks);
        }
      }
      const results: BenchResult[] = [];
      const stats = new Map<RttContenderName, Summary>();
      for (const [name, tally] of tallies) {
        const s = summarize(tally.samples);
        stats.set(name, s);
        results.push(
          { name, metric: 'rtt_p50', value: s.p50, unit: 'us' },
          { name, metric: 'rtt_p99', value: s.p99, unit: 'us' },
          { name, metric: 'rtt_p999', value: s.p999, unit: 'us' },
          {
            name,
            metric: 'msgs_per_s',
            value: (tally.samples.length / tally.elapsedMs) * 1000,
            unit: 'msgs/s',
          },
        );
        if (tally.lost > 0) results.push({ name, metric: 'lost', value: tally.lost, unit: 'msgs' });
      }
      results.push(...ratioRows(stats, tallies));
      const samplesEach = plan.rounds * plan.block;
      return {
        results,
        charts: [
          {
            kind: 'line',
            title: `Loopback RTT by percentile (${PAYLOAD_BYTES} B, ${samplesEach.toLocaleString('en-US')} samples each)`,
            xLabel: 'percentile',
            yLabel: 'round-trip time (µs)',
            xScale: 'tail',
            yScale: 'log',
            series: [...tallies].map(([name, t]) => ({
              name,
              points: cdfPoints(t.samples)
                .filter((p) => p.p < 1)
                .map((p) => [p.p, p.value] as [number, number]),
            })),
          },
        ],
        notes: [
          `${samplesEach} round trips per contender (${plan.rounds} interleaved blocks of ${plan.block}, after ${plan.warmup} warm-up), ${PAYLOAD_BYTES}-byte payloads, pinger and echo in two processes on loopback.`,
          'msgs_per_s counts sequential round trips with one message in flight (a latency figure, not a throughput limit: see the throughput suite).',
          "Percentiles: linear interpolation between closest ranks (type 7). Both processes share the 2 cores with everything else running; ratios compare contenders of the same run: *_ratio_vs_ndc pools all samples, *_ratio_paired is the median over rounds of the ratio between the two contenders' blocks of the same round (less sensitive to load bursts).",
        ],
      };
    } finally {
      await open.close();
      await releaseNative();
    }
  } finally {
    await worker.stop();
  }
}

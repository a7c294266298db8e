// loss suite: why data channels exist for games. A 60 Hz stream of stamped 200-byte states from
// an authority (netlab host A) to a client (host B) over a 40 ms RTT link with 0-20 % random loss
// on the router's forwarding path (both directions), through tickwire unreliable/reliable (SCTP
// defaults and tuned), raw node-datachannel and ws over TCP, all streaming at the same time.
// Reports staleness of the newest state at the client, delivered fraction and longest stall.
import { BenchError } from '../../errors.js';
import type { Chart } from '../../report/chart-types.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import type { StalenessResult } from '../../stats/staleness.js';
import { stalenessRows, streamName } from './analyze.js';
import { runPhase } from './phase.js';
import { FULL_PLAN, QUICK_PLAN, RTT_MS, TUNED_PROBES, TUNED_SCTP, mainGroups, sweepBatches } from './plan.js';
import { MESSAGE_BYTES, STREAM_HZ } from './streams.js';
import { targetRows } from './targets.js';

export async function runLossSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const { createLink, isNetlabSupported } = await import('@tickwire/netlab');
  const support = isNetlabSupported();
  if (!support.ok)
    throw new BenchError(
      'NETLAB_UNSUPPORTED',
      `the loss suite needs the network lab: ${support.reason ?? 'unsupported'}`,
    );
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const graceMs = options.quick ? 1500 : 3000;
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const byName = new Map<string, StalenessResult>();
  const timing = { warmMs: plan.warmMs, measureMs: plan.measureMs, graceMs };
  const sweepTiming = { ...timing, measureMs: plan.sweepMeasureMs };
  const batches = sweepBatches();
  const phases = plan.lossPercents.length + plan.sweepAt.length * batches.length;
  let done = 0;
  const link = await createLink({ rttMs: RTT_MS, lossPercent: 0 });
  try {
    for (const loss of plan.lossPercents) {
      const phase = await runPhase(link, mainGroups(), loss, timing);
      for (const [name, r] of phase.streams) {
        byName.set(name, r);
        results.push(...stalenessRows(name, r));
      }
      notes.push(`${loss}%: ${phase.linkNote}.`);
      options.onProgress?.(++done / phases);
    }
    for (const loss of plan.sweepAt) {
      for (const [k, batch] of batches.entries()) {
        const phase = await runPhase(link, batch, loss, sweepTiming);
        const control = phase.streams.get(`control-${k}@${loss}%`);
        for (const [name, r] of phase.streams) {
          if (name.startsWith('control-')) continue;
          results.push(...stalenessRows(name, r));
          if (control && control.p99Ms > 0) {
            results.push({
              name,
              metric: 'p99_ratio_vs_defaults',
              value: r.p99Ms / control.p99Ms,
              unit: 'ratio',
            });
          }
        }
        options.onProgress?.(++done / phases);
      }
    }
  } finally {
    await link.close();
  }
  const targets = targetRows(byName);
  results.push(...targets.rows);
  return {
    results,
    charts: charts(byName, plan.lossPercents),
    notes: [
      ...targets.verdicts,
      `Link: ${RTT_MS} ms RTT (TUN delay forwarder in a router namespace), random loss on the router's forwarding hop in both directions; ${STREAM_HZ} Hz, ${MESSAGE_BYTES}-byte stamped states; every stream runs at the same time on its own connection, opened loss-free; ${plan.warmMs / 1000} s warm-up, then ${plan.measureMs / 1000} s measured.`,
      'Staleness = at each millisecond, age of the newest state the client has (time-weighted, computed from the arrival log; includes the 20 ms one-way delay and up to one 16.7 ms tick). delivered_fraction counts states of the measured window that arrived within the run plus a short grace period; longest_stall_ms is the longest time with no newer state.',
      `tickwire-reliable-tuned is tickwire's reliable channel with the transport's reliableLossProbes on (${JSON.stringify(TUNED_PROBES)}: after each reliable send, ${TUNED_PROBES.count} empty unreliable frames ${TUNED_PROBES.gapMs} ms apart on the same connection, so SCTP's fast retransmit, three SACKs reporting the gap, fires within a few ms instead of three ticks later) and default SCTP settings. -sctp streams use setSctpSettings(${JSON.stringify(TUNED_SCTP)}) in both processes instead: node-datachannel 0.33.4 exposes no retransmission-timeout settings (libdatachannel's minRetransmitTimeout, 200 ms by default, is not passed through), and no setting it does expose beat the defaults in the sweep. -<variant> streams (sweep, plan.ts) run in phases of their own, a few at a time next to a default-settings control stream; p99_ratio_vs_defaults compares each with that control.`,
      ...notes,
    ],
  };
}

function charts(byName: ReadonlyMap<string, StalenessResult>, levels: readonly number[]): Chart[] {
  const transports = [...new Set([...byName.keys()].map(streamName))];
  const series = (pick: (r: StalenessResult) => number) =>
    transports.map((t) => ({
      name: t,
      points: levels.flatMap((l): Array<[number, number]> => {
        const r = byName.get(`${t}@${l}%`);
        return r ? [[l, Math.max(1, pick(r))]] : [];
      }),
    }));
  return [
    {
      kind: 'line',
      title: `p99 staleness vs loss (${RTT_MS} ms RTT, ${STREAM_HZ} Hz)`,
      xLabel: 'packet loss (%)',
      yLabel: 'p99 staleness (ms)',
      yScale: 'log',
      series: series((r) => r.p99Ms),
    },
    {
      kind: 'line',
      title: 'Longest stall vs loss',
      xLabel: 'packet loss (%)',
      yLabel: 'longest stall (ms)',
      yScale: 'log',
      series: series((r) => r.longestStallMs),
    },
  ];
}

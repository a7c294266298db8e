// Turns one stream's send and arrival logs into the loss suite's result rows.
import type { BenchResult } from '../../result/types.js';
import { analyzeStaleness } from '../../stats/staleness.js';
import type { StalenessResult } from '../../stats/staleness.js';
import type { ArrivalLog, SendLog } from './streams.js';

export function analyzeStream(
  send: SendLog,
  arrivals: ArrivalLog | undefined,
  warmMs: number,
): StalenessResult {
  const first = send.sentMs[0] ?? 0;
  const last = send.sentMs[send.sentMs.length - 1] ?? first;
  const fromMs = first + warmMs;
  const seqs = new Set<number>();
  for (let i = 0; i < send.seq.length; i++)
    if ((send.sentMs[i] as number) >= fromMs) seqs.add(send.seq[i] as number);
  const list = [];
  if (arrivals) {
    for (let i = 0; i < arrivals.seq.length; i++) {
      list.push({
        seq: arrivals.seq[i] as number,
        sentMs: arrivals.sentMs[i] as number,
        arrivedMs: arrivals.arrivedMs[i] as number,
      });
    }
  }
  return analyzeStaleness(list, { count: seqs.size, seqs }, fromMs, last);
}

/** The stream name of a `<stream>@<loss>%` result key. */
export const streamName = (key: string): string => key.slice(0, key.lastIndexOf('@'));

export function stalenessRows(name: string, r: StalenessResult): BenchResult[] {
  return [
    { name, metric: 'staleness_p50_ms', value: r.p50Ms, unit: 'ms' },
    { name, metric: 'staleness_p99_ms', value: r.p99Ms, unit: 'ms' },
    { name, metric: 'staleness_max_ms', value: r.maxMs, unit: 'ms' },
    { name, metric: 'delivered_fraction', value: r.deliveredFraction, unit: 'fraction' },
    { name, metric: 'longest_stall_ms', value: r.longestStallMs, unit: 'ms' },
  ];
}

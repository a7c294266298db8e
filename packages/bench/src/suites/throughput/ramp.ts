// Finds where tickwire's unreliable channel starts dropping under backpressure: offers a paced
// rate that grows by half each step (as a game loop would, without looking at the buffer) and
// watches stats().unreliable.droppedBackpressure. Stops at the first step that drops, or when
// this process can no longer offer the rate (then the sender, not the link, is the limit).
import type { WorkerHandle } from '../../ipc/spawn.js';
import type { LineChart } from '../../report/chart-types.js';
import type { BenchResult } from '../../result/types.js';
import type { MessagePeer } from '../../peers/types.js';
import { paced, waitDrained } from './senders.js';
import type { SinkCounts } from './sink-worker.js';

export interface RampOutcome {
  results: BenchResult[];
  chart: LineChart;
  notes: string[];
}

export async function rampUntilDrops(
  worker: WorkerHandle,
  conn: string,
  peer: MessagePeer,
  sizes: readonly number[],
  quick: boolean,
  onSizeDone: () => void,
): Promise<RampOutcome> {
  const stepMs = quick ? 200 : 500;
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const chart: LineChart = {
    kind: 'line',
    title: 'tickwire unreliable under rising offered load',
    xLabel: 'offered (msgs/s)',
    yLabel: 'delivered (msgs/s)',
    xScale: 'log',
    yScale: 'log',
    series: [],
  };
  for (const size of sizes) {
    const name = `tickwire-unreliable@${size}B`;
    const points: Array<[number, number]> = [];
    let rate = 2000;
    let lastClean = 0;
    let onset = 0;
    for (let step = 0; step < 24; step++, rate = Math.round(rate * 1.5)) {
      await worker.ipc.request('reset', { conn });
      const before = peer.counters().unreliableDroppedBackpressure ?? 0;
      const tally = await paced(peer, 'unreliable', size, rate, stepMs);
      await waitDrained(peer, 'unreliable');
      const counts = await worker.ipc.request<SinkCounts>('counts', { conn, kind: 'unreliable' });
      const dropped = (peer.counters().unreliableDroppedBackpressure ?? 0) - before;
      const offered = ((tally.sent + tally.refused) / tally.elapsedMs) * 1000;
      points.push([offered, (counts.messages / tally.elapsedMs) * 1000]);
      if (dropped > 0) {
        onset = offered;
        break;
      }
      lastClean = offered;
      if (offered < rate * 0.8) {
        notes.push(
          `${name}: this process could offer only ${Math.round(offered)} msgs/s (asked ${rate}) without a single backpressure drop: the sender is the limit.`,
        );
        break;
      }
    }
    onSizeDone();
    chart.series.push({ name: `${size} B`, points });
    results.push({ name, metric: 'max_clean_offered_msgs_per_s', value: lastClean, unit: 'msgs/s' });
    if (onset > 0) {
      results.push(
        { name, metric: 'drop_onset_offered_msgs_per_s', value: onset, unit: 'msgs/s' },
        { name, metric: 'drop_onset_offered_mb_per_s', value: (onset * size) / 1e6, unit: 'MB/s' },
      );
    }
  }
  notes.push(
    `Backpressure ramp: paced sends, +50 % per ${stepMs} ms step from 2,000 msgs/s; drop onset = first step in which droppedBackpressure grew.`,
  );
  return { results, chart, notes };
}

// The compare suite's data-channel path: the loss suite's 60 Hz stamped state stream over the same
// 40 ms RTT netlab link, through tickwire unreliable, Colyseus (WebSocket), geckos.io (its server
// and its client, both in Node) and plain ws, all streaming at the same time in one group of
// processes.
import type { BenchResult } from '../../result/types.js';
import type { StalenessResult } from '../../stats/staleness.js';
import { analyzeStream, stalenessRows } from '../loss/analyze.js';
import { startGroup } from '../loss/group.js';
import type { RunningGroup } from '../loss/group.js';
import { RTT_MS } from '../loss/plan.js';
import type { StreamSpec } from '../loss/streams.js';

const WORKER = new URL('./compare-worker.js', import.meta.url);

export interface LossPathOutcome {
  results: BenchResult[];
  byName: Map<string, StalenessResult>;
  levels: number[];
  notes: string[];
}

export async function runLossPath(
  quick: boolean,
  onLevel: (fraction: number) => void,
): Promise<LossPathOutcome> {
  const { createLink, isNetlabSupported } = await import('@tickwire/netlab');
  const support = isNetlabSupported();
  const notes: string[] = [];
  const results: BenchResult[] = [];
  const byName = new Map<string, StalenessResult>();
  const levels = quick ? [5] : [0, 5, 20];
  if (!support.ok) {
    notes.push(
      `loss workload skipped: the network lab cannot run here (${support.reason ?? 'unsupported'}).`,
    );
    return { results, byName, levels: [], notes };
  }
  const streams: StreamSpec[] = [
    { name: 'tickwire-unreliable', impl: 'tickwire', kind: 'unreliable' },
    { name: 'colyseus', impl: 'colyseus', kind: 'reliable' },
    { name: 'ws', impl: 'ws', kind: 'reliable' },
    { name: 'geckos-unreliable', impl: 'geckos', kind: 'unreliable' },
  ];
  const warmMs = quick ? 1000 : 3000;
  const measureMs = quick ? 5000 : 20_000;
  const link = await createLink({ rttMs: RTT_MS, lossPercent: 0 });
  try {
    for (const [i, loss] of levels.entries()) {
      await link.setLoss(0);
      let group: RunningGroup | undefined;
      try {
        group = await startGroup(link, { label: 'compare', worker: WORKER, streams });
        await link.setLoss(loss);
        const sends = await group.stream(warmMs + measureMs);
        await new Promise((r) => setTimeout(r, quick ? 1500 : 3000));
        const arrivals = await group.arrivals();
        await link.setLoss(0);
        for (const spec of streams) {
          const send = sends[spec.name];
          if (!send) continue;
          const name = `${spec.name}@${loss}%`;
          const r = analyzeStream(send, arrivals[spec.name], warmMs);
          byName.set(name, r);
          results.push(...stalenessRows(name, r));
        }
      } finally {
        await group?.stop();
      }
      onLevel((i + 1) / levels.length);
    }
  } finally {
    await link.close();
  }
  for (const loss of levels) {
    const tw = byName.get(`tickwire-unreliable@${loss}%`);
    for (const [peer, stream] of [
      ['colyseus', 'colyseus'],
      ['geckos', 'geckos-unreliable'],
      ['ws', 'ws'],
    ] as const) {
      const other = byName.get(`${stream}@${loss}%`);
      if (tw && other && other.p99Ms > 0) {
        results.push({
          name: `tickwire-unreliable@${loss}%`,
          metric: `p99_ratio_vs_${peer}`,
          value: tw.p99Ms / other.p99Ms,
          unit: 'ratio',
        });
      }
    }
  }
  notes.push(
    `Loss workload: ${RTT_MS} ms RTT netlab link, 60 Hz 200-byte stamped states, every path streaming at once, ${warmMs / 1000} s warm-up + ${measureMs / 1000} s measured per loss rate; staleness as in the loss suite. Colyseus sends each state as a room-state patch (broadcastPatch() per tick, ~200-byte patches). geckos.io 3.1: @geckos.io/server and @geckos.io/client both in Node (the client on node-datachannel's RTCPeerConnection polyfill, the same node-datachannel build as tickwire's peers), geckos's default channel (unordered, maxRetransmits 0), each state sent with channel.raw.emit().`,
  );
  return { results, byName, levels, notes };
}

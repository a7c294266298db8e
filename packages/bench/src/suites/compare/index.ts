// compare suite: the workloads of the loss and sync suites through what a user would pick instead
// of tickwire, installed from npm and run in the same run: Colyseus (server + @colyseus/sdk client
// over WebSocket) for the state stream under loss and for the sync scenario, geckos.io (server and
// client, both in Node: see geckos-stream.ts) for the data-channel path, plain ws.
import type { Chart } from '../../report/chart-types.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { streamName } from '../loss/analyze.js';
import { runLossPath } from './loss-path.js';
import { runSyncPath } from './sync-path.js';

export async function runCompareSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const charts: Chart[] = [];
  const loss = await runLossPath(options.quick, (f) => options.onProgress?.(f * 0.8));
  results.push(...loss.results);
  notes.push(...loss.notes);
  if (loss.byName.size) {
    const names = [...new Set([...loss.byName.keys()].map(streamName))];
    charts.push({
      kind: 'bar',
      title: 'p99 staleness: tickwire vs the alternatives (40 ms RTT)',
      yLabel: 'p99 staleness (ms)',
      yScale: 'log',
      groups: loss.levels.map((l) => ({
        label: `${l}% loss`,
        values: names.flatMap((n) => {
          const r = loss.byName.get(`${n}@${l}%`);
          return r ? [{ series: n, value: r.p99Ms }] : [];
        }),
      })),
    });
  }
  try {
    const sync = await runSyncPath(options.quick);
    results.push(...sync.results);
    notes.push(...sync.notes);
    const bytes = sync.results.filter((r) => r.metric === 'bytes_per_tick_mean');
    if (bytes.length) {
      charts.push({
        kind: 'bar',
        title: 'Bytes per tick, sync scenario (64 players + 256 NPCs, 60 Hz)',
        yLabel: 'bytes per tick (mean)',
        groups: bytes.map((r) => ({ label: r.name, values: [{ series: 'bytes/tick', value: r.value }] })),
      });
    }
  } catch (error) {
    notes.push(`state-sync path not run: ${(error as Error).message}`);
  }
  options.onProgress?.(1);
  return { results, charts, notes };
}

// A chart for suites that bring none (sync and lobby return bare results): one bar per contender
// for the suite's headline metric, so every suite gets a picture in the report.
import type { BenchResult } from '../result/types.js';
import type { Chart } from './chart-types.js';

/** Preferred headline metric per suite; otherwise the first metric in the results. */
const HEADLINE: Record<string, string> = {
  sync: 'bytes_per_tick_mean',
  lobby: 'signal_p99_ms',
};

export function defaultCharts(suite: string, results: readonly BenchResult[]): Chart[] {
  const metrics = [...new Set(results.map((r) => r.metric))];
  const preferred = HEADLINE[suite];
  const metric = preferred !== undefined && metrics.includes(preferred) ? preferred : metrics[0];
  if (metric === undefined) return [];
  const rows = results.filter((r) => r.metric === metric);
  const unit = rows[0]?.unit ?? '';
  return [
    {
      kind: 'bar',
      title: `${suite}: ${metric}`,
      yLabel: `${metric} (${unit})`,
      groups: rows.map((r) => ({ label: r.name, values: [{ series: metric, value: r.value }] })),
    },
  ];
}

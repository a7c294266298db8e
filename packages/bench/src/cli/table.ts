// The terse terminal view: one row per contender, one column per metric (unit in the header).
// Also used for the markdown tables in BENCHMARKS.md, so both always show the same numbers.
import type { BenchResult } from '../result/types.js';
import { formatValue } from './format.js';

export interface Pivot {
  headers: string[];
  rows: string[][];
}

/** Rows in first-seen order of names, columns in first-seen order of metrics. */
export function pivotResults(results: readonly BenchResult[]): Pivot {
  const names = [...new Set(results.map((r) => r.name))];
  const metrics = [...new Set(results.map((r) => r.metric))];
  const units = new Map(results.map((r) => [r.metric, r.unit]));
  const cell = new Map(results.map((r) => [`${r.name}\u0000${r.metric}`, formatValue(r.value)]));
  return {
    headers: ['name', ...metrics.map((m) => `${m} (${units.get(m) ?? ''})`)],
    rows: names.map((n) => [n, ...metrics.map((m) => cell.get(`${n}\u0000${m}`) ?? '')]),
  };
}

/** Fixed-width text table. */
export function formatTable(results: readonly BenchResult[]): string {
  const { headers, rows } = pivotResults(results);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** GitHub-flavoured markdown table. */
export function formatMarkdownTable(results: readonly BenchResult[]): string {
  const { headers, rows } = pivotResults(results);
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join(
    '\n',
  );
}

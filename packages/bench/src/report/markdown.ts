// Keeps BENCHMARKS.md current without overwriting its prose: each suite owns the text between
// `<!-- bench:<suite>:begin -->` and `<!-- bench:<suite>:end -->`, which a run replaces (or appends
// when missing). Everything outside the markers is written by people and left untouched.
import { formatMarkdownTable } from '../cli/table.js';
import type { SuiteRun } from '../runner.js';
import type { MachineInfo } from './machine.js';
import { describeMachine } from './machine.js';

export function sectionMarkers(suite: string): { begin: string; end: string } {
  return { begin: `<!-- bench:${suite}:begin -->`, end: `<!-- bench:${suite}:end -->` };
}

/** The generated part of a suite's section: machine, command, chart, table, notes. */
export function renderSection(
  run: SuiteRun,
  machine: MachineInfo,
  command: string,
  chartPaths: readonly string[],
): string {
  const lines = [
    `_Generated ${machine.date.slice(0, 10)} (${run.status}, ${run.seconds} s) on ${describeMachine(machine)}._`,
    '',
    '```',
    command,
    '```',
    '',
    ...chartPaths.map((p) => `![${run.report.suite} chart](${p})\n`),
    run.report.results.length ? formatMarkdownTable(run.report.results) : '_no results_',
  ];
  const notes = run.report.notes ?? [];
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

/** Replaces (or appends) a suite's marked section in `doc`. */
export function upsertSection(doc: string, suite: string, body: string): string {
  const { begin, end } = sectionMarkers(suite);
  const block = `${begin}\n${body}\n${end}`;
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (start >= 0 && stop > start) return doc.slice(0, start) + block + doc.slice(stop + end.length);
  return `${doc.replace(/\s*$/, '')}\n\n## ${suite}\n\n${block}\n`;
}

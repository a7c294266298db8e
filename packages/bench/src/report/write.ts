// Writes the outputs of a run to disk: `--json`, `--report DIR` (index.html, one SVG per chart,
// the suite JSON with machine details) and `--markdown FILE` (BENCHMARKS.md sections).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SuiteRun } from '../runner.js';
import { renderHtml } from './html.js';
import type { MachineInfo } from './machine.js';
import { renderSection, upsertSection } from './markdown.js';
import { renderSvg } from './svg.js';

/** `--json`: one suite's `{ suite, results, notes? }`, or an array of them for `all`. */
export async function writeJson(file: string, runs: readonly SuiteRun[], many: boolean): Promise<void> {
  const value = many ? runs.map((r) => r.report) : runs[0]?.report;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Chart file names for a suite: `<suite>.svg`, then `<suite>-2.svg`, ... */
export function chartFileNames(run: SuiteRun): string[] {
  return run.charts.map((_, i) => (i === 0 ? `${run.report.suite}.svg` : `${run.report.suite}-${i + 1}.svg`));
}

export async function writeReportDir(
  dir: string,
  runs: readonly SuiteRun[],
  machine: MachineInfo,
  command: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const run of runs) {
    const names = chartFileNames(run);
    await Promise.all(
      run.charts.map((chart, i) => writeFile(path.join(dir, names[i] as string), `${renderSvg(chart)}\n`)),
    );
    await writeFile(
      path.join(dir, `${run.report.suite}.json`),
      `${JSON.stringify({ ...run.report, machine, command }, null, 2)}\n`,
    );
  }
  await writeFile(
    path.join(dir, runs.length === 1 ? `${runs[0]?.report.suite}.html` : 'index.html'),
    renderHtml(runs, machine, command),
  );
}

export async function updateMarkdown(
  file: string,
  reportDir: string,
  runs: readonly SuiteRun[],
  machine: MachineInfo,
  command: string,
): Promise<void> {
  let doc = '';
  try {
    doc = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    doc = '# Benchmarks\n';
  }
  const rel = path
    .relative(path.dirname(path.resolve(file)), path.resolve(reportDir))
    .split(path.sep)
    .join('/');
  for (const run of runs) {
    // A suite that could not run keeps its previous numbers in the document.
    if (run.status !== 'ok') continue;
    const charts = chartFileNames(run).map((n) => (rel ? `${rel}/${n}` : n));
    doc = upsertSection(doc, run.report.suite, renderSection(run, machine, command, charts));
  }
  await writeFile(file, doc);
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMarkdownTable, formatTable } from '../src/cli/table.js';
import { defaultCharts } from '../src/report/default-charts.js';
import { machineInfo } from '../src/report/machine.js';
import { renderSection, upsertSection } from '../src/report/markdown.js';
import { renderSvg } from '../src/report/svg.js';
import { updateMarkdown, writeJson, writeReportDir } from '../src/report/write.js';
import { assertSuiteReport, reportProblems } from '../src/result/validate.js';
import type { BenchResult } from '../src/result/types.js';
import type { SuiteRun } from '../src/runner.js';

const results: BenchResult[] = [
  { name: 'udp', metric: 'rtt_p50', value: 115.25, unit: 'us' },
  { name: 'udp', metric: 'rtt_p99', value: 1600, unit: 'us' },
  { name: 'ws', metric: 'rtt_p50', value: 90, unit: 'us' },
];
const run: SuiteRun = {
  report: { suite: 'rtt', results, notes: ['a limit'] },
  charts: [
    {
      kind: 'line',
      title: 'rtt <cdf>',
      xLabel: 'percentile',
      yLabel: 'us',
      xScale: 'tail',
      yScale: 'log',
      series: [
        {
          name: 'udp',
          points: [
            [0.5, 100],
            [0.99, 500],
            [0.999, 2000],
          ],
        },
        {
          name: 'ws',
          points: [
            [0.5, 90],
            [0.99, 400],
          ],
        },
      ],
    },
  ],
  status: 'ok',
  seconds: 1.5,
};

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('report JSON shape', () => {
  it('accepts the documented shape, with or without notes', () => {
    expect(reportProblems({ suite: 'rtt', results })).toEqual([]);
    expect(reportProblems({ suite: 'rtt', results: [], notes: ['why'] })).toEqual([]);
  });

  it('names every deviation', () => {
    expect(reportProblems(null)).toEqual(['report is not an object']);
    expect(reportProblems({ results: [] })).toContain('suite must be a non-empty string');
    expect(reportProblems({ suite: 'x', results: {} })).toContain('results must be an array');
    const bad = reportProblems({
      suite: 'x',
      notes: [1],
      results: [
        { name: 'a', metric: 'm', value: Number.NaN, unit: 'us' },
        { name: '', metric: 'm', value: 1, unit: 'us', extra: 1 },
        5,
      ],
    });
    expect(bad).toEqual([
      'notes must be an array of strings',
      'results[0].value must be a finite number',
      'results[1].name must be a non-empty string',
      'results[1] has unexpected keys: extra',
      'results[2] is not an object',
    ]);
    expect(() => assertSuiteReport({ suite: 'x', results: [{}] })).toThrow(/INVALID|invalid report/);
  });

  it('writes JSON that parses back into a valid report, and an array for all', async () => {
    const dir = await tempDir();
    await writeJson(path.join(dir, 'one.json'), [run], false);
    const one = JSON.parse(await readFile(path.join(dir, 'one.json'), 'utf8')) as unknown;
    expect(assertSuiteReport(one)).toEqual({ suite: 'rtt', results, notes: ['a limit'] });
    await writeJson(path.join(dir, 'sub/all.json'), [run, run], true);
    const all = JSON.parse(await readFile(path.join(dir, 'sub/all.json'), 'utf8')) as unknown[];
    expect(all).toHaveLength(2);
    for (const r of all) expect(reportProblems(r)).toEqual([]);
  });
});

describe('tables', () => {
  it('pivots names into rows and metrics into columns with units', () => {
    const lines = formatTable(results).split('\n');
    expect(lines[0]).toMatch(/^name\s+rtt_p50 \(us\)\s+rtt_p99 \(us\)$/);
    expect(lines[2]).toMatch(/^udp\s+115\s+1,600$/);
    expect(lines[3]).toMatch(/^ws\s+90\.0$/);
    expect(formatMarkdownTable(results).split('\n')[1]).toBe('| --- | ---: | ---: |');
  });
});

describe('svg charts', () => {
  it('draws one polyline per series, a legend and escaped text', () => {
    const svg = renderSvg(run.charts[0]!);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('rtt &#60;cdf&#62;');
    expect(svg).toContain('99.9%');
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('draws grouped bars from results when a suite brings no chart', () => {
    const charts = defaultCharts('sync', [
      { name: 'json', metric: 'bytes_per_tick_mean', value: 9000, unit: 'bytes' },
      { name: 'tickwire', metric: 'bytes_per_tick_mean', value: 500, unit: 'bytes' },
      { name: 'tickwire', metric: 'encode_us_per_tick', value: 50, unit: 'us' },
    ]);
    expect(charts).toHaveLength(1);
    const svg = renderSvg(charts[0]!);
    expect(svg.match(/<rect x=/g)?.length).toBeGreaterThanOrEqual(2);
    expect(svg).toContain('bytes_per_tick_mean');
    expect(defaultCharts('x', [])).toEqual([]);
  });
});

describe('report directory and BENCHMARKS.md sections', () => {
  it('writes the chart, the JSON with machine details and the HTML report', async () => {
    const dir = await tempDir();
    await writeReportDir(dir, [run], machineInfo(), 'pnpm bench rtt');
    const svg = await readFile(path.join(dir, 'rtt.svg'), 'utf8');
    expect(svg).toContain('<polyline');
    const json = JSON.parse(await readFile(path.join(dir, 'rtt.json'), 'utf8')) as {
      machine: { cores: number };
      command: string;
    };
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.command).toBe('pnpm bench rtt');
    const html = await readFile(path.join(dir, 'rtt.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('<td>1,600</td>');
  });

  it('replaces only its own section and keeps the prose around it', () => {
    const machine = machineInfo();
    const doc = '# Benchmarks\n\nIntro prose.\n';
    const first = upsertSection(doc, 'rtt', 'numbers v1');
    expect(first).toContain('Intro prose.');
    expect(first).toContain('<!-- bench:rtt:begin -->\nnumbers v1\n<!-- bench:rtt:end -->');
    const withProse = `${first}\nAfter rtt.\n`;
    const second = upsertSection(
      withProse,
      'rtt',
      renderSection(run, machine, 'pnpm bench rtt', ['docs/bench/rtt.svg']),
    );
    expect(second).not.toContain('numbers v1');
    expect(second).toContain('After rtt.');
    expect(second).toContain('![rtt chart](docs/bench/rtt.svg)');
    expect(second.match(/<!-- bench:rtt:begin -->/g)).toHaveLength(1);
  });

  it('updates a markdown file with chart links relative to it, skipping suites that did not run', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'BENCHMARKS.md');
    const failed: SuiteRun = {
      report: { suite: 'loss', results: [], notes: ['failed: x'] },
      charts: [],
      status: 'failed',
      seconds: 0,
    };
    await updateMarkdown(file, path.join(dir, 'docs/bench'), [run, failed], machineInfo(), 'pnpm bench rtt');
    const doc = await readFile(file, 'utf8');
    expect(doc).toContain('](docs/bench/rtt.svg)');
    expect(doc).toContain('| udp | 115 | 1,600 |');
    expect(doc).not.toContain('bench:loss');
  });
});

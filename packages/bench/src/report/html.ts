// The report a person would rather look at than a table: one self-contained HTML file with the
// machine, each suite's table, notes and charts as inline SVG. No scripts, no external assets.
import { pivotResults } from '../cli/table.js';
import type { SuiteRun } from '../runner.js';
import type { MachineInfo } from './machine.js';
import { describeMachine } from './machine.js';
import { escapeXml, renderSvg } from './svg.js';

function table(run: SuiteRun): string {
  if (run.report.results.length === 0) return '<p><em>no results</em></p>';
  const { headers, rows } = pivotResults(run.report.results);
  const head = headers.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const body = rows.map(
    (r) =>
      `<tr>${r.map((c, i) => (i === 0 ? `<th>${escapeXml(c)}</th>` : `<td>${escapeXml(c)}</td>`)).join('')}</tr>`,
  );
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

export function renderHtml(runs: readonly SuiteRun[], machine: MachineInfo, command: string): string {
  const sections = runs.map((run) => {
    const notes = (run.report.notes ?? []).map((n) => `<li>${escapeXml(n)}</li>`).join('');
    return [
      `<section id="${escapeXml(run.report.suite)}"><h2>${escapeXml(run.report.suite)} <small>(${run.status}, ${run.seconds} s)</small></h2>`,
      ...run.charts.map((c) => `<figure>${renderSvg(c)}</figure>`),
      table(run),
      notes ? `<ul class="notes">${notes}</ul>` : '',
      '</section>',
    ].join('\n');
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tickwire benchmarks</title>
<style>
body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}th,td{border:1px solid #ddd;padding:3px 8px}
td{text-align:right;font-variant-numeric:tabular-nums}thead th{background:#f4f4f4}
figure{margin:1em 0}svg{max-width:100%;height:auto;border:1px solid #eee}.notes{font-size:13px;color:#555}
</style></head><body>
<h1>tickwire benchmarks</h1>
<p>${escapeXml(describeMachine(machine))}</p>
<p><code>${escapeXml(command)}</code></p>
${sections.join('\n')}
</body></html>
`;
}

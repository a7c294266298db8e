// Draws a Chart as a standalone SVG string: axes, ticks, grid, legend, lines or grouped bars.
// No chart library: the output must be small, deterministic (same data → same bytes, so committed
// files only change when numbers do) and readable on GitHub's light and dark themes (white card).
import type { BarChart, Chart, LineChart } from './chart-types.js';
import { makeAxis, project, projectAt } from './scales.js';
import type { Axis } from './scales.js';

const W = 760;
const H = 380;
const M = { left: 72, right: 190, top: 40, bottom: 64 };
const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2 - M.right / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function yAxis(axis: Axis, label: string): string[] {
  const out: string[] = [];
  for (const tick of axis.ticks) {
    const y = fmt(projectAt(axis, tick.at, H - M.bottom, M.top));
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${M.left - 6}" y="${y}" dy="4" text-anchor="end">${escapeXml(tick.label)}</text>`);
  }
  const cy = (M.top + H - M.bottom) / 2;
  out.push(
    `<text transform="translate(16 ${cy}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`,
  );
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
  );
  return out;
}

function legend(names: readonly string[]): string[] {
  return names.map((name, i) => {
    const y = M.top + 8 + i * 18;
    const x = W - M.right + 14;
    const color = PALETTE[i % PALETTE.length] as string;
    return `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${color}"/><text x="${x + 20}" y="${y}">${escapeXml(name)}</text>`;
  });
}

function lineChart(chart: LineChart): string {
  const xs = chart.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = chart.series.flatMap((s) => s.points.map((p) => p[1]));
  const xAxis = makeAxis(chart.xScale ?? 'linear', xs);
  const yAx = makeAxis(chart.yScale ?? 'linear', ys, (chart.yScale ?? 'linear') === 'linear');
  const body = yAxis(yAx, chart.yLabel);
  for (const tick of xAxis.ticks) {
    const x = fmt(projectAt(xAxis, tick.at, M.left, W - M.right));
    body.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${H - M.bottom}" stroke="#f0f0f0"/>`);
    body.push(`<text x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${escapeXml(tick.label)}</text>`);
  }
  body.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 18}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
  );
  chart.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    const pts = series.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .map(
        ([x, y]) =>
          `${fmt(project(xAxis, x, M.left, W - M.right))},${fmt(project(yAx, y, H - M.bottom, M.top))}`,
      );
    if (pts.length === 1) {
      const [cx, cy] = (pts[0] as string).split(',');
      body.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
    } else if (pts.length > 1) {
      body.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
      for (const p of pts.length <= 12 ? pts : []) {
        const [cx, cy] = p.split(',');
        body.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`);
      }
    }
  });
  body.push(...legend(chart.series.map((s) => s.name)));
  return frame(chart.title, body);
}

function barChart(chart: BarChart): string {
  const seriesNames = [...new Set(chart.groups.flatMap((g) => g.values.map((v) => v.series)))];
  const scale = chart.yScale ?? 'linear';
  const yAx = makeAxis(
    scale,
    chart.groups.flatMap((g) => g.values.map((v) => v.value)),
    true,
  );
  const body = yAxis(yAx, chart.yLabel);
  const plotW = W - M.right - M.left;
  const groupW = plotW / Math.max(1, chart.groups.length);
  const barW = Math.max(2, (groupW * 0.8) / Math.max(1, seriesNames.length));
  const base = scale === 'log' ? H - M.bottom : project(yAx, 0, H - M.bottom, M.top);
  chart.groups.forEach((group, gi) => {
    const gx = M.left + gi * groupW + groupW * 0.1;
    for (const { series, value } of group.values) {
      if (!Number.isFinite(value)) continue;
      const si = seriesNames.indexOf(series);
      const top = project(yAx, value, H - M.bottom, M.top);
      const color = PALETTE[si % PALETTE.length] as string;
      body.push(
        `<rect x="${fmt(gx + si * barW)}" y="${fmt(Math.min(top, base))}" width="${fmt(barW - 1)}" height="${fmt(Math.abs(base - top))}" fill="${color}"><title>${escapeXml(`${group.label} ${series}: ${value}`)}</title></rect>`,
      );
    }
    const lx = fmt(M.left + (gi + 0.5) * groupW);
    body.push(
      `<text x="${lx}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(group.label)}</text>`,
    );
  });
  body.push(...legend(seriesNames));
  return frame(chart.title, body);
}

/** Renders one chart as a complete SVG document. */
export function renderSvg(chart: Chart): string {
  switch (chart.kind) {
    case 'line':
      return lineChart(chart);
    case 'bar':
      return barChart(chart);
  }
}

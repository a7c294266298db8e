// Chart descriptions suites hand to the report: plain data, no rendering. The SVG renderer in
// this folder draws them; keeping them declarative lets the HTML report and the committed SVG
// files (docs/bench/) come from the same object.

/**
 * Axis scales. `tail` maps a probability p to -log10(1 - p) so 50 %, 90 %, 99 %, 99.9 % are evenly
 * spaced: the latency-by-percentile view where tails are visible.
 */
export type Scale = 'linear' | 'log' | 'tail';

export interface LineSeries {
  name: string;
  /** [x, y] pairs in data units, ascending in x. */
  points: Array<[number, number]>;
}

export interface LineChart {
  kind: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  xScale?: Scale;
  yScale?: Scale;
  series: LineSeries[];
}

export interface BarGroup {
  /** Label under the group (e.g. a contender or a loss rate). */
  label: string;
  /** One bar per series; a missing series leaves a gap. */
  values: Array<{ series: string; value: number }>;
}

export interface BarChart {
  kind: 'bar';
  title: string;
  yLabel: string;
  yScale?: 'linear' | 'log';
  groups: BarGroup[];
}

export type Chart = LineChart | BarChart;

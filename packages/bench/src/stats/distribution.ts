// Distributions for charts: fixed-width histograms and CDF curves small enough to inline in an
// SVG. CDF points are quantiles at chosen probabilities (dense in the tail, where latency stories
// are told), never one point per sample.
import { percentileSorted, sortAscending } from './percentile.js';

export interface HistogramBin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge (inclusive for the last bin). */
  to: number;
  count: number;
}

/** Fixed-width histogram over [min, max] (defaults: the data's extremes). Out-of-range values are ignored. */
export function histogram(
  values: readonly number[],
  options: { bins: number; min?: number; max?: number },
): HistogramBin[] {
  if (!Number.isInteger(options.bins) || options.bins < 1)
    throw new RangeError('bins must be a positive integer');
  if (values.length === 0 && (options.min === undefined || options.max === undefined)) return [];
  const min = options.min ?? Math.min(...values);
  const max = options.max ?? Math.max(...values);
  const width = max > min ? (max - min) / options.bins : 1;
  const bins: HistogramBin[] = [];
  for (let i = 0; i < options.bins; i++)
    bins.push({ from: min + i * width, to: min + (i + 1) * width, count: 0 });
  for (const v of values) {
    if (v < min || v > max) continue;
    const index = Math.min(options.bins - 1, Math.floor((v - min) / width));
    (bins[index] as HistogramBin).count += 1;
  }
  return bins;
}

/**
 * Probabilities for a tail-heavy CDF: every percent up to 99 %, then tenths of a percent up to
 * 99.9 %, then hundredths up to 99.99 %, then 1. Fewer samples than a step resolves are skipped
 * by cdfPoints (a p99.99 of 1,000 samples is just the maximum).
 */
export function tailProbabilities(): number[] {
  const ps: number[] = [];
  for (let i = 0; i <= 99; i++) ps.push(i / 100);
  for (let i = 1; i <= 9; i++) ps.push(0.99 + i / 1000);
  for (let i = 1; i <= 9; i++) ps.push(0.999 + i / 10_000);
  ps.push(1);
  return ps;
}

export interface CdfPoint {
  /** Sample value (e.g. latency). */
  value: number;
  /** Fraction of samples at or below `value`, in [0, 1]. */
  p: number;
}

/** CDF curve of `values` at `probabilities` (default tailProbabilities), ascending in p. */
export function cdfPoints(
  values: readonly number[],
  probabilities: readonly number[] = tailProbabilities(),
): CdfPoint[] {
  const sorted = sortAscending(values);
  const n = sorted.length;
  if (n === 0) return [];
  const points: CdfPoint[] = [];
  for (const p of probabilities) {
    // Resolution check: a probability closer to 1 than one sample's share adds nothing but the max.
    if (p < 1 && p > 0 && (1 - p) * n < 0.999) continue;
    points.push({ value: percentileSorted(sorted, p), p });
  }
  return points;
}

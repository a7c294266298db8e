// Order statistics for latency samples. Percentiles use linear interpolation between the two
// closest ranks (Hyndman & Fan type 7, the default of numpy, R and Excel PERCENTILE.INC):
//   h = (n - 1) * p,  q(p) = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h])
// on ascending-sorted samples, so q(0) is the minimum and q(1) the maximum. Never mutate the
// caller's array: samples are often reused for CDF plots afterwards.

/** Ascending copy of `values` (numeric sort, not the default string sort). */
export function sortAscending(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values);
  sorted.sort();
  return sorted;
}

/** Percentile `p` in [0, 1] of ascending `sorted` samples (type 7); NaN when there are none. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be within [0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** Percentile `p` in [0, 1] of unsorted `values`. Sorts a copy: use percentileSorted in loops. */
export function percentile(values: readonly number[], p: number): number {
  return percentileSorted(sortAscending(values), p);
}

/** Arithmetic mean; NaN for no samples. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 denominator); 0 for fewer than two samples. */
export function stddev(values: ArrayLike<number>): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += ((values[i] as number) - m) ** 2;
  return Math.sqrt(sq / (values.length - 1));
}

export interface Summary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p99: number;
  p999: number;
}

/** Count, mean, extremes and the tail percentiles every latency table reports. */
export function summarize(values: readonly number[]): Summary {
  const sorted = sortAscending(values);
  return {
    count: sorted.length,
    mean: mean(sorted),
    min: sorted.length ? (sorted[0] as number) : Number.NaN,
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    p50: percentileSorted(sorted, 0.5),
    p99: percentileSorted(sorted, 0.99),
    p999: percentileSorted(sorted, 0.999),
  };
}

import { describe, expect, it } from 'vitest';
import { cdfPoints, histogram, tailProbabilities } from '../src/stats/distribution.js';
import {
  mean,
  percentile,
  percentileSorted,
  sortAscending,
  stddev,
  summarize,
} from '../src/stats/percentile.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('percentile (type 7, linear between closest ranks)', () => {
  it('matches numpy.percentile on known inputs', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([15, 20, 35, 40, 50], 0.4)).toBeCloseTo(29, 12);
    expect(percentile(range(100), 0.99)).toBeCloseTo(99.01, 12);
    expect(percentile(range(1000), 0.999)).toBeCloseTo(999.001, 9);
    expect(percentile(range(10), 0.9)).toBeCloseTo(9.1, 12);
  });

  it('returns the extremes at 0 and 1 and the only sample for n = 1', () => {
    expect(percentile([7, 3, 9], 0)).toBe(3);
    expect(percentile([7, 3, 9], 1)).toBe(9);
    expect(percentile([42], 0.999)).toBe(42);
  });

  it('sorts numerically, not as strings, and leaves the input alone', () => {
    const input = [100, 9, 20, 1000];
    expect(percentile(input, 0.5)).toBe(60);
    expect(input).toEqual([100, 9, 20, 1000]);
    expect([...sortAscending(input)]).toEqual([9, 20, 100, 1000]);
  });

  it('is NaN without samples and rejects probabilities outside [0, 1]', () => {
    expect(percentile([], 0.5)).toBeNaN();
    expect(() => percentileSorted([1, 2], 1.5)).toThrow(RangeError);
    expect(() => percentileSorted([1, 2], -0.1)).toThrow(RangeError);
    expect(() => percentileSorted([1, 2], Number.NaN)).toThrow(RangeError);
  });
});

describe('mean, stddev, summarize', () => {
  it('computes mean and sample standard deviation', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 8);
    expect(stddev([5])).toBe(0);
    expect(mean([])).toBeNaN();
  });

  it('summarizes count, extremes and tail percentiles', () => {
    const s = summarize(range(1000).reverse());
    expect(s).toMatchObject({ count: 1000, min: 1, max: 1000, mean: 500.5 });
    expect(s.p50).toBeCloseTo(500.5, 12);
    expect(s.p99).toBeCloseTo(990.01, 9);
    expect(s.p999).toBeCloseTo(999.001, 9);
  });
});

describe('histogram', () => {
  it('counts values into fixed-width bins, the maximum in the last bin', () => {
    const bins = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { bins: 5 });
    expect(bins.map((b) => b.count)).toEqual([2, 2, 2, 2, 3]);
    expect(bins[0]).toMatchObject({ from: 0, to: 2 });
    expect(bins[4]).toMatchObject({ from: 8, to: 10 });
  });

  it('ignores values outside an explicit range and handles a constant sample', () => {
    expect(histogram([-5, 1, 2, 50], { bins: 2, min: 0, max: 4 }).map((b) => b.count)).toEqual([1, 1]);
    expect(histogram([3, 3, 3], { bins: 4 }).map((b) => b.count)).toEqual([3, 0, 0, 0]);
    expect(histogram([], { bins: 3 })).toEqual([]);
    expect(() => histogram([1], { bins: 0 })).toThrow(RangeError);
  });
});

describe('cdfPoints', () => {
  it('is ascending in both value and probability and ends at the maximum', () => {
    const values = range(10_000).map((v) => v * 2);
    const points = cdfPoints(values);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.p).toBeGreaterThan(points[i - 1]!.p);
      expect(points[i]!.value).toBeGreaterThanOrEqual(points[i - 1]!.value);
    }
    expect(points.at(-1)).toEqual({ value: 20_000, p: 1 });
    expect(points.find((p) => p.p === 0.5)?.value).toBeCloseTo(10_001, 9);
    expect(points.some((p) => Math.abs(p.p - 0.9999) < 1e-12)).toBe(true);
  });

  it('drops tail probabilities the sample count cannot resolve', () => {
    const points = cdfPoints(range(100));
    expect(points.some((p) => p.p > 0.99 && p.p < 1)).toBe(false);
    expect(cdfPoints([])).toEqual([]);
    expect(tailProbabilities()).toHaveLength(100 + 9 + 9 + 1);
  });
});

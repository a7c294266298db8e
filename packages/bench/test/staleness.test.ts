import { describe, expect, it } from 'vitest';
import { analyzeStaleness } from '../src/stats/staleness.js';
import type { Arrival } from '../src/stats/staleness.js';

/** A stream sent every `period` ms from t=0, each state arriving `delay` ms later unless dropped. */
function stream(
  count: number,
  period: number,
  delay: (seq: number) => number | undefined,
): { arrivals: Arrival[]; seqs: Set<number> } {
  const arrivals: Arrival[] = [];
  const seqs = new Set<number>();
  for (let seq = 0; seq < count; seq++) {
    seqs.add(seq);
    const d = delay(seq);
    if (d !== undefined) arrivals.push({ seq, sentMs: seq * period, arrivedMs: seq * period + d });
  }
  return { arrivals, seqs };
}

describe('analyzeStaleness', () => {
  it('is a sawtooth from the one-way delay to delay + period on a clean stream', () => {
    const { arrivals, seqs } = stream(1000, 10, () => 20);
    const r = analyzeStaleness(arrivals, { count: seqs.size, seqs }, 100, 9000);
    // Ages on the 1 ms grid cycle through 20..29.
    expect(r.p50Ms).toBeCloseTo(24.5, 0);
    expect(r.maxMs).toBe(29);
    expect(r.p99Ms).toBeLessThanOrEqual(29);
    expect(r.deliveredFraction).toBe(1);
    expect(r.longestStallMs).toBe(10);
    expect(r.samples).toBe(8900);
  });

  it('grows the stall and the maximum age by the gap a loss burst leaves', () => {
    // States 500..504 are lost: the receiver keeps state 499 for 6 periods.
    const { arrivals, seqs } = stream(1000, 10, (seq) => (seq >= 500 && seq < 505 ? undefined : 20));
    const r = analyzeStaleness(arrivals, { count: seqs.size, seqs }, 100, 9000);
    expect(r.longestStallMs).toBe(60);
    expect(r.maxMs).toBe(20 + 60 - 1);
    expect(r.deliveredFraction).toBeCloseTo(995 / 1000, 12);
  });

  it('never lets a late, older state make the receiver newer', () => {
    // State 300 arrives 500 ms late, after many newer ones: ages must ignore it.
    const { arrivals, seqs } = stream(1000, 10, (seq) => (seq === 300 ? 500 : 20));
    const late = analyzeStaleness(arrivals, { count: seqs.size, seqs }, 100, 9000);
    const { arrivals: dropped } = stream(1000, 10, (seq) => (seq === 300 ? undefined : 20));
    const lost = analyzeStaleness(dropped, { count: seqs.size, seqs }, 100, 9000);
    expect(late.maxMs).toBe(lost.maxMs);
    expect(late.longestStallMs).toBe(lost.longestStallMs);
    // ... but a late arrival still counts as delivered.
    expect(late.deliveredFraction).toBe(1);
    expect(lost.deliveredFraction).toBeCloseTo(0.999, 12);
  });

  it('counts a stream that delivers nothing as stale for the whole window', () => {
    const r = analyzeStaleness([], { count: 10, seqs: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) }, 0, 500);
    expect(r.maxMs).toBe(499);
    expect(r.longestStallMs).toBe(500);
    expect(r.deliveredFraction).toBe(0);
  });

  it('handles arrivals given out of arrival order (reliable streams delivered in bursts)', () => {
    const { arrivals, seqs } = stream(200, 10, (seq) =>
      seq >= 100 && seq < 110 ? 200 - (seq - 100) * 10 + 5 : 20,
    );
    const shuffled = [...arrivals].reverse();
    const a = analyzeStaleness(arrivals, { count: seqs.size, seqs }, 50, 1900);
    const b = analyzeStaleness(shuffled, { count: seqs.size, seqs }, 50, 1900);
    expect(b).toEqual(a);
  });
});

// Staleness of a state stream at the receiver: at any instant, the age of the newest state it has
// (now minus that state's send time). Computed offline from the arrival log on a 1 kHz grid, so
// the distribution is time-weighted and free of timer jitter at the receiver. Out-of-order
// arrivals of older states never make the receiver's state newer.
import { percentileSorted, sortAscending } from './percentile.js';

export interface Arrival {
  seq: number;
  sentMs: number;
  arrivedMs: number;
}

export interface StalenessResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Distinct states sent within the window that arrived (at any time), over states sent within the window. */
  deliveredFraction: number;
  /** Longest time within the window during which no newer state arrived. */
  longestStallMs: number;
  samples: number;
}

/**
 * `arrivals` in arrival order; `sent` the send times of the states sent inside [fromMs, toMs).
 * The window should start after the first arrival (warm-up) so the receiver has a state.
 */
export function analyzeStaleness(
  arrivals: readonly Arrival[],
  sent: { count: number; seqs: ReadonlySet<number> },
  fromMs: number,
  toMs: number,
  stepMs = 1,
): StalenessResult {
  const sorted = [...arrivals].sort((a, b) => a.arrivedMs - b.arrivedMs);
  // Times at which the receiver's newest state changed, and that state's send time.
  const updates: Array<{ at: number; sentMs: number }> = [];
  let newest = Number.NEGATIVE_INFINITY;
  for (const a of sorted) {
    if (a.sentMs > newest) {
      newest = a.sentMs;
      updates.push({ at: a.arrivedMs, sentMs: a.sentMs });
    }
  }
  const ages: number[] = [];
  let u = -1;
  for (let t = fromMs; t < toMs; t += stepMs) {
    while (u + 1 < updates.length && (updates[u + 1] as { at: number }).at <= t) u++;
    // Before the first arrival the receiver has nothing: count the age from the window start.
    const base = u >= 0 ? (updates[u] as { sentMs: number }).sentMs : fromMs;
    ages.push(t - base);
  }
  let longest = 0;
  let last = fromMs;
  for (const up of updates) {
    if (up.at < fromMs) continue;
    if (up.at >= toMs) break;
    longest = Math.max(longest, up.at - last);
    last = up.at;
  }
  longest = Math.max(longest, toMs - last);
  const received = new Set<number>();
  for (const a of arrivals) if (sent.seqs.has(a.seq)) received.add(a.seq);
  const ordered = sortAscending(ages);
  return {
    p50Ms: percentileSorted(ordered, 0.5),
    p99Ms: percentileSorted(ordered, 0.99),
    maxMs: ordered.length ? (ordered[ordered.length - 1] as number) : Number.NaN,
    deliveredFraction: sent.count > 0 ? received.size / sent.count : 0,
    longestStallMs: longest,
    samples: ordered.length,
  };
}

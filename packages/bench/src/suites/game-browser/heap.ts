// The page's JS heap over a game: samples taken right after a forced full GC (so only live
// objects count), the growth from the first to the last, and the least-squares slope. "No
// growth" is judged on the end against the start, with a small margin for what a running game
// legitimately holds at one moment more than at another (a burst of bullets, a text texture).

export interface HeapSample {
  /** Minutes since the first sample. */
  minutes: number;
  usedBytes: number;
}

export interface HeapVerdict {
  startBytes: number;
  endBytes: number;
  growthBytes: number;
  /** Least-squares slope over every sample, bytes per minute. */
  slopeBytesPerMin: number;
  marginBytes: number;
  noGrowth: boolean;
}

/** The larger of these is the margin: 5 % of the start, or 512 KiB. */
export const GROWTH_MARGIN = { fraction: 0.05, bytes: 512 * 1024 } as const;

export function judgeHeap(samples: readonly HeapSample[]): HeapVerdict {
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined) throw new Error('no heap samples');
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.minutes, 0) / n;
  const my = samples.reduce((a, s) => a + s.usedBytes, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.minutes - mx) * (s.usedBytes - my);
    sxx += (s.minutes - mx) ** 2;
  }
  const marginBytes = Math.max(GROWTH_MARGIN.bytes, first.usedBytes * GROWTH_MARGIN.fraction);
  const growthBytes = last.usedBytes - first.usedBytes;
  return {
    startBytes: first.usedBytes,
    endBytes: last.usedBytes,
    growthBytes,
    slopeBytesPerMin: sxx > 0 ? sxy / sxx : 0,
    marginBytes,
    noGrowth: growthBytes <= marginBytes,
  };
}

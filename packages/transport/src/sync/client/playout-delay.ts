// The adaptive interpolation delay: how far behind the estimated server time the client renders.
// It must cover the gap between two snapshots the client actually gets (longer when the rate backs
// off or packets are lost) plus arrival jitter. It rises quickly (so rendering rarely runs out of
// snapshots) and falls slowly (so it does not oscillate); render time stays continuous.

export interface PlayoutOptions {
  /** Never render closer to the server than this (default: one tick). */
  minDelayMs?: number;
  /** Never render further back than this (default 500 ms). */
  maxDelayMs?: number;
  /** Extra safety margin on top of gap and jitter (default 5 ms). */
  marginMs?: number;
}

export class PlayoutDelay {
  private delay: number;
  private gapMs: number;
  private lastArrivalTick: number | undefined;
  private readonly min: number;
  private readonly max: number;
  private readonly margin: number;

  constructor(
    private readonly tickMs: number,
    options: PlayoutOptions = {},
  ) {
    this.min = options.minDelayMs ?? tickMs;
    this.max = options.maxDelayMs ?? 500;
    this.margin = options.marginMs ?? 5;
    this.gapMs = tickMs;
    this.delay = Math.max(this.min, 2 * tickMs + this.margin);
  }

  /** A complete snapshot of `tick` arrived; `jitterMs` is the clock's current arrival scatter. */
  onSnapshot(tick: number, jitterMs: number): void {
    if (this.lastArrivalTick !== undefined && tick > this.lastArrivalTick) {
      const gap = (tick - this.lastArrivalTick) * this.tickMs;
      // Gaps grow the estimate at once, shrink it slowly.
      this.gapMs = gap > this.gapMs ? gap : this.gapMs + (gap - this.gapMs) * 0.05;
    }
    this.lastArrivalTick = tick;
    const target = Math.min(this.max, Math.max(this.min, this.gapMs + 2 * jitterMs + this.margin));
    this.delay += (target - this.delay) * (target > this.delay ? 0.25 : 0.02);
  }

  get delayMs(): number {
    return this.delay;
  }
}

// Estimates the authority's clock on the client. Each complete snapshot says "it was tick T",
// i.e. server time T / tickRate, about one RTT/2 before it arrived; the offset to the local clock
// is smoothed so the estimate moves gently, and re-anchored when it is far off (first packet,
// authority hiccup). Pure: callers pass the local time.

export interface ClockSyncOptions {
  /** EWMA weight of a new sample (default 0.05). */
  smoothing?: number;
  /** An error larger than this re-anchors the clock at once instead of smoothing (default 250 ms). */
  snapMs?: number;
}

export class ClockSync {
  private offset: number | undefined;
  private readonly alpha: number;
  private readonly snapMs: number;
  /** How far samples scatter around the estimate (EWMA of |error|), ms. */
  jitterMs = 0;
  samples = 0;

  constructor(
    private readonly tickMs: number,
    options: ClockSyncOptions = {},
  ) {
    this.alpha = options.smoothing ?? 0.05;
    this.snapMs = options.snapMs ?? 250;
  }

  /** A snapshot of `tick` arrived at local time `nowMs` over a link with round trip `rttMs`. */
  observe(tick: number, rttMs: number, nowMs: number): void {
    const sample = tick * this.tickMs + rttMs / 2 - nowMs;
    this.samples++;
    if (this.offset === undefined || Math.abs(sample - this.offset) > this.snapMs) {
      this.offset = sample;
      this.jitterMs = 0;
      return;
    }
    const error = sample - this.offset;
    this.jitterMs += (Math.abs(error) - this.jitterMs) * 0.1;
    this.offset += error * this.alpha;
  }

  get synced(): boolean {
    return this.offset !== undefined;
  }

  /** Estimated authority time (ms since its tick 0) at local time `nowMs`. */
  serverTime(nowMs: number): number {
    return nowMs + (this.offset ?? 0);
  }

  /** Estimated authority tick (fractional) at local time `nowMs`. */
  serverTick(nowMs: number): number {
    return this.serverTime(nowMs) / this.tickMs;
  }
}

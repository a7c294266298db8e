// Estimates the authority's clock on the client. Each complete snapshot says "it was tick T",
// i.e. server time T / tickRate, about one RTT/2 before it arrived; the offset to the local clock
// is smoothed so the estimate moves gently, and re-anchored when it is far off (first packet,
// authority hiccup). Smoothing is over time, not per sample: a sample's weight grows with the
// time since the previous one, so the estimate follows as fast at 7.5 snapshots/s as at 60. That
// time is measured on the authority's timeline (the tick difference), not by arrival times: a
// packet that arrives late must not gain weight from its own lateness. Pure: callers pass the
// local time.

export interface ClockSyncOptions {
  /** Time constant of the offset smoothing, ms (default 325: weight 0.05 per sample at 60 Hz). */
  timeConstantMs?: number;
  /** Most weight one sample gets, however long since the previous one (default 0.5). */
  maxWeight?: number;
  /** An error larger than this re-anchors the clock at once instead of smoothing (default 250 ms). */
  snapMs?: number;
}

export class ClockSync {
  private offset: number | undefined;
  private lastTick: number | undefined;
  private readonly tauMs: number;
  private readonly maxWeight: number;
  private readonly snapMs: number;
  /** How far samples scatter around the estimate (time-weighted average of |error|), ms. */
  jitterMs = 0;
  samples = 0;

  constructor(
    private readonly tickMs: number,
    options: ClockSyncOptions = {},
  ) {
    this.tauMs = options.timeConstantMs ?? 325;
    this.maxWeight = options.maxWeight ?? 0.5;
    this.snapMs = options.snapMs ?? 250;
  }

  /** A snapshot of `tick` arrived at local time `nowMs` over a link with round trip `rttMs`. */
  observe(tick: number, rttMs: number, nowMs: number): void {
    const sample = tick * this.tickMs + rttMs / 2 - nowMs;
    const elapsed = this.lastTick === undefined ? 0 : Math.max(0, (tick - this.lastTick) * this.tickMs);
    this.lastTick = tick;
    this.samples++;
    if (this.offset === undefined || Math.abs(sample - this.offset) > this.snapMs) {
      this.offset = sample;
      this.jitterMs = 0;
      return;
    }
    const error = sample - this.offset;
    // Jitter is tracked twice as fast as the offset (weight 0.1 per sample at 60 Hz).
    this.jitterMs += (Math.abs(error) - this.jitterMs) * this.weight(elapsed, this.tauMs / 2);
    this.offset += error * this.weight(elapsed, this.tauMs);
  }

  private weight(elapsedMs: number, tauMs: number): number {
    return Math.min(this.maxWeight, 1 - Math.exp(-elapsedMs / tauMs));
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

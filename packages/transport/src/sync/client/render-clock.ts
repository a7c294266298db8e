// The client's render clock: the server-timeline time the picture shows. It is steered toward a
// target (estimated server time minus the playout delay) by running slightly slower or faster than
// the local clock, at most `maxRateChange` off 1:1, so changes of the delay or of the clock
// estimate spread over wall time instead of stepping. The rate offset is proportional to the
// remaining error (time constant `settleMs`), capped at `maxRateChange`: small corrections are
// gentle and the rate never switches abruptly between 1× and the bound. It never runs past a ceiling (the newest
// snapshot plus the extrapolation bound): there it waits, as the picture holds anyway, and resumes
// from there without a jump when snapshots come back. Between two steers it is a pure function of
// local time, non-decreasing: render time never steps back between two samples. The one exception
// is a target more than `resetMs` away (the authority's timeline itself jumped): then it
// re-anchors at once and counts a reset. Pure: callers pass the local time.

export interface RenderClockOptions {
  /** Largest deviation of the render clock's rate from real time (default 0.1: 0.9× to 1.1×). */
  maxRateChange?: number;
  /** Time constant of the correction while it is below the rate cap (default 250 ms). */
  settleMs?: number;
  /** A target further than this from render time re-anchors at once (default 1000 ms). */
  resetMs?: number;
}

export class RenderClock {
  private anchorNow: number | undefined;
  private anchorRender = 0;
  /** Correction still to apply after the anchor (target − render there), ms. */
  private error = 0;
  private ceiling = Infinity;
  private readonly rate: number;
  private readonly settleMs: number;
  private readonly resetMs: number;
  /** Times the render clock re-anchored instead of slewing (first anchor not counted). */
  resets = 0;

  constructor(options: RenderClockOptions = {}) {
    const rate = options.maxRateChange ?? 0.1;
    if (!(rate > 0 && rate < 1)) throw new RangeError('sync: maxRateChange must be in (0, 1)');
    this.rate = rate;
    this.settleMs = options.settleMs ?? 250;
    if (!(this.settleMs > 0)) throw new RangeError('sync: settleMs must be positive');
    this.resetMs = options.resetMs ?? 1000;
  }

  get anchored(): boolean {
    return this.anchorNow !== undefined;
  }

  /** Render time (ms on the server timeline) at local time `nowMs`; NaN before the first steer. */
  at(nowMs: number): number {
    if (this.anchorNow === undefined) return NaN;
    const dt = nowMs - this.anchorNow;
    // Before the anchor (a caller asking about the past): plain 1:1, still increasing.
    if (dt <= 0) return Math.min(this.ceiling, this.anchorRender + dt);
    const correction = this.correction(Math.abs(this.error), dt);
    return Math.min(this.ceiling, this.anchorRender + dt + (this.error < 0 ? -correction : correction));
  }

  /**
   * How much of an error `e` is corrected `dt` after the anchor: at the capped rate while the
   * error exceeds rate × settleMs (the knee), then exponentially, so the slope (the rate offset)
   * is continuous and never above the cap.
   */
  private correction(e: number, dt: number): number {
    const knee = this.rate * this.settleMs;
    const linearFor = Math.max(0, (e - knee) / this.rate);
    if (dt <= linearFor) return this.rate * dt;
    const left = Math.min(e, knee);
    return e - left + left * (1 - Math.exp(-(dt - linearFor) / this.settleMs));
  }

  /** Render time never passes `ceilingMs` (server timeline); a ceiling only ever rises. */
  limit(ceilingMs: number): void {
    this.ceiling = this.ceiling === Infinity ? ceilingMs : Math.max(this.ceiling, ceilingMs);
  }

  /** Sets where render time should be: `targetMs` on the server timeline at local time `nowMs`. */
  steer(targetMs: number, nowMs: number): void {
    if (this.anchorNow === undefined) {
      this.anchorNow = nowMs;
      this.anchorRender = targetMs;
      this.error = 0;
      return;
    }
    // A steer for a local time before the anchor keeps the anchor (render time stays a function
    // of local time); its target is moved to the anchor 1:1.
    const now = Math.max(nowMs, this.anchorNow);
    const target = targetMs + (now - nowMs);
    const current = this.at(now);
    this.anchorNow = now;
    if (Math.abs(target - current) > this.resetMs) {
      this.anchorRender = target;
      this.error = 0;
      this.resets++;
      return;
    }
    this.anchorRender = current;
    this.error = target - current;
  }
}

// The adaptive interpolation delay: how far behind the estimated server time the client aims to
// render. It must cover the gap between two snapshots the client actually gets (longer when the
// rate backs off or packets are lost) plus arrival jitter. The gap estimate rises at once with a
// longer gap and decays over server time (not per snapshot, so it behaves the same at any send
// rate). This is only the target: the render clock (render-clock.ts) moves toward it gradually,
// so a change of the target never makes render time step; this module must not touch time itself.

export interface PlayoutOptions {
  /** Never render closer to the server than this (default: one tick). */
  minDelayMs?: number;
  /** Never render further back than this (default 500 ms). */
  maxDelayMs?: number;
  /** Extra safety margin on top of gap and jitter (default 5 ms). */
  marginMs?: number;
  /** Time constant of the gap estimate's decay after gaps shorten, server ms (default 1000). */
  gapDecayMs?: number;
}

export class PlayoutDelay {
  private target: number;
  private gapMs: number;
  private lastArrivalTick: number | undefined;
  private readonly min: number;
  private readonly max: number;
  private readonly margin: number;
  private readonly decayMs: number;

  constructor(
    private readonly tickMs: number,
    options: PlayoutOptions = {},
  ) {
    this.min = options.minDelayMs ?? tickMs;
    this.max = options.maxDelayMs ?? 500;
    this.margin = options.marginMs ?? 5;
    this.decayMs = options.gapDecayMs ?? 1000;
    this.gapMs = tickMs;
    this.target = Math.max(this.min, 2 * tickMs + this.margin);
  }

  /** A complete snapshot of `tick` arrived; `jitterMs` is the clock's current arrival scatter. */
  onSnapshot(tick: number, jitterMs: number): void {
    if (this.lastArrivalTick !== undefined && tick > this.lastArrivalTick) {
      const gap = (tick - this.lastArrivalTick) * this.tickMs;
      // Gaps grow the estimate at once; shorter ones pull it down by how much server time passed.
      this.gapMs =
        gap > this.gapMs ? gap : this.gapMs + (gap - this.gapMs) * (1 - Math.exp(-gap / this.decayMs));
    }
    this.lastArrivalTick = tick;
    this.target = Math.min(this.max, Math.max(this.min, this.gapMs + 2 * jitterMs + this.margin));
  }

  /** The delay render time is steered toward, ms. */
  get delayMs(): number {
    return this.target;
  }
}

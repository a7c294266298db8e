// Per-client send-rate adaptation. Reads what the link reports (send buffer, loss, RTT) and backs
// off multiplicatively when it looks congested: snapshots every 2nd, 4th… tick and a lower detail
// level handed to the interest hook; it recovers one step at a time once the link stays clear.
// Pure: time comes in as an argument, so tests drive it without timers.

export interface RateOptions {
  /** Largest send-every-n-ticks divider (default 8: 60 Hz → 7.5 Hz). */
  maxDivider?: number;
  /** Lowest detail level (default 0.25). */
  minDetail?: number;
  /** Send buffer above this many bytes means congestion (default 32 KiB). */
  bufferedHighBytes?: number;
  /** Loss fraction above this means congestion (default 0.1). */
  lossHigh?: number;
  /** Smoothed RTT above this and above twice the lowest seen means congestion (default 300 ms). */
  rttHighMs?: number;
  /** Minimum time between two back-off steps (default 250 ms). */
  backoffIntervalMs?: number;
  /** Clear time needed before each recovery step (default 1000 ms). */
  recoverAfterMs?: number;
}

export interface LinkSample {
  nowMs: number;
  bufferedAmount: number;
  /** Worst of the loss fractions known for this client's link (0..1). */
  lossFraction: number;
  srttMs: number | undefined;
}

export type CongestionReason = 'buffer' | 'loss' | 'rtt';

export interface RateStats {
  /** Snapshots go out every `divider` ticks. */
  divider: number;
  sendRateHz: number;
  /** 1 = full detail; lower asks the interest hook for less. */
  detail: number;
  congested: boolean;
  reason: CongestionReason | undefined;
  backoffs: number;
  recoveries: number;
}

export class RateController {
  private readonly o: Required<RateOptions>;
  private divider = 1;
  private detail = 1;
  private lastChange = -Infinity;
  private lastBackoff = -Infinity;
  private clearSince: number | undefined;
  private minRtt = Infinity;
  private reason: CongestionReason | undefined;
  private backoffs = 0;
  private recoveries = 0;

  constructor(
    private readonly tickRate: number,
    options: RateOptions = {},
  ) {
    this.o = {
      maxDivider: options.maxDivider ?? 8,
      minDetail: options.minDetail ?? 0.25,
      bufferedHighBytes: options.bufferedHighBytes ?? 32 * 1024,
      lossHigh: options.lossHigh ?? 0.1,
      rttHighMs: options.rttHighMs ?? 300,
      backoffIntervalMs: options.backoffIntervalMs ?? 250,
      recoverAfterMs: options.recoverAfterMs ?? 1000,
    };
  }

  update(sample: LinkSample): void {
    const { nowMs } = sample;
    if (sample.srttMs !== undefined) this.minRtt = Math.min(this.minRtt, sample.srttMs);
    this.reason =
      sample.bufferedAmount > this.o.bufferedHighBytes
        ? 'buffer'
        : sample.lossFraction > this.o.lossHigh
          ? 'loss'
          : sample.srttMs !== undefined && sample.srttMs > this.o.rttHighMs && sample.srttMs > 2 * this.minRtt
            ? 'rtt'
            : undefined;
    if (this.reason !== undefined) {
      this.clearSince = undefined;
      // Back-offs are spaced so one congestion episode is not counted many times over.
      if (nowMs - this.lastBackoff < this.o.backoffIntervalMs) return;
      if (this.divider < this.o.maxDivider || this.detail > this.o.minDetail) {
        this.divider = Math.min(this.o.maxDivider, this.divider * 2);
        this.detail = Math.max(this.o.minDetail, this.detail * 0.75);
        this.lastChange = nowMs;
        this.lastBackoff = nowMs;
        this.backoffs++;
      }
      return;
    }
    this.clearSince ??= nowMs;
    const clearFor = nowMs - Math.max(this.clearSince, this.lastChange);
    if (clearFor >= this.o.recoverAfterMs && (this.divider > 1 || this.detail < 1)) {
      this.divider = Math.max(1, this.divider - 1);
      this.detail = Math.min(1, this.detail + 0.25);
      this.lastChange = nowMs;
      this.recoveries++;
    }
  }

  /** Whether a snapshot goes out on this tick. */
  shouldSend(tick: number): boolean {
    return tick % this.divider === 0;
  }

  get detailLevel(): number {
    return this.detail;
  }

  stats(): RateStats {
    return {
      divider: this.divider,
      sendRateHz: this.tickRate / this.divider,
      detail: this.detail,
      congested: this.reason !== undefined,
      reason: this.reason,
      backoffs: this.backoffs,
      recoveries: this.recoveries,
    };
  }
}

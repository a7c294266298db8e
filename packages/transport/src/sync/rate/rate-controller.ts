// Per-client send-rate adaptation. Reads what the link reports (send buffer, loss, RTT) and backs
// off multiplicatively when it looks congested: snapshots every 2nd, 4th… tick and a lower detail
// level handed to the interest hook; it recovers one step at a time once the link stays clear.
// Congestion means queueing: a full send buffer, a high RTT, or loss that comes with a rising RTT
// or a filling buffer. Loss alone (random loss on a lossy radio link) is a weak signal: sending
// less would only make the gaps between snapshots longer, so it backs off only above a high loss
// level and never below `lossMinRateHz`, and a rate backed off further recovers to that cap.
// Pure: time comes in as an argument, so tests drive it without timers.

export interface RateOptions {
  /** Largest send-every-n-ticks divider (default 8: 60 Hz → 7.5 Hz). */
  maxDivider?: number;
  /** Lowest detail level (default 0.25). */
  minDetail?: number;
  /** Send buffer above this many bytes means congestion (default 32 KiB). */
  bufferedHighBytes?: number;
  /** Loss fraction above this means congestion when the link also queues (default 0.1). */
  lossHigh?: number;
  /** Smoothed RTT this far above the lowest seen means packets queue (default 40 ms). */
  queueDelayMs?: number;
  /** Loss fraction above this backs off even without queueing, within the limits below (default 0.3). */
  lossOnlyHigh?: number;
  /** Loss without queueing never takes the send rate below this (default 30 Hz). */
  lossMinRateHz?: number;
  /** Loss without queueing never takes the detail level below this (default 0.75). */
  lossMinDetail?: number;
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

/** 'loss': loss with queueing (congestion); 'loss-only': heavy loss without queueing (limited back-off). */
export type CongestionReason = 'buffer' | 'loss' | 'rtt' | 'loss-only';

export interface RateStats {
  /** Snapshots go out every `divider` ticks. */
  divider: number;
  sendRateHz: number;
  /** 1 = full detail; lower asks the interest hook for less. */
  detail: number;
  /** A congestion signal (buffer, RTT, or loss with queueing) is present now. */
  congested: boolean;
  /** The signal present now, if any (also 'loss-only'). */
  reason: CongestionReason | undefined;
  backoffs: number;
  recoveries: number;
  /** The last change of rate or detail: why ('recovery' when the signals cleared) and when. */
  lastChange: { cause: CongestionReason | 'recovery'; atMs: number } | undefined;
}

interface Limit {
  divider: number;
  detail: number;
}

export class RateController {
  private readonly o: Required<RateOptions>;
  private readonly full: Limit;
  private readonly lossOnly: Limit;
  private readonly clear: Limit = { divider: 1, detail: 1 };
  private divider = 1;
  private detail = 1;
  private lastChange = -Infinity;
  private lastBackoff = -Infinity;
  private clearSince: number | undefined;
  private minRtt = Infinity;
  private reason: CongestionReason | undefined;
  private change: RateStats['lastChange'];
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
      queueDelayMs: options.queueDelayMs ?? 40,
      lossOnlyHigh: options.lossOnlyHigh ?? 0.3,
      lossMinRateHz: options.lossMinRateHz ?? 30,
      lossMinDetail: options.lossMinDetail ?? 0.75,
      rttHighMs: options.rttHighMs ?? 300,
      backoffIntervalMs: options.backoffIntervalMs ?? 250,
      recoverAfterMs: options.recoverAfterMs ?? 1000,
    };
    this.full = { divider: this.o.maxDivider, detail: this.o.minDetail };
    this.lossOnly = {
      divider: Math.max(1, Math.min(this.o.maxDivider, Math.floor(tickRate / this.o.lossMinRateHz))),
      detail: Math.min(1, Math.max(this.o.minDetail, this.o.lossMinDetail)),
    };
  }

  update(sample: LinkSample): void {
    const { nowMs } = sample;
    this.reason = this.classify(sample);
    const limit =
      this.reason === undefined ? this.clear : this.reason === 'loss-only' ? this.lossOnly : this.full;
    // Backed off further than the present signal justifies (e.g. congestion gave way to loss alone).
    const over = this.divider > limit.divider || this.detail < limit.detail;
    if (this.reason !== undefined && !over) {
      this.clearSince = undefined;
      // Back-offs are spaced so one congestion episode is not counted many times over.
      if (nowMs - this.lastBackoff < this.o.backoffIntervalMs) return;
      if (this.divider < limit.divider || this.detail > limit.detail) {
        this.divider = Math.min(limit.divider, this.divider * 2);
        this.detail = Math.max(limit.detail, this.detail * 0.75);
        this.lastChange = nowMs;
        this.lastBackoff = nowMs;
        this.backoffs++;
        this.change = { cause: this.reason, atMs: nowMs };
      }
      return;
    }
    // Recovery probes upward one step per clear interval, down to what the signal still allows.
    this.clearSince ??= nowMs;
    const clearFor = nowMs - Math.max(this.clearSince, this.lastChange);
    if (over && clearFor >= this.o.recoverAfterMs) {
      this.divider = Math.max(limit.divider, this.divider - 1);
      if (this.detail < limit.detail) this.detail = Math.min(limit.detail, this.detail + 0.25);
      this.lastChange = nowMs;
      this.recoveries++;
      this.change = { cause: 'recovery', atMs: nowMs };
    }
  }

  private classify(sample: LinkSample): CongestionReason | undefined {
    const { bufferedAmount, lossFraction, srttMs } = sample;
    if (srttMs !== undefined) this.minRtt = Math.min(this.minRtt, srttMs);
    if (bufferedAmount > this.o.bufferedHighBytes) return 'buffer';
    const queueing =
      bufferedAmount > this.o.bufferedHighBytes / 4 ||
      (srttMs !== undefined && srttMs - this.minRtt > this.o.queueDelayMs);
    if (lossFraction > this.o.lossHigh && queueing) return 'loss';
    if (srttMs !== undefined && srttMs > this.o.rttHighMs && srttMs > 2 * this.minRtt) return 'rtt';
    if (lossFraction > this.o.lossOnlyHigh) return 'loss-only';
    return undefined;
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
      congested: this.reason !== undefined && this.reason !== 'loss-only',
      reason: this.reason,
      backoffs: this.backoffs,
      recoveries: this.recoveries,
      lastChange: this.change === undefined ? undefined : { ...this.change },
    };
  }
}

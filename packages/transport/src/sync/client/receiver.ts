// The client's sync engine without networking: decodes snapshot packets against its baselines,
// assembles complete ticks, and feeds the clock estimate, the adaptive delay, the render clock and
// the interpolation buffer. Every rejected packet is counted by reason and changes nothing.
// Render time comes from the render clock only, so it never steps back between two samples.
import type { SyncSchema } from '../schema/define.js';
import { SnapshotAssembler } from '../snapshot/assembler.js';
import { CHAIN_BROKEN, SnapshotDecoder } from '../snapshot/decoder.js';
import { peekTick } from '../snapshot/header.js';
import type { EntityValue, Snapshot, SyncRejectReason } from '../snapshot/types.js';
import { ClockSync, type ClockSyncOptions } from './clock-sync.js';
import { InterpolationBuffer, type Sample } from './interpolation.js';
import { PlayoutDelay, type PlayoutOptions } from './playout-delay.js';
import { RenderClock, type RenderClockOptions } from './render-clock.js';

export interface ReceiverOptions {
  tickRate: number;
  /** Complete snapshots kept as possible baselines (default 128). */
  historySize?: number;
  clock?: ClockSyncOptions;
  playout?: PlayoutOptions;
  /** How fast render time may run off real time while it follows the delay (default ±10%). */
  render?: RenderClockOptions;
  /** Longest extrapolation past the newest snapshot (default 250 ms). */
  maxExtrapolationMs?: number;
  /** Generate specialised decode code per entity type (default true; false forces the generic loop). */
  codegen?: boolean;
}

export type ReceiveOutcome =
  | { kind: 'complete'; snapshot: Snapshot<EntityValue> }
  | { kind: 'partial' | 'stale' | 'duplicate' | 'chain-broken' }
  | { kind: 'rejected'; reason: SyncRejectReason; message: string };

export interface ReceiverStats {
  /** Snapshot packets (parts) received, whatever became of them, and their bytes. */
  packetsReceived: number;
  bytesReceived: number;
  /** Ticks whose every part arrived (each became the newest snapshot). */
  snapshotsCompleted: number;
  /**
   * Ticks skipped between consecutive completed snapshots: lost (or incomplete) snapshots, plus
   * ticks the authority did not send on purpose while its send rate is backed off.
   */
  missedTicks: number;
  /** Parts of a tick no newer than the newest complete snapshot (late, reordered): skipped. */
  stale: number;
  /** Parts that arrived twice for a tick still being assembled: skipped. */
  duplicates: number;
  /** Chained deltas whose (unacknowledged) baseline tick never completed here: skipped. */
  chainBroken: number;
  /** Packets dropped whole because they failed validation, by reason. */
  rejected: Partial<Record<SyncRejectReason, number>>;
  latestTick: number | undefined;
  /** How far render time was behind the estimated server time at the newest snapshot, ms. */
  interpolationDelayMs: number;
  /** The delay the render clock is steering toward (snapshot gaps + jitter + margin), ms. */
  targetDelayMs: number;
  /** Times render time re-anchored instead of slewing (the authority's timeline jumped). */
  renderResets: number;
  clockJitterMs: number;
}

export class SyncReceiver {
  readonly clock: ClockSync;
  readonly playout: PlayoutDelay;
  readonly buffer: InterpolationBuffer;
  readonly renderClock: RenderClock;
  /** Newest input sequence the authority had applied when it sent the latest snapshot. */
  inputAck: number | undefined;
  private readonly decoder: SnapshotDecoder;
  private readonly assembler: SnapshotAssembler;
  private readonly tickMs: number;
  private readonly maxExtrapolationMs: number;
  private readonly keepSlackMs = 100;
  private delayAtLatest = 0;
  private readonly counts = {
    packetsReceived: 0,
    bytesReceived: 0,
    snapshotsCompleted: 0,
    missedTicks: 0,
    stale: 0,
    duplicates: 0,
    chainBroken: 0,
  };
  private readonly rejected: Partial<Record<SyncRejectReason, number>> = {};

  constructor(
    readonly schema: SyncSchema,
    options: ReceiverOptions,
  ) {
    this.tickMs = 1000 / options.tickRate;
    this.maxExtrapolationMs = options.maxExtrapolationMs ?? 250;
    this.decoder = new SnapshotDecoder(schema, { codegen: options.codegen !== false });
    this.assembler = new SnapshotAssembler({ historySize: options.historySize ?? 128, maxPendingTicks: 8 });
    this.clock = new ClockSync(this.tickMs, options.clock);
    this.playout = new PlayoutDelay(this.tickMs, options.playout);
    this.renderClock = new RenderClock(options.render);
    this.buffer = new InterpolationBuffer(schema, this.tickMs, {
      maxExtrapolationMs: this.maxExtrapolationMs,
    });
  }

  /** The newest complete snapshot (what the client acknowledges). */
  get latest(): Snapshot<EntityValue> | undefined {
    return this.assembler.latest;
  }

  receive(bytes: Uint8Array, nowMs: number, rttMs: number): ReceiveOutcome {
    this.counts.packetsReceived++;
    this.counts.bytesReceived += bytes.byteLength;
    // Parts of ticks older than the newest complete one are late: skip them without decoding.
    const tick = peekTick(bytes);
    if (tick !== undefined && !this.assembler.wants(tick)) {
      this.counts.stale++;
      return { kind: 'stale' };
    }
    const decoded = this.decoder.decode(bytes, (tick) => this.assembler.baseline(tick));
    if (!decoded.ok) {
      if (decoded.reason !== CHAIN_BROKEN) return this.reject(decoded.reason, decoded.message);
      this.counts.chainBroken++;
      return { kind: 'chain-broken' };
    }
    const previous = this.assembler.latest?.tick;
    const outcome = this.assembler.add(decoded.part);
    switch (outcome.kind) {
      case 'complete': {
        const { tick } = outcome.snapshot;
        this.counts.snapshotsCompleted++;
        if (previous !== undefined) this.counts.missedTicks += tick - previous - 1;
        this.inputAck = decoded.part.inputAck;
        this.clock.observe(tick, rttMs, nowMs);
        this.playout.onSnapshot(tick, this.clock.jitterMs);
        const serverTime = this.clock.serverTime(nowMs);
        this.renderClock.steer(serverTime - this.playout.delayMs, nowMs);
        // Only after steering (which anchors where render time is now, possibly waiting at the
        // old ceiling): render time may now run up to the extrapolation bound past this tick.
        this.renderClock.limit(tick * this.tickMs + this.maxExtrapolationMs);
        this.delayAtLatest = serverTime - this.renderClock.at(nowMs);
        this.buffer.push(outcome.snapshot);
        // Render time only moves forward: keep what it (plus slack for callers asking about a
        // slightly earlier time) can still use.
        this.buffer.forgetBefore(this.renderTick(nowMs) - this.keepSlackMs / this.tickMs);
        return outcome;
      }
      case 'rejected':
        return this.reject(outcome.reason, 'parts of one tick disagree');
      case 'stale':
        this.counts.stale++;
        return outcome;
      case 'duplicate':
        this.counts.duplicates++;
        return outcome;
      case 'partial':
        return outcome;
    }
  }

  /** Interpolated entities at local time `nowMs` (render time = server time - adaptive delay). */
  sample(nowMs: number): Sample {
    return this.buffer.sample(this.renderTick(nowMs));
  }

  /** Fractional server tick rendered at local time `nowMs` (non-decreasing in `nowMs`). */
  renderTick(nowMs: number): number {
    if (!this.renderClock.anchored)
      return (this.clock.serverTime(nowMs) - this.playout.delayMs) / this.tickMs;
    return this.renderClock.at(nowMs) / this.tickMs;
  }

  stats(): ReceiverStats {
    return {
      ...this.counts,
      rejected: { ...this.rejected },
      latestTick: this.assembler.latest?.tick,
      interpolationDelayMs: this.delayAtLatest,
      targetDelayMs: this.playout.delayMs,
      renderResets: this.renderClock.resets,
      clockJitterMs: this.clock.jitterMs,
    };
  }

  private reject(reason: SyncRejectReason, message: string): ReceiveOutcome {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    return { kind: 'rejected', reason, message };
  }
}

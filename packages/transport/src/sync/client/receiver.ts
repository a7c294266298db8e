// The client's sync engine without networking: decodes snapshot packets against its baselines,
// assembles complete ticks, and feeds the clock estimate, the adaptive delay and the
// interpolation buffer. Every rejected packet is counted by reason and changes nothing.
import type { SyncSchema } from '../schema/define.js';
import { SnapshotAssembler } from '../snapshot/assembler.js';
import { SnapshotDecoder } from '../snapshot/decoder.js';
import { peekTick } from '../snapshot/header.js';
import type { EntityValue, Snapshot, SyncRejectReason } from '../snapshot/types.js';
import { ClockSync, type ClockSyncOptions } from './clock-sync.js';
import { InterpolationBuffer, type Sample } from './interpolation.js';
import { PlayoutDelay, type PlayoutOptions } from './playout-delay.js';

export interface ReceiverOptions {
  tickRate: number;
  /** Complete snapshots kept as possible baselines (default 128). */
  historySize?: number;
  clock?: ClockSyncOptions;
  playout?: PlayoutOptions;
  /** Longest extrapolation past the newest snapshot (default 250 ms). */
  maxExtrapolationMs?: number;
  /** Generate specialised decode code per entity type (default true; false forces the generic loop). */
  codegen?: boolean;
}

export type ReceiveOutcome =
  | { kind: 'complete'; snapshot: Snapshot<EntityValue> }
  | { kind: 'partial' | 'stale' | 'duplicate' }
  | { kind: 'rejected'; reason: SyncRejectReason; message: string };

export interface ReceiverStats {
  packetsReceived: number;
  bytesReceived: number;
  snapshotsCompleted: number;
  /** Parts of ticks already superseded, and repeated parts. */
  stale: number;
  duplicates: number;
  rejected: Partial<Record<SyncRejectReason, number>>;
  latestTick: number | undefined;
  interpolationDelayMs: number;
  clockJitterMs: number;
}

export class SyncReceiver {
  readonly clock: ClockSync;
  readonly playout: PlayoutDelay;
  readonly buffer: InterpolationBuffer;
  /** Newest input sequence the authority had applied when it sent the latest snapshot. */
  inputAck: number | undefined;
  private readonly decoder: SnapshotDecoder;
  private readonly assembler: SnapshotAssembler;
  private readonly tickMs: number;
  private readonly keepSlackMs = 100;
  private readonly counts = {
    packetsReceived: 0,
    bytesReceived: 0,
    snapshotsCompleted: 0,
    stale: 0,
    duplicates: 0,
  };
  private readonly rejected: Partial<Record<SyncRejectReason, number>> = {};

  constructor(
    readonly schema: SyncSchema,
    options: ReceiverOptions,
  ) {
    this.tickMs = 1000 / options.tickRate;
    this.decoder = new SnapshotDecoder(schema, { codegen: options.codegen !== false });
    this.assembler = new SnapshotAssembler({ historySize: options.historySize ?? 128, maxPendingTicks: 8 });
    this.clock = new ClockSync(this.tickMs, options.clock);
    this.playout = new PlayoutDelay(this.tickMs, options.playout);
    this.buffer = new InterpolationBuffer(schema, this.tickMs, {
      maxExtrapolationMs: options.maxExtrapolationMs ?? 250,
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
    if (!decoded.ok) return this.reject(decoded.reason, decoded.message);
    const outcome = this.assembler.add(decoded.part);
    switch (outcome.kind) {
      case 'complete':
        this.counts.snapshotsCompleted++;
        this.inputAck = decoded.part.inputAck;
        this.clock.observe(outcome.snapshot.tick, rttMs, nowMs);
        this.playout.onSnapshot(outcome.snapshot.tick, this.clock.jitterMs);
        this.buffer.push(outcome.snapshot);
        // Keep what the render time (delay behind the newest, plus slack for clock drift) can use.
        this.buffer.forgetBefore(
          outcome.snapshot.tick - Math.ceil((this.playout.delayMs + this.keepSlackMs) / this.tickMs),
        );
        return outcome;
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

  renderTick(nowMs: number): number {
    return (this.clock.serverTime(nowMs) - this.playout.delayMs) / this.tickMs;
  }

  stats(): ReceiverStats {
    return {
      ...this.counts,
      rejected: { ...this.rejected },
      latestTick: this.assembler.latest?.tick,
      interpolationDelayMs: this.playout.delayMs,
      clockJitterMs: this.clock.jitterMs,
    };
  }

  private reject(reason: SyncRejectReason, message: string): ReceiveOutcome {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    return { kind: 'rejected', reason, message };
  }
}

// Everything the authority tracks for one client: the snapshots it sent (possible baselines), the
// newest one the client acknowledged, its input queue, its send-rate controller and its counters.
// Acks for ticks this client was never sent are ignored, so a client can only hurt itself. Its
// guard (guard.ts) budgets its packets and inputs and notices when it stops acknowledging.
import type { InputSchema } from '../schema/define.js';
import { decodeInputPacket } from '../input/input-packet.js';
import { InputBuffer, type InputBufferStats } from '../input/input-buffer.js';
import { PeerGuard, type GuardOptions, type GuardStats } from './guard.js';
import { RateController, type RateOptions, type RateStats } from '../rate/rate-controller.js';
import type { Snapshot, SyncRejectReason } from '../snapshot/types.js';
import { ReferenceChooser, type Reference } from './reference.js';

export interface PeerLink {
  bufferedAmount: number;
  lossFraction: number;
  srttMs: number | undefined;
}

export interface PeerTransport {
  /** Sends the parts of one tick (each an independent unreliable packet). */
  sendSnapshot(parts: readonly Uint8Array[], tick: number): void;
  /** Link numbers for send-rate adaptation; without it the rate never backs off. */
  link?(): PeerLink;
  /** False while the client cannot receive yet (e.g. still connecting): it is skipped. */
  ready?(): boolean;
}

export interface PeerStats {
  snapshotsSent: number;
  packetsSent: number;
  bytesSent: number;
  /** Snapshots sent without a baseline (first contact, or the baseline aged out). */
  fullSnapshots: number;
  /** Newest tick the client acknowledged, and how far behind the current tick it is. */
  ackedTick: number | undefined;
  ackLagTicks: number | undefined;
  /** Client packets dropped whole, by reason. */
  rejected: Partial<Record<SyncRejectReason, number>>;
  /** Acks naming a tick this client was not sent (or that aged out). */
  ignoredAcks: number;
  /** Downstream loss the client reports. */
  reportedLoss: number;
  inputs: InputBufferStats & { pending: number; lastProcessed: number };
  rate: RateStats;
  /** Budgets, acknowledgement health and the violation that ended the client, if any. */
  guard: GuardStats;
}

export class AuthorityPeer<I = Record<string, unknown>> {
  readonly sent = new Map<number, Snapshot>();
  ackedTick: number | undefined;
  readonly inputs = new InputBuffer<I>();
  readonly rate: RateController;
  readonly guard: PeerGuard;
  /**
   * Whether this client may send `input` (set by the glue from the game's ownership rule): an
   * input commanding an entity the client does not own is dropped and counted.
   */
  owns: ((input: I) => boolean) | undefined;
  reportedLoss = 0;
  /** The connection's own loss estimate, as last read from the link. */
  linkLoss = 0;
  private readonly chooser = new ReferenceChooser();
  private readonly counters = {
    snapshotsSent: 0,
    packetsSent: 0,
    bytesSent: 0,
    fullSnapshots: 0,
    ignoredAcks: 0,
  };
  private readonly rejected: Partial<Record<SyncRejectReason, number>> = {};
  private currentTick = 0;

  constructor(
    readonly id: number,
    readonly transport: PeerTransport,
    private readonly inputSchema: InputSchema | undefined,
    tickRate: number,
    rate: RateOptions,
    guard: GuardOptions = {},
  ) {
    this.rate = new RateController(tickRate, rate);
    this.guard = new PeerGuard(tickRate, guard);
  }

  /** Handles one client packet (ack + inputs). Returns the rejection reason if it was dropped. */
  receive(bytes: Uint8Array): SyncRejectReason | undefined {
    // Over the packet budget: dropped before the decoder spends anything on it (counted by the guard).
    if (!this.guard.admitPacket()) return undefined;
    const outcome = decodeInputPacket(this.inputSchema, bytes);
    if (!outcome.ok) {
      this.rejected[outcome.reason] = (this.rejected[outcome.reason] ?? 0) + 1;
      return outcome.reason;
    }
    const { packet } = outcome;
    const ack = packet.ackTick;
    // An ack older than the current one is a reordered packet: nothing to do.
    if (ack !== undefined && (this.ackedTick === undefined || ack > this.ackedTick)) {
      if (this.sent.has(ack)) {
        this.ackedTick = ack;
        this.guard.acked(ack);
        // Baselines only move forward: anything older than the ack is never needed again.
        for (const tick of this.sent.keys()) {
          if (tick >= ack) break;
          this.sent.delete(tick);
        }
      } else {
        this.counters.ignoredAcks++;
      }
    }
    this.reportedLoss = packet.loss;
    if (outcome.values.length > 0) {
      this.inputs.accept(packet.newestSeq, outcome.values as I[], (input) => {
        if (this.owns !== undefined && !this.owns(input)) return 'not-owned';
        return this.guard.admitInput() ? undefined : 'over-budget';
      });
    }
    return undefined;
  }

  /** The snapshot to code the next delta against, if the client acknowledged one still held. */
  baseline(): Snapshot | undefined {
    return this.ackedTick === undefined ? undefined : this.sent.get(this.ackedTick);
  }

  /** What the next snapshot is coded against (reference.ts): acked, chained, or nothing (full). */
  reference(tick: number, chainTicks: number, loss: number): Reference {
    return this.chooser.next(tick, this.sent, this.baseline(), chainTicks, loss);
  }

  recordSent(snapshot: Snapshot, parts: readonly Uint8Array[], full: boolean, historyTicks: number): void {
    this.currentTick = snapshot.tick;
    this.chooser.sentTick(snapshot.tick);
    this.guard.sent(snapshot.tick);
    this.sent.set(snapshot.tick, snapshot);
    for (const tick of this.sent.keys()) {
      if (tick > snapshot.tick - historyTicks) break;
      this.sent.delete(tick);
    }
    if (this.ackedTick !== undefined && !this.sent.has(this.ackedTick)) this.ackedTick = undefined;
    this.counters.snapshotsSent++;
    this.counters.packetsSent += parts.length;
    for (const part of parts) this.counters.bytesSent += part.byteLength;
    if (full) this.counters.fullSnapshots++;
  }

  stats(): PeerStats {
    return {
      ...this.counters,
      ackedTick: this.ackedTick,
      ackLagTicks: this.ackedTick === undefined ? undefined : this.currentTick - this.ackedTick,
      rejected: { ...this.rejected },
      reportedLoss: this.reportedLoss,
      inputs: { ...this.inputs.stats, pending: this.inputs.pending, lastProcessed: this.inputs.lastTaken },
      rate: this.rate.stats(),
      guard: this.guard.stats(),
    };
  }
}

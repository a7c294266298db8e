// Receiver side: gathers the decoded parts of each tick, and when every part of a tick newer than
// the current one has arrived, publishes it as the latest complete snapshot and keeps it as a
// possible baseline. A tick with missing parts is never acknowledged, so the authority keeps
// coding against an older snapshot this side still holds. Memory is bounded on hostile input.
import type { DecodedPart } from './decoder.js';
import { ID_LIMIT, type EntitySet, type EntityValue, type Snapshot, type SyncRejectReason } from './types.js';

interface Pending {
  parts: (DecodedPart | undefined)[];
  baselineTick: number | undefined;
  floorTick: number | undefined;
  received: number;
}

export type AssembleOutcome =
  | { kind: 'complete'; snapshot: Snapshot<EntityValue> }
  | { kind: 'partial' }
  | { kind: 'stale' }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; reason: SyncRejectReason };

export class SnapshotAssembler {
  private readonly history = new Map<number, Snapshot<EntityValue>>();
  private readonly pending = new Map<number, Pending>();
  latest: Snapshot<EntityValue> | undefined;

  constructor(
    private readonly options: { historySize: number; maxPendingTicks: number } = {
      historySize: 128,
      maxPendingTicks: 8,
    },
  ) {}

  /** Whether a packet of `tick` can still matter (newer than the latest complete snapshot). */
  wants(tick: number): boolean {
    return this.latest === undefined || tick > this.latest.tick;
  }

  /** A complete snapshot this side still holds, for decoding deltas against it. */
  baseline(tick: number): EntitySet<EntityValue> | undefined {
    return this.history.get(tick);
  }

  add(part: DecodedPart): AssembleOutcome {
    if (this.latest !== undefined && part.tick <= this.latest.tick) return { kind: 'stale' };
    let entry = this.pending.get(part.tick);
    if (entry === undefined) {
      entry = {
        parts: new Array<DecodedPart | undefined>(part.partCount),
        baselineTick: part.baselineTick,
        floorTick: part.floorTick,
        received: 0,
      };
      this.pending.set(part.tick, entry);
      this.prunePending();
    }
    if (
      entry.parts.length !== part.partCount ||
      entry.baselineTick !== part.baselineTick ||
      entry.floorTick !== part.floorTick
    ) {
      return { kind: 'rejected', reason: 'inconsistent-parts' };
    }
    if (entry.parts[part.partIndex] !== undefined) return { kind: 'duplicate' };
    entry.parts[part.partIndex] = part;
    entry.received++;
    if (entry.received < entry.parts.length) return { kind: 'partial' };
    this.pending.delete(part.tick);
    const snapshot = join(part.tick, entry.parts as DecodedPart[]);
    if (snapshot === undefined) return { kind: 'rejected', reason: 'inconsistent-parts' };
    this.publish(snapshot);
    // The authority's floor (its newest acked tick) only moves forward, so snapshots older than
    // the floor this newer tick carries are never needed again.
    if (part.floorTick !== undefined) this.forgetBefore(part.floorTick);
    return { kind: 'complete', snapshot };
  }

  /** Forget everything (e.g. after the authority restarted its tick counter). */
  reset(): void {
    this.history.clear();
    this.pending.clear();
    this.latest = undefined;
  }

  private forgetBefore(tick: number): void {
    for (const old of this.history.keys()) {
      if (old >= tick) break;
      this.history.delete(old);
    }
  }

  private publish(snapshot: Snapshot<EntityValue>): void {
    this.latest = snapshot;
    this.history.set(snapshot.tick, snapshot);
    for (const tick of this.pending.keys()) if (tick < snapshot.tick) this.pending.delete(tick);
    // Map iteration is insertion order, and only newer ticks are inserted: oldest first.
    for (const tick of this.history.keys()) {
      if (this.history.size <= this.options.historySize) break;
      this.history.delete(tick);
    }
  }

  private prunePending(): void {
    while (this.pending.size > this.options.maxPendingTicks) {
      let oldest = Infinity;
      for (const tick of this.pending.keys()) oldest = Math.min(oldest, tick);
      this.pending.delete(oldest);
    }
  }
}

/** Concatenates the parts of one tick; undefined when their ranges do not tile [0, 2^32). */
function join(tick: number, parts: DecodedPart[]): Snapshot<EntityValue> | undefined {
  if (parts.length === 1) return { tick, ids: parts[0]!.ids, types: parts[0]!.types, rows: parts[0]!.rows };
  const ids: number[] = [];
  const types: number[] = [];
  const rows: EntityValue[] = [];
  let expectedLo = 0;
  for (const part of parts) {
    if (part.lo !== expectedLo) return undefined;
    expectedLo = part.hi;
    for (let i = 0; i < part.ids.length; i++) {
      ids.push(part.ids[i]!);
      types.push(part.types[i]!);
      rows.push(part.rows[i]!);
    }
  }
  return expectedLo === ID_LIMIT ? { tick, ids, types, rows } : undefined;
}

// Data shapes shared by the snapshot encoder and decoder. A snapshot is a sorted list of entity
// ids with a parallel list of entity types and one immutable row per entity: on the authority the
// quantized values, on the receiver the dequantized entity object. A row that did not change
// between ticks is the same object, so "unchanged" is usually a pointer comparison. Rows are
// never mutated in place.
import type { Quantized } from '../schema/field-types.js';

/** Authority side: quantized field values in schema field order. */
export type QRow = readonly Quantized[];

/** Receiver side: the entity as game code sees it (dequantized), shared between snapshots. */
export type EntityValue = Readonly<Record<string, unknown>>;

/** Entities visible at one tick: ids ascending; types[i] and rows[i] belong to ids[i]. */
export interface EntitySet<R = QRow> {
  readonly ids: readonly number[];
  /** Index of each entity's type in the schema. */
  readonly types: readonly number[];
  readonly rows: readonly R[];
}

export interface Snapshot<R = QRow> extends EntitySet<R> {
  readonly tick: number;
}

/**
 * First byte of every sync packet: what it is and which wire version. Snapshot 0xb1 was version
 * 1; 0xb3 (version 2) adds the floor tick for chained deltas (header.ts).
 */
export const PacketTag = { Snapshot: 0xb3, Input: 0xb2 } as const;
export type PacketTag = (typeof PacketTag)[keyof typeof PacketTag];

/** Entity ids are unsigned 32-bit; a part's range end of 2^32 means "to the end". */
export const ID_LIMIT = 2 ** 32;

/** Why a received packet was dropped without touching the client's state. */
export const SyncRejectReason = {
  /** The packet ended before its content did. */
  Truncated: 'truncated',
  /** Unknown first byte or wire version. */
  BadTag: 'bad-tag',
  /** A delta against a snapshot this peer does not have (anymore). */
  UnknownBaseline: 'unknown-baseline',
  /** A value or count outside what the schema allows. */
  OutOfRange: 'out-of-range',
  /** An update or despawn for an entity the baseline does not hold, or a spawn of one it does. */
  UnknownEntity: 'unknown-entity',
  /** Entity ids not strictly ascending inside the part's range. */
  BadOrder: 'bad-order',
  /** Bytes left over after the declared content. */
  TrailingBytes: 'trailing-bytes',
  /** Parts of one tick that disagree (count, baseline, ranges). */
  Inconsistent: 'inconsistent-parts',
} as const;
export type SyncRejectReason = (typeof SyncRejectReason)[keyof typeof SyncRejectReason];

/** Internal: thrown inside decoders, caught at their entry point and turned into a result. */
export class SyncRejection extends Error {
  override readonly name = 'SyncRejection';
  constructor(
    readonly reason: SyncRejectReason,
    message: string,
  ) {
    super(message);
  }
}

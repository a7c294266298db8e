// Shared state of one validator pass and the refusal it throws. Internal to the validator.
// Must never hold anything beyond the message being scanned: one cursor per scan, then discarded.

import type { ResolvedLimits } from './limits.js';
import type { DecodeRefusal } from './reasons.js';

export class ScanRefusal extends Error {
  constructor(
    readonly reason: DecodeRefusal,
    readonly offset: number,
  ) {
    super(`msgpack refused (${reason}) at byte ${offset}`);
  }
}

/**
 * Key count of each record id msgpackr knows (index = id & 0x3f), -1 when undefined. `null` means
 * the plain-msgpack decoder: bytes 0x40-0x7f are small integers and record definitions are refused.
 */
export type RecordSlots = Int32Array;
export const RECORD_SLOT_COUNT = 64;
export function emptyRecordSlots(): RecordSlots {
  return new Int32Array(RECORD_SLOT_COUNT).fill(-1);
}

/** Container kinds, and SCALAR for a value that opens none. */
export const ARRAY = 0;
export const MAP = 1;
export const RECORD = 2;
export const SCALAR = -1;

export interface Cursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly end: number;
  readonly limits: ResolvedLimits;
  /** Mutated in place when the message defines records: pass a copy, adopt it on success. */
  readonly records: RecordSlots | null;
  pos: number;
  /** Kind of the container the last value head opened. */
  kind: number;
  /** Record definitions met so far (each costs the decoder a reader, see recordDefinitionBurst). */
  definitions: number;
}

export function refuse(reason: DecodeRefusal, offset: number): never {
  throw new ScanRefusal(reason, offset);
}

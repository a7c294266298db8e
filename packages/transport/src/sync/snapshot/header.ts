// The header of one snapshot packet (one part of a tick). Every part repeats what the decoder
// needs to use it alone: tick, baseline, its entity id range, the id code parameter and the
// per-field delta widths. Reading validates every field against the schema before use.
import type { BitReader } from '../bits/bit-reader.js';
import type { BitWriter } from '../bits/bit-writer.js';
import { readVarUint, writeVarUint } from '../bits/codes.js';
import type { SyncSchema } from '../schema/define.js';
import type { NumericField } from '../schema/field-types.js';
import { maxWidth, widthFieldBits } from './field-delta.js';
import { ID_LIMIT, PacketTag, SyncRejection } from './types.js';

export const MAX_PARTS = 256;

export interface PartHeader {
  tick: number;
  /** Undefined: a full snapshot (every entity is a spawn). */
  baselineTick: number | undefined;
  /**
   * The baseline is a tick the client has not acknowledged yet (the authority assumed it arrived);
   * a client that lacks it skips the packet as expected, not as an error.
   */
  chained: boolean;
  /**
   * Oldest tick the authority may still code against (its newest acked tick, or the oldest tick
   * it holds while none is acked): the receiver may forget older snapshots. Equal to
   * `baselineTick` unless chained; undefined with a full snapshot.
   */
  floorTick: number | undefined;
  partIndex: number;
  partCount: number;
  /** Entity id range [lo, hi) this part is authoritative for. */
  lo: number;
  hi: number;
  /** Newest client input sequence the authority has applied for this client. */
  inputAck: number | undefined;
  /** Exp-Golomb parameter of the id gaps. */
  idK: number;
  /** Per type: delta width per field index (undefined for types without updates in this part). */
  widths: (number[] | undefined)[];
  /** Entity records that follow (so a cut-off packet can never pass for a shorter one). */
  count: number;
}

/** Fields whose changes carry value bits (numeric, not boolean), per type. */
export function deltaFieldsOf(schema: SyncSchema): number[][] {
  return schema.types.map((type) =>
    type.fields.flatMap((field, f) => (field.numeric && field.kind !== 'bool' ? [f] : [])),
  );
}

export function writeHeader(w: BitWriter, schema: SyncSchema, deltaFields: number[][], h: PartHeader): void {
  w.write(PacketTag.Snapshot, 8);
  w.write(h.tick, 32);
  w.writeBool(h.baselineTick !== undefined);
  if (h.baselineTick !== undefined) {
    writeVarUint(w, h.tick - h.baselineTick);
    w.writeBool(h.chained);
    if (h.chained) writeVarUint(w, h.baselineTick - (h.floorTick ?? h.baselineTick));
  }
  w.writeBool(h.partCount > 1);
  if (h.partCount > 1) {
    w.write(h.partCount - 1, 8);
    w.write(h.partIndex, 8);
    w.write(h.lo, 32);
    w.writeBool(h.hi === ID_LIMIT);
    if (h.hi !== ID_LIMIT) w.write(h.hi, 32);
  }
  w.writeBool(h.inputAck !== undefined);
  if (h.inputAck !== undefined) writeVarUint(w, h.inputAck);
  w.write(h.idK, 3);
  for (let t = 0; t < schema.types.length; t++) {
    const widths = h.widths[t];
    w.writeBool(widths !== undefined);
    if (widths === undefined) continue;
    const fields = schema.types[t]!.fields;
    for (const f of deltaFields[t]!) w.write(widths[f]!, widthFieldBits(fields[f] as NumericField<unknown>));
  }
  writeVarUint(w, h.count);
  // The records start on a byte boundary (encoder.ts copies one encoding into many clients' packets).
  w.alignToByte();
}

/** The tick of a snapshot packet without decoding it (tag byte, then 32 bits little-endian). */
export function peekTick(bytes: Uint8Array): number | undefined {
  if (bytes.length < 5 || bytes[0] !== PacketTag.Snapshot) return undefined;
  return (bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24)) >>> 0;
}

/** Reads a header (and the padding after it); the caller already consumed and checked the tag byte. */
export function readHeader(r: BitReader, schema: SyncSchema, deltaFields: number[][]): PartHeader {
  const tick = r.read(32);
  let baselineTick: number | undefined;
  let floorTick: number | undefined;
  let chained = false;
  if (r.readBool()) {
    const back = readVarUint(r);
    if (back === 0 || back > tick) throw new SyncRejection('out-of-range', 'bad baseline distance');
    baselineTick = tick - back;
    chained = r.readBool();
    const below = chained ? readVarUint(r) : 0;
    if (below > baselineTick) throw new SyncRejection('out-of-range', 'bad floor distance');
    floorTick = baselineTick - below;
  }
  let partCount = 1;
  let partIndex = 0;
  let lo = 0;
  let hi = ID_LIMIT;
  if (r.readBool()) {
    partCount = r.read(8) + 1;
    partIndex = r.read(8);
    lo = r.read(32);
    hi = r.readBool() ? ID_LIMIT : r.read(32);
    if (partIndex >= partCount || hi <= lo) throw new SyncRejection('out-of-range', 'bad part range');
  }
  const inputAck = r.readBool() ? readVarUint(r) : undefined;
  const idK = r.read(3);
  const widths: (number[] | undefined)[] = [];
  for (let t = 0; t < schema.types.length; t++) {
    if (!r.readBool()) {
      widths.push(undefined);
      continue;
    }
    const fields = schema.types[t]!.fields;
    const row: number[] = new Array<number>(fields.length).fill(0);
    for (const f of deltaFields[t]!) {
      const field = fields[f] as NumericField<unknown>;
      const width = r.read(widthFieldBits(field));
      if (width > maxWidth(field.bits)) throw new SyncRejection('out-of-range', 'bad delta width');
      row[f] = width;
    }
    widths.push(row);
  }
  const count = readVarUint(r);
  r.alignToByte();
  // Every record takes at least two bits (id gap and op).
  if (count * 2 > r.remainingBits) throw new SyncRejection('truncated', 'fewer bytes than records');
  return {
    tick,
    baselineTick,
    chained,
    floorTick,
    partIndex,
    partCount,
    lo,
    hi,
    inputAck,
    idK,
    widths,
    count,
  };
}

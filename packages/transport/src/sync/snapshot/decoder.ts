// Decodes one snapshot packet against the receiver's copy of its baseline into the complete
// entity set of the packet's id range. Untrusted input: every count, id, width and value is
// checked, and nothing is shared with the caller until the whole packet has been read, so a bad
// packet is rejected whole and never applied half-way.
import { BitReader, TruncatedError } from '../bits/bit-reader.js';
import { bitLength, readExpGolomb } from '../bits/codes.js';
import type { SyncSchema } from '../schema/define.js';
import { OutOfRangeError, type BlobField, type Quantized } from '../schema/field-types.js';
import { deltaFieldsOf, readHeader, type PartHeader } from './header.js';
import { compileUpdate, type UpdateFn } from './codegen.js';
import { materialize } from './materialize.js';
import { applyRecords, lowerBound, readChange } from './part-set.js';
import { RecordOp } from './plan.js';
import { readRow } from './row-codec.js';
import { dequantizeField, FieldCoding, quantizeField, typeCodec, type TypeCodec } from './type-codec.js';
import {
  ID_LIMIT,
  PacketTag,
  SyncRejection,
  type EntitySet,
  type EntityValue,
  type SyncRejectReason,
} from './types.js';

export interface DecodedPart extends PartHeader {
  /** Every entity of [lo, hi) at this tick, ids ascending. */
  ids: readonly number[];
  types: readonly number[];
  rows: readonly EntityValue[];
  /** Entities spawned, updated and despawned by this packet. */
  spawns: number;
  updates: number;
  despawns: number;
}

/**
 * Not a rejection: a chained delta (coded against a tick the authority assumed had arrived) whose
 * baseline this side never completed. Expected after a loss until the next delta against an
 * acknowledged tick; nothing changes.
 */
export const CHAIN_BROKEN = 'chain-broken';

export type DecodeOutcome =
  | { ok: true; part: DecodedPart }
  | { ok: false; reason: SyncRejectReason | typeof CHAIN_BROKEN; message: string };

const EMPTY: EntitySet<EntityValue> = { ids: [], types: [], rows: [] };

class ChainBroken extends Error {}

export class SnapshotDecoder {
  private readonly deltaFields: number[][];
  private readonly typeBits: number;
  private readonly codecs: TypeCodec[];
  private readonly lastMask: number[];
  // Scratch lists of the records of the packet being read.
  private readonly recIds: number[] = [];
  private readonly recTypes: number[] = [];
  private readonly recRows: (EntityValue | undefined)[] = [];
  private readonly recAt: number[] = [];
  private readonly recOps: RecordOp[] = [];

  private readonly updaters: (UpdateFn | undefined)[];

  constructor(
    private readonly schema: SyncSchema,
    options: { codegen?: boolean } = {},
  ) {
    this.deltaFields = deltaFieldsOf(schema);
    this.codecs = schema.types.map(typeCodec);
    this.updaters = this.codecs.map((codec) =>
      options.codegen === false ? undefined : compileUpdate(codec, readChange),
    );
    this.lastMask = schema.types.map(() => 0);
    this.typeBits = bitLength(schema.types.length - 1);
  }

  decode(bytes: Uint8Array, baselineOf: (tick: number) => EntitySet<EntityValue> | undefined): DecodeOutcome {
    try {
      return { ok: true, part: this.read(new BitReader(bytes), baselineOf) };
    } catch (error) {
      if (error instanceof ChainBroken) return { ok: false, reason: CHAIN_BROKEN, message: error.message };
      if (error instanceof SyncRejection) return { ok: false, reason: error.reason, message: error.message };
      if (error instanceof TruncatedError) return { ok: false, reason: 'truncated', message: error.message };
      if (error instanceof OutOfRangeError)
        return { ok: false, reason: 'out-of-range', message: error.message };
      throw error;
    } finally {
      this.recRows.fill(undefined);
    }
  }

  private read(r: BitReader, baselineOf: (tick: number) => EntitySet<EntityValue> | undefined): DecodedPart {
    if (r.read(8) !== PacketTag.Snapshot) throw new SyncRejection('bad-tag', 'not a snapshot packet');
    const h = readHeader(r, this.schema, this.deltaFields);
    const base = h.baselineTick === undefined ? EMPTY : baselineOf(h.baselineTick);
    if (base === undefined) {
      if (h.chained) throw new ChainBroken(`no chained baseline ${h.baselineTick}`);
      throw new SyncRejection('unknown-baseline', `no baseline for tick ${h.baselineTick}`);
    }
    // Phase 1: read every record (nothing shared yet); remember where each sits in the baseline.
    const { recIds, recTypes, recRows, recAt, recOps } = this;
    let count = 0;
    const first = lowerBound(base.ids, h.lo);
    let j = first;
    const lastMask = this.lastMask.fill(0);
    let prev = h.lo - 1;
    let spawns = 0;
    let despawns = 0;
    for (let k = 0; k < h.count; k++) {
      const id = prev + 1 + readExpGolomb(r, h.idK);
      if (id >= h.hi || id >= ID_LIMIT)
        throw new SyncRejection('bad-order', 'entity id outside the part range');
      prev = id;
      while (j < base.ids.length && base.ids[j]! < id) j++;
      const known = j < base.ids.length && base.ids[j] === id;
      const op = r.read(1) === 0 ? RecordOp.Update : r.read(1) === 0 ? RecordOp.Spawn : RecordOp.Despawn;
      if ((op === RecordOp.Spawn) === known)
        throw new SyncRejection('unknown-entity', `spawn or change of entity ${id}`);
      recIds[count] = id;
      recOps[count] = op;
      recAt[count] = j;
      if (op === RecordOp.Update) {
        const type = base.types[j]!;
        recTypes[count] = type;
        recRows[count] = this.readUpdate(r, type, base.rows[j]!, h, lastMask);
      } else if (op === RecordOp.Spawn) {
        const type = r.read(this.typeBits);
        recTypes[count] = type;
        recRows[count] = this.readSpawn(r, type);
        spawns++;
      } else {
        despawns++;
      }
      count++;
    }
    if (!r.atCleanEnd()) throw new SyncRejection('trailing-bytes', 'bytes after the last record');
    while (j < base.ids.length && base.ids[j]! < h.hi) j++;
    const set = applyRecords(
      base,
      first,
      j,
      { ids: recIds, types: recTypes, rows: recRows, at: recAt, ops: recOps, count },
      spawns + despawns > 0,
    );
    // Spelled out: spreading h and set into a literal with more keys took microseconds a packet.
    return {
      tick: h.tick,
      baselineTick: h.baselineTick,
      chained: h.chained,
      floorTick: h.floorTick,
      partIndex: h.partIndex,
      partCount: h.partCount,
      lo: h.lo,
      hi: h.hi,
      inputAck: h.inputAck,
      idK: h.idK,
      widths: h.widths,
      count: h.count,
      ids: set.ids,
      types: set.types,
      rows: set.rows,
      spawns,
      updates: count - spawns - despawns,
      despawns,
    };
  }

  private readSpawn(r: BitReader, typeIndex: number): EntityValue {
    const codec = this.codecs[typeIndex];
    if (codec === undefined) throw new OutOfRangeError('unknown entity type');
    return materialize(codec.type, readRow(r, codec.fields));
  }

  private readUpdate(
    r: BitReader,
    type: number,
    before: EntityValue,
    h: PartHeader,
    lastMask: number[],
  ): EntityValue {
    const codec = this.codecs[type]!;
    const n = codec.names.length;
    let mask: number;
    if (r.read(1) === 1) {
      mask = lastMask[type]!;
      if (mask === 0) throw new OutOfRangeError('repeated mask without a previous one');
    } else {
      mask = r.read(n) | 0;
      if (mask === 0) throw new OutOfRangeError('update without changes');
    }
    lastMask[type] = mask;
    const widths = h.widths[type];
    if (widths === undefined) throw new OutOfRangeError('update of a type without delta widths');
    const generated = this.updaters[type];
    if (generated !== undefined) return generated(r, before, mask, widths);
    // Cloning the previous object keeps its hidden class; only changed fields are touched. The
    // baseline's quantized value is recovered exactly by re-quantizing its dequantized value.
    const value: Record<string, unknown> = { ...before };
    for (let f = 0; f < n; f++) {
      if ((mask & (1 << f)) === 0) continue;
      const coding = codec.coding[f]!;
      const name = codec.names[f]!;
      let next: Quantized;
      if (coding === FieldCoding.Blob) {
        next = (codec.fields[f] as BlobField<unknown>).read(r);
      } else {
        const qb = quantizeField(codec, f, before[name]) as number;
        next =
          coding === FieldCoding.Flip
            ? 1 - qb
            : readChange(r, qb, widths[f]!, codec.bits[f]!, codec.maxQ[f]!, codec.period[f]!);
      }
      value[name] = dequantizeField(codec, f, next);
    }
    return value;
  }
}

// First pass of the snapshot encoder: walks the client's baseline and current entity sets in id
// order and lists what must be sent (spawn, update with its changed-field mask, despawn) together
// with every numeric delta code and its length, so the writer can pick widths and split without
// recomputing. It reads the flat per-type tables (type-codec.ts), never the polymorphic field
// objects: this loop runs for every changed entity of every client of every tick.
import { bitLength } from '../bits/codes.js';
import type { SyncSchema } from '../schema/define.js';
import { codeLength, deltaCode } from './field-delta.js';
import { FieldCoding, typeCodec, type TypeCodec } from './type-codec.js';
import type { EntitySet, QRow } from './types.js';

export const RecordOp = { Update: 0, Spawn: 1, Despawn: 2 } as const;
export type RecordOp = (typeof RecordOp)[keyof typeof RecordOp];

export class DeltaPlan {
  count = 0;
  readonly ids: number[] = [];
  readonly ops: RecordOp[] = [];
  readonly types: number[] = [];
  readonly rows: QRow[] = [];
  readonly masks: number[] = [];
  /** Bits of a record apart from its id gap and numeric delta values. */
  readonly fixedBits: number[] = [];
  /** Delta codes v >= 0 of changed numeric non-boolean fields (field-delta.ts), all records in order. */
  readonly values: number[] = [];
  /** bitLength(v + 1) of each delta code: the smallest width it fits without escaping. */
  readonly lengths: number[] = [];
  /** Width-table slot of each delta code (widths.ts: per type, per field). */
  readonly slots: number[] = [];
  /** Index into `values` of each record's first delta code. */
  readonly valueStart: number[] = [];
  valueCount = 0;
  readonly codecs: readonly TypeCodec[];
  /** First width-table slot of each type (a type's field f has slot offset + f). */
  readonly slotOffsets: readonly number[];
  readonly slotCount: number;
  private readonly typeBits: number;
  private readonly lastMask: number[];

  constructor(private readonly schema: SyncSchema) {
    this.typeBits = bitLength(schema.types.length - 1);
    this.lastMask = schema.types.map(() => 0);
    this.codecs = schema.types.map(typeCodec);
    let slots = 0;
    this.slotOffsets = schema.types.map((type) => {
      const offset = slots;
      slots += type.fields.length;
      return offset;
    });
    this.slotCount = slots;
  }

  /** Index into `values` of record r's first delta code; `count` gives the end of the last. */
  valueIndex(r: number): number {
    return r < this.count ? this.valueStart[r]! : this.valueCount;
  }

  build(current: EntitySet, baseline: EntitySet | undefined): void {
    this.count = 0;
    this.valueCount = 0;
    this.lastMask.fill(0);
    const cur = current.ids;
    const base = baseline?.ids ?? [];
    let i = 0;
    let j = 0;
    while (i < cur.length || j < base.length) {
      const a = i < cur.length ? cur[i]! : Infinity;
      const b = j < base.length ? base[j]! : Infinity;
      if (a === b) {
        const row = current.rows[i]!;
        const before = baseline!.rows[j]!;
        const type = current.types[i++]!;
        if (type !== baseline!.types[j++]) throw new Error(`sync: entity ${a} changed type`);
        if (row !== before) this.addUpdate(a, type, row, before);
      } else if (a < b) {
        this.addSpawn(a, current.types[i]!, current.rows[i++]!);
      } else {
        this.push(b, RecordOp.Despawn, baseline!.types[j]!, baseline!.rows[j++]!, 0, 2);
      }
    }
  }

  private push(id: number, op: RecordOp, type: number, row: QRow, mask: number, bits: number): void {
    const n = this.count++;
    this.ids[n] = id;
    this.ops[n] = op;
    this.types[n] = type;
    this.rows[n] = row;
    this.masks[n] = mask;
    this.fixedBits[n] = bits;
    this.valueStart[n] = this.valueCount;
  }

  private addSpawn(id: number, type: number, row: QRow): void {
    const { fields } = this.schema.types[type]!;
    let bits = 2 + this.typeBits;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f]!;
      bits += field.numeric ? field.bits : field.bitCost(row[f]!);
    }
    this.push(id, RecordOp.Spawn, type, row, 0, bits);
  }

  private addUpdate(id: number, type: number, row: QRow, before: QRow): void {
    const codec = this.codecs[type]!;
    const { coding, period } = codec;
    const n = coding.length;
    const start = this.valueCount;
    const slot = this.slotOffsets[type]!;
    let mask = 0;
    let bits = 0;
    for (let f = 0; f < n; f++) {
      const q = row[f]!;
      const qb = before[f]!;
      if (q === qb) continue;
      const kind = coding[f]!;
      if (kind === FieldCoding.Delta) {
        const v = deltaCode(q as number, qb as number, period[f]!);
        const k = this.valueCount++;
        this.values[k] = v;
        this.lengths[k] = codeLength(v);
        this.slots[k] = slot + f;
      } else if (kind === FieldCoding.Blob) {
        const field = codec.fields[f]!;
        if (!field.numeric) {
          if (field.equals(q, qb)) continue;
          bits += field.bitCost(q);
        }
      }
      mask |= 1 << f;
    }
    if (mask === 0) return;
    const same = this.lastMask[type] === mask;
    this.lastMask[type] = mask;
    this.push(id, RecordOp.Update, type, row, mask, bits + 2 + (same ? 0 : n));
    this.valueStart[this.count - 1] = start;
  }
}

// Second pass of the snapshot encoder: writes the records of one part (id gap, op, then the
// spawn's absolute values or the update's changed-field mask and delta codes) exactly as the
// plan and the part header describe them. The decoder mirrors this order bit for bit.
import type { BitWriter } from '../bits/bit-writer.js';
import { bitLength, writeExpGolomb } from '../bits/codes.js';
import type { BlobField } from '../schema/field-types.js';
import { writeNumericChange } from './field-delta.js';
import type { PartHeader } from './header.js';
import { RecordOp, type DeltaPlan } from './plan.js';
import { writeRow } from './row-codec.js';
import { FieldCoding } from './type-codec.js';

export function writeRecords(
  w: BitWriter,
  plan: DeltaPlan,
  from: number,
  to: number,
  h: Pick<PartHeader, 'lo' | 'idK' | 'widths'>,
  lastMask: number[],
): void {
  const codecs = plan.codecs;
  const typeBits = bitLength(codecs.length - 1);
  const { values, lengths } = plan;
  lastMask.fill(0);
  let prev = h.lo - 1;
  for (let r = from; r < to; r++) {
    const id = plan.ids[r]!;
    writeExpGolomb(w, id - prev - 1, h.idK);
    prev = id;
    const typeIndex = plan.types[r]!;
    const codec = codecs[typeIndex]!;
    switch (plan.ops[r]!) {
      case RecordOp.Despawn:
        w.write(3, 2);
        break;
      case RecordOp.Spawn:
        w.write(1, 2);
        w.write(typeIndex, typeBits);
        writeRow(w, codec.fields, plan.rows[r]!);
        break;
      case RecordOp.Update: {
        // Op bit 0, then 1 if the mask repeats this type's previous one (2 bits in one write).
        const mask = plan.masks[r]!;
        const n = codec.coding.length;
        if (lastMask[typeIndex] === mask) w.write(2, 2);
        else {
          w.write(0, 2);
          w.write(mask >>> 0, n);
          lastMask[typeIndex] = mask;
        }
        const widths = h.widths[typeIndex]!;
        const { coding, bits } = codec;
        let v = plan.valueStart[r]!;
        for (let f = 0; f < n; f++) {
          if ((mask & (1 << f)) === 0) continue;
          const kind = coding[f]!;
          if (kind === FieldCoding.Delta) {
            writeNumericChange(w, plan.rows[r]![f] as number, values[v]!, lengths[v]!, widths[f]!, bits[f]!);
            v++;
          } else if (kind === FieldCoding.Blob) {
            (codec.fields[f] as BlobField<unknown>).write(w, plan.rows[r]![f]!);
          }
        }
        break;
      }
    }
  }
}

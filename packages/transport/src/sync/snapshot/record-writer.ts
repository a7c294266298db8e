// Second pass of the snapshot encoder: writes the records of one part (id gap, op, then the
// spawn's absolute values or the update's changed-field mask and delta codes) exactly as the
// plan and the part header describe them. The decoder mirrors this order bit for bit.
import type { BitWriter } from '../bits/bit-writer.js';
import { bitLength, writeExpGolomb } from '../bits/codes.js';
import type { SyncSchema } from '../schema/define.js';
import { writeNumericChange } from './field-delta.js';
import type { PartHeader } from './header.js';
import { RecordOp, type DeltaPlan } from './plan.js';
import { writeRow } from './row-codec.js';

export function writeRecords(
  w: BitWriter,
  schema: SyncSchema,
  plan: DeltaPlan,
  from: number,
  to: number,
  h: Pick<PartHeader, 'lo' | 'idK' | 'widths'>,
): void {
  const typeBits = bitLength(schema.types.length - 1);
  const lastMask = schema.types.map(() => 0);
  let prev = h.lo - 1;
  for (let r = from; r < to; r++) {
    const id = plan.ids[r]!;
    writeExpGolomb(w, id - prev - 1, h.idK);
    prev = id;
    const row = plan.rows[r]!;
    const typeIndex = plan.types[r]!;
    const type = schema.types[typeIndex]!;
    switch (plan.ops[r]!) {
      case RecordOp.Despawn:
        w.write(3, 2);
        break;
      case RecordOp.Spawn:
        w.write(1, 2);
        w.write(typeIndex, typeBits);
        writeRow(w, type.fields, row);
        break;
      case RecordOp.Update: {
        w.write(0, 1);
        const mask = plan.masks[r]!;
        w.writeBool(lastMask[typeIndex] === mask);
        if (lastMask[typeIndex] !== mask) w.write(mask >>> 0, type.fields.length);
        lastMask[typeIndex] = mask;
        const widths = h.widths[typeIndex]!;
        let v = plan.valueStart[r]!;
        for (let f = 0; f < type.fields.length; f++) {
          if ((mask & (1 << f)) === 0) continue;
          const field = type.fields[f]!;
          if (!field.numeric) field.write(w, row[f]!);
          else if (field.kind !== 'bool')
            writeNumericChange(w, field, row[f] as number, plan.values[v++]!, widths[f]!);
        }
        break;
      }
    }
  }
}

// One row of absolute values on the wire, in schema field order: a numeric field as its q on the
// field's bits, a string or array by its own coding. A snapshot's spawn record and an input
// command are both such rows, so both packets read and write them here. Reading is bounded: a q
// above the field's maxQ, or a blob the field refuses, throws OutOfRangeError (or the reader's
// TruncatedError), which the packet decoders turn into a rejection of the whole packet.
import type { BitReader } from '../bits/bit-reader.js';
import type { BitWriter } from '../bits/bit-writer.js';
import { OutOfRangeError, type AnyField, type Quantized } from '../schema/field-types.js';

export function writeRow(w: BitWriter, fields: readonly AnyField[], row: readonly Quantized[]): void {
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    if (field.numeric) w.write(row[f] as number, field.bits);
    else field.write(w, row[f]!);
  }
}

export function readRow(r: BitReader, fields: readonly AnyField[]): Quantized[] {
  const q: Quantized[] = [];
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    if (!field.numeric) q.push(field.read(r));
    else {
      const value = r.read(field.bits);
      if (value > field.maxQ) throw new OutOfRangeError('value out of range');
      q.push(value);
    }
  }
  return q;
}

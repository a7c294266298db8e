// The client-to-authority unreliable packet: the newest complete snapshot tick (the ack the
// authority uses as delta baseline), the downstream loss the client sees, and the last few input
// commands with sequence numbers (each packet repeats the previous ones, so a lost packet costs
// nothing). Decoding is bounded and all-or-nothing, like the snapshot decoder.
import { BitReader, TruncatedError } from '../bits/bit-reader.js';
import { BitWriter } from '../bits/bit-writer.js';
import type { EntityType, InputSchema } from '../schema/define.js';
import { OutOfRangeError, type Quantized } from '../schema/field-types.js';
import { materialize } from '../snapshot/materialize.js';
import { readRow, writeRow } from '../snapshot/row-codec.js';
import { PacketTag, SyncRejection, type SyncRejectReason } from '../snapshot/types.js';

export const MAX_INPUTS_PER_PACKET = 63;

export interface InputPacket {
  /** Newest complete snapshot tick the client holds. */
  ackTick: number | undefined;
  /** Fraction (0..1) of snapshot traffic the client saw lost recently. */
  loss: number;
  /** Sequence number of the last input; inputs[i] has newestSeq - inputs.length + 1 + i. */
  newestSeq: number;
  /** Quantized inputs, oldest first. */
  inputs: (readonly Quantized[])[];
}

export type InputDecodeOutcome =
  | { ok: true; packet: InputPacket; values: Record<string, unknown>[] }
  | { ok: false; reason: SyncRejectReason; message: string };

/** Quantizes an input command the way the wire will carry it. */
export function quantizeInput(type: EntityType, input: Readonly<Record<string, unknown>>): Quantized[] {
  return type.fields.map((field, f) =>
    (field.quantize as (v: unknown) => Quantized)(input[type.fieldNames[f]!]),
  );
}

export function encodeInputPacket(schema: InputSchema | undefined, packet: InputPacket): Uint8Array {
  const w = new BitWriter(64);
  w.write(PacketTag.Input, 8);
  w.writeBool(packet.ackTick !== undefined);
  if (packet.ackTick !== undefined) w.write(packet.ackTick, 32);
  w.write(Math.round(Math.min(1, Math.max(0, packet.loss)) * 255), 8);
  const inputs = schema === undefined ? [] : packet.inputs.slice(-MAX_INPUTS_PER_PACKET);
  w.write(inputs.length, 6);
  if (inputs.length > 0) {
    w.write(packet.newestSeq, 32);
    for (const q of inputs) writeRow(w, schema!.type.fields, q);
  }
  return w.finish();
}

export function decodeInputPacket(schema: InputSchema | undefined, bytes: Uint8Array): InputDecodeOutcome {
  try {
    const r = new BitReader(bytes);
    if (r.read(8) !== PacketTag.Input) throw new SyncRejection('bad-tag', 'not an input packet');
    const ackTick = r.readBool() ? r.read(32) : undefined;
    const loss = r.read(8) / 255;
    const count = r.read(6);
    const inputs: Quantized[][] = [];
    const values: Record<string, unknown>[] = [];
    let newestSeq = 0;
    if (count > 0) {
      if (schema === undefined) throw new OutOfRangeError('inputs sent to an authority that takes none');
      newestSeq = r.read(32);
      if (newestSeq + 1 < count) throw new OutOfRangeError('input sequence below zero');
      for (let i = 0; i < count; i++) {
        const q = readRow(r, schema.type.fields);
        inputs.push(q);
        values.push(materialize(schema.type, q));
      }
    }
    if (!r.atCleanEnd()) throw new SyncRejection('trailing-bytes', 'bytes after the input packet');
    return { ok: true, packet: { ackTick, loss, newestSeq, inputs }, values };
  } catch (error) {
    if (error instanceof SyncRejection) return { ok: false, reason: error.reason, message: error.message };
    if (error instanceof TruncatedError) return { ok: false, reason: 'truncated', message: error.message };
    if (error instanceof OutOfRangeError)
      return { ok: false, reason: 'out-of-range', message: error.message };
    throw error;
  }
}

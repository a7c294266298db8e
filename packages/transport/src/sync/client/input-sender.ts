// Client side of inputs: numbers each command, quantizes it exactly as the wire will (so local
// prediction uses the very values the authority will see), and builds the ack+inputs packet that
// repeats the last `redundancy` commands, so any single arriving packet fills earlier losses.
import type { InputSchema } from '../schema/define.js';
import type { Quantized } from '../schema/field-types.js';
import { materialize } from '../snapshot/materialize.js';
import { encodeInputPacket, MAX_INPUTS_PER_PACKET, quantizeInput } from '../input/input-packet.js';

export class InputSender<I> {
  private readonly recent: (readonly Quantized[])[] = [];
  private seq = -1;
  private readonly redundancy: number;

  constructor(
    private readonly schema: InputSchema | undefined,
    redundancy = 8,
  ) {
    this.redundancy = Math.max(1, Math.min(MAX_INPUTS_PER_PACKET, Math.floor(redundancy)));
  }

  /** Registers a new input; returns its sequence number and its value as the authority will decode it. */
  push(input: I): { seq: number; input: I } {
    if (this.schema === undefined)
      throw new TypeError('sync: this client was created without an input schema');
    const q = quantizeInput(this.schema.type, input as Record<string, unknown>);
    this.recent.push(q);
    if (this.recent.length > this.redundancy) this.recent.shift();
    this.seq++;
    return { seq: this.seq, input: materialize(this.schema.type, q) as I };
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The packet to send now: ack, downstream loss, and the recent inputs. */
  packet(ackTick: number | undefined, loss: number): Uint8Array {
    return encodeInputPacket(this.schema, { ackTick, loss, newestSeq: this.seq, inputs: this.recent });
  }
}

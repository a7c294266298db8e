// @colyseus/schema with its own change tracking and delta encoding, decoded by its own decoder.
// Two variants: float32 fields (its usual float type) and its quantized fields at the precision
// tickwire uses (16-bit positions over 0..4096, 8-bit angles). Game changes go through Colyseus's
// tracking setters, and that time is counted as encode time because game code pays it.
import { Decoder, Encoder } from '@colyseus/schema';
import type { MapSchema } from '@colyseus/schema';
import { colyseusTypes, colyseusWorld } from './colyseus-world.js';
import type { Contender } from './contender.js';
import { applyOps } from './ops.js';
import type { EntitySpec, Op } from './scenario.js';

export function colyseusContender(quantized: boolean) {
  return (initial: readonly EntitySpec[]): Contender => {
    const types = colyseusTypes(quantized);
    type EntityInstance = InstanceType<typeof types.Entity>;
    const state = new types.State();
    const world = colyseusWorld(types, state);
    for (const e of initial) world.spawn(e);
    const encoder = new Encoder(state);
    const clientState = new types.State();
    const decoder = new Decoder(clientState);
    let first = true;
    return {
      name: quantized ? 'colyseus-quantized' : 'colyseus',
      encode(ops: readonly Op[] | undefined) {
        if (ops) applyOps(world, ops);
        // A new client gets encodeAll(); afterwards everyone gets the shared per-tick delta.
        const bytes = first ? encoder.encodeAll() : encoder.encode();
        if (first) first = false;
        encoder.discardChanges();
        // The encoder reuses its buffer: copy, as a server handing bytes to a socket must.
        return [bytes.slice()];
      },
      decode(payloads) {
        decoder.decode(payloads[0]!);
      },
      clientCount: () => (clientState.entities as MapSchema<EntityInstance>).size,
    };
  };
}

// @colyseus/schema with its own change tracking and delta encoding, decoded by its own decoder.
// Two variants: float32 fields (its usual float type) and its quantized fields at the precision
// tickwire uses (16-bit positions over 0..4096, 8-bit angles). Game changes go through Colyseus's
// tracking setters, and that time is counted as encode time because game code pays it.
import { Decoder, Encoder, schema, t } from '@colyseus/schema';
import type { MapSchema } from '@colyseus/schema';
import type { Contender } from './contender.js';
import { WORLD, type EntitySpec, type Op } from './scenario.js';

function makeTypes(quantized: boolean) {
  const position = () => (quantized ? t.quantized({ min: 0, max: WORLD, bits: 16 }) : t.float32());
  const Entity = schema(
    {
      kind: t.uint8(),
      name: t.string(),
      x: position(),
      y: position(),
      angle: quantized ? t.angle({ bits: 8 }) : t.float32(),
      hp: t.uint8(),
    },
    quantized ? 'QEntity' : 'FEntity',
  );
  const State = schema({ entities: t.map(Entity) }, quantized ? 'QState' : 'FState');
  return { Entity, State };
}

export function colyseusContender(quantized: boolean) {
  return (initial: readonly EntitySpec[]): Contender => {
    const { Entity, State } = makeTypes(quantized);
    type EntityInstance = InstanceType<typeof Entity>;
    const state = new State();
    const byId = new Map<number, EntityInstance>();
    const spawn = (e: EntitySpec) => {
      const entity = new Entity();
      entity.kind = e.kind === 'player' ? 0 : 1;
      entity.name = e.name;
      entity.x = e.x;
      entity.y = e.y;
      entity.angle = e.angle;
      entity.hp = e.hp;
      byId.set(e.id, entity);
      state.entities.set(String(e.id), entity);
    };
    for (const e of initial) spawn(e);
    const encoder = new Encoder(state);
    const clientState = new State();
    const decoder = new Decoder(clientState);
    let first = true;
    return {
      name: quantized ? 'colyseus-quantized' : 'colyseus',
      encode(ops: readonly Op[] | undefined) {
        if (ops) {
          for (const op of ops) {
            switch (op.k) {
              case 'move': {
                const e = byId.get(op.id)!;
                e.x = op.x;
                e.y = op.y;
                e.angle = op.angle;
                break;
              }
              case 'hp':
                byId.get(op.id)!.hp = op.hp;
                break;
              case 'spawn':
                spawn(op.e);
                break;
              case 'despawn':
                byId.delete(op.id);
                state.entities.delete(String(op.id));
                break;
            }
          }
        }
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

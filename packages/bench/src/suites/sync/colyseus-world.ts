// The sync scenario's world in @colyseus/schema, shared by the sync suite's Colyseus contender
// (encoder and decoder in one process) and the compare suite's real Colyseus server: the same
// entity fields, float32 (Colyseus's usual float type) or quantized at tickwire's precision
// (16-bit positions over 0..WORLD, 8-bit angles).
import { schema, t } from '@colyseus/schema';
import type { MapSchema } from '@colyseus/schema';
import type { OpWorld } from './ops.js';
import { WORLD, type EntitySpec } from './scenario.js';

export function colyseusTypes(quantized: boolean, prefix = quantized ? 'Q' : 'F') {
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
    `${prefix}Entity`,
  );
  const State = schema({ entities: t.map(Entity) }, `${prefix}State`);
  return { Entity, State };
}

type Types = ReturnType<typeof colyseusTypes>;
type EntityInstance = InstanceType<Types['Entity']>;

/**
 * The ops' view of a Colyseus state (entities keyed by their id as a string). Lookups go through
 * a Map by number, as game code would keep one, so the measured time is Colyseus's tracking.
 */
export function colyseusWorld(types: Types, state: InstanceType<Types['State']>): OpWorld {
  const entities = state.entities as MapSchema<EntityInstance>;
  const byId = new Map<number, EntityInstance>();
  return {
    get: (id) => byId.get(id),
    spawn: (e: EntitySpec) => {
      const entity = new types.Entity();
      entity.kind = e.kind === 'player' ? 0 : 1;
      entity.name = e.name;
      entity.x = e.x;
      entity.y = e.y;
      entity.angle = e.angle;
      entity.hp = e.hp;
      byId.set(e.id, entity);
      entities.set(String(e.id), entity);
    },
    despawn: (id) => {
      byId.delete(id);
      entities.delete(String(id));
    },
  };
}

// Plays one tick of the scenario's game changes (scenario.ts) onto a contender's own world: the
// one copy of the op switch that every contender (tickwire, Colyseus, the full-state encoders and
// the compare suite's Colyseus server) used to write out. A contender says how to find, spawn and
// despawn an entity; moves and damage are plain field writes on the object it returns, so each
// contender's change tracking (Colyseus setters, tickwire's world) still sees them.
import type { EntitySpec, Op } from './scenario.js';

/** The fields the ops write. */
export interface OpEntity {
  x: number;
  y: number;
  angle: number;
  hp: number;
}

export interface OpWorld {
  /** The entity's mutable state, or undefined when the contender does not hold it. */
  get(id: number): OpEntity | undefined;
  spawn(e: EntitySpec): void;
  despawn(id: number): void;
}

export function applyOps(world: OpWorld, ops: readonly Op[]): void {
  for (const op of ops) {
    switch (op.k) {
      case 'move': {
        const e = world.get(op.id);
        if (e === undefined) break;
        e.x = op.x;
        e.y = op.y;
        e.angle = op.angle;
        break;
      }
      case 'hp': {
        const e = world.get(op.id);
        if (e !== undefined) e.hp = op.hp;
        break;
      }
      case 'spawn':
        world.spawn(op.e);
        break;
      case 'despawn':
        world.despawn(op.id);
        break;
    }
  }
}

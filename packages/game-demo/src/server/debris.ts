// Extra drifting entities for load tests only (bench and tests, never a real match): `count` per
// match, synced through the arena's real schema as bullets of owner 0 that drift in straight lines
// and bounce off the walls, so the sync layer encodes and every renderer draws a crowded arena
// (the 16 players + ~300 entities). The simulation never sees them: they hit nobody.
import type { EntityHandle } from '@tickwire/transport';
import type { ArenaHost } from '../net/host.js';
import type { ArenaSchema } from '../net/schema.js';
import { ARENA, BULLET, Rng, SNAPSHOT_HZ } from '../sim/index.js';

/** Speed of a drifting entity, arena units per second (slow next to a real bullet). */
const SPEED = 120;

interface Drifter {
  handle: EntityHandle<ArenaSchema, 'bullet'>;
  vx: number;
  vy: number;
}

export class Debris {
  private readonly drifters: Drifter[] = [];

  constructor(host: ArenaHost, count: number, seed = 1) {
    const rng = new Rng(seed);
    for (let i = 0; i < count; i++) {
      const heading = rng.range(0, Math.PI * 2);
      const handle = host.server.world.spawn('bullet', {
        x: rng.range(BULLET.radius, ARENA.width - BULLET.radius),
        y: rng.range(BULLET.radius, ARENA.height - BULLET.radius),
        owner: 0,
      });
      this.drifters.push({ handle, vx: Math.cos(heading) * SPEED, vy: Math.sin(heading) * SPEED });
    }
  }

  get size(): number {
    return this.drifters.length;
  }

  /** Moves every entity by one snapshot tick. */
  step(): void {
    const dt = 1 / SNAPSHOT_HZ;
    for (const d of this.drifters) {
      const s = d.handle.state;
      let x = s.x + d.vx * dt;
      let y = s.y + d.vy * dt;
      if (x < 0 || x > ARENA.width) {
        d.vx = -d.vx;
        x = Math.min(ARENA.width, Math.max(0, x));
      }
      if (y < 0 || y > ARENA.height) {
        d.vy = -d.vy;
        y = Math.min(ARENA.height, Math.max(0, y));
      }
      s.x = x;
      s.y = y;
    }
  }
}

// Shared pieces of the sync tests: random entities of the every-field-type schema (the schemas
// themselves are in fixtures/schemas.mjs), a seeded random source, and a comparison of what a
// client decoded with what the authority held, within quantization error.
import { expect } from 'vitest';
import type { SyncSchema } from '../src/sync/index.js';
import { type SyncAuthority } from '../src/internals.js';
import type { EntityValue } from '../src/sync/index.js';
import type { EntitySet } from '../src/internals.js';
import { allTypes } from './fixtures/schema.js';

export { allTypes };

export type Ship = {
  x: number;
  y: number;
  heading: number;
  turret: number;
  hp: number;
  alive: boolean;
  team: 'red' | 'blue' | 'green';
  name: string;
  cargo: number[];
};

/** mulberry32: deterministic randomness for tests that also run under fast-check seeds. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomShip(random: () => number): Ship {
  const names = ['', 'a', 'Zoë', 'ship-17', '船', 'x'.repeat(24)];
  return {
    x: random() * 2000 - 1000,
    y: random() * 4096,
    heading: random() * Math.PI * 2,
    turret: random() * Math.PI * 2 - Math.PI,
    hp: Math.round(random() * 250 - 50),
    alive: random() < 0.5,
    team: (['red', 'blue', 'green'] as const)[Math.floor(random() * 3)]!,
    name: names[Math.floor(random() * names.length)]!,
    cargo: Array.from({ length: Math.floor(random() * 7) }, () => Math.floor(random() * 1001)),
  };
}

export function randomRock(random: () => number): { x: number; y: number; size: number } {
  return { x: random() * 4096, y: random() * 4096, size: 1 + Math.floor(random() * 9) };
}

function angleDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
}

/** Asserts `got` holds exactly the entities of `want` (authority values), each within its error. */
export function expectSameWorld(
  schema: SyncSchema,
  got: EntitySet<EntityValue>,
  want: Map<number, { type: number; state: Record<string, unknown> }>,
): void {
  expect([...got.ids]).toEqual([...want.keys()].sort((a, b) => a - b));
  got.ids.forEach((id, i) => {
    const expected = want.get(id)!;
    expect(got.types[i]).toBe(expected.type);
    const type = schema.types[expected.type]!;
    const value = got.rows[i]!;
    type.fieldNames.forEach((name, f) => {
      const field = type.fields[f]!;
      const a = value[name];
      const b = expected.state[name];
      if (field.kind === 'float' || field.kind === 'int') {
        expect(Math.abs((a as number) - (b as number))).toBeLessThanOrEqual(field.maxError + 1e-9);
      } else if (field.kind === 'angle') {
        expect(angleDistance(a as number, b as number)).toBeLessThanOrEqual(field.maxError + 1e-9);
      } else {
        expect(a).toEqual(b);
      }
    });
  });
}

/**
 * An authority world that mutates itself randomly and remembers what every entity held at every
 * tick, so a client's decoded snapshot of tick T can be compared with the truth of tick T.
 */
export class RandomWorld {
  readonly history = new Map<number, Map<number, { type: number; state: Record<string, unknown> }>>();
  private readonly live = new Map<number, { type: number; state: Record<string, unknown> }>();

  constructor(
    readonly authority: SyncAuthority<typeof allTypes>,
    private readonly random: () => number,
    initial = 30,
  ) {
    for (let i = 0; i < initial; i++) this.spawn();
  }

  spawn(): void {
    const ship = this.random() < 0.5;
    const handle = ship
      ? this.authority.world.spawn('ship', randomShip(this.random))
      : this.authority.world.spawn('rock', randomRock(this.random));
    this.live.set(handle.id, { type: ship ? 0 : 1, state: handle.state as Record<string, unknown> });
  }

  /** Moves some entities, changes some fields, spawns and despawns a few. */
  mutate(): void {
    for (const [id, entity] of this.live) {
      const roll = this.random();
      if (roll < 0.03) {
        this.authority.world.despawn(id);
        this.live.delete(id);
      } else if (roll < 0.5) {
        const s = entity.state;
        s.x = Math.min(
          entity.type === 0 ? 1000 : 4096,
          Math.max(entity.type === 0 ? -1000 : 0, (s.x as number) + (this.random() - 0.5) * 20),
        );
        s.y = Math.min(4096, Math.max(0, (s.y as number) + (this.random() - 0.5) * 20));
        if (entity.type === 0) {
          s.heading = (s.heading as number) + (this.random() - 0.5);
          if (this.random() < 0.2) Object.assign(s, { ...randomShip(this.random), x: s.x, y: s.y });
        } else if (this.random() < 0.1) s.size = 1 + Math.floor(this.random() * 9);
      }
    }
    const spawns = Math.floor(this.random() * 3);
    for (let i = 0; i < spawns; i++) this.spawn();
  }

  /** Steps the authority and records the truth of the new tick. */
  step(nowMs = 0): number {
    this.authority.step(nowMs);
    const tick = this.authority.tick;
    this.history.set(
      tick,
      new Map([...this.live].map(([id, e]) => [id, { type: e.type, state: structuredClone(e.state) }])),
    );
    return tick;
  }
}

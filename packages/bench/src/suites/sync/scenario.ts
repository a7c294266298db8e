// The fixed, seeded workload of the sync suite: 64 players + 256 NPCs in a 4096×4096 world at
// 60 Hz. Every tick all players move, 30% of NPCs move, 2% of entities change hp; every 30 ticks
// 8 NPCs despawn and 8 spawn. The ops are generated once, so every contender replays the exact
// same changes; generating them is never part of any measured time.

export const WORLD = 4096;
export const TICK_RATE = 60;
export const PLAYERS = 64;
export const NPCS = 256;

export type Kind = 'player' | 'npc';

export interface EntitySpec {
  id: number;
  kind: Kind;
  name: string;
  x: number;
  y: number;
  angle: number;
  hp: number;
}

export type Op =
  | { k: 'move'; id: number; x: number; y: number; angle: number }
  | { k: 'hp'; id: number; hp: number }
  | { k: 'spawn'; e: EntitySpec }
  | { k: 'despawn'; id: number };

export interface Scenario {
  initial: EntitySpec[];
  ticks: Op[][];
}

/** mulberry32: small, fast, good enough for a reproducible workload. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TWO_PI = Math.PI * 2;

export function buildScenario(ticks: number, seed = 0x7153): Scenario {
  const random = rng(seed);
  let nextId = 1;
  const alive = new Map<number, EntitySpec & { heading: number; speed: number }>();
  const make = (kind: Kind): EntitySpec => {
    const heading = random() * TWO_PI;
    const e = {
      id: nextId++,
      kind,
      name: kind === 'player' ? `player-${nextId - 1}` : '',
      x: random() * WORLD,
      y: random() * WORLD,
      angle: heading,
      hp: 100,
      heading,
      // Players run ~3 units per tick (180 u/s), NPCs walk ~1.5.
      speed: kind === 'player' ? 2.5 + random() : 1 + random(),
    };
    alive.set(e.id, e);
    return { id: e.id, kind, name: e.name, x: e.x, y: e.y, angle: e.angle, hp: e.hp };
  };
  const initial: EntitySpec[] = [];
  for (let i = 0; i < PLAYERS; i++) initial.push(make('player'));
  for (let i = 0; i < NPCS; i++) initial.push(make('npc'));
  const out: Op[][] = [];
  for (let tick = 1; tick <= ticks; tick++) {
    const ops: Op[] = [];
    for (const e of alive.values()) {
      if (e.kind === 'npc' && random() >= 0.3) continue;
      e.heading = (e.heading + (random() - 0.5) * (e.kind === 'player' ? 0.2 : 0.6) + TWO_PI) % TWO_PI;
      let x = e.x + Math.cos(e.heading) * e.speed;
      let y = e.y + Math.sin(e.heading) * e.speed;
      // Turn around at the walls instead of leaving the world.
      if (x < 0 || x >= WORLD || y < 0 || y >= WORLD) {
        e.heading = (e.heading + Math.PI) % TWO_PI;
        x = Math.min(WORLD - 1, Math.max(0, x));
        y = Math.min(WORLD - 1, Math.max(0, y));
      }
      e.x = x;
      e.y = y;
      e.angle = e.heading;
      ops.push({ k: 'move', id: e.id, x, y, angle: e.angle });
    }
    for (const e of alive.values()) {
      if (random() >= 0.02) continue;
      e.hp = Math.max(0, Math.min(100, e.hp + Math.round((random() - 0.6) * 30)));
      ops.push({ k: 'hp', id: e.id, hp: e.hp });
    }
    if (tick % 30 === 0) {
      const npcs = [...alive.values()].filter((e) => e.kind === 'npc');
      for (let i = 0; i < 8; i++) {
        const victim = npcs.splice(Math.floor(random() * npcs.length), 1)[0]!;
        alive.delete(victim.id);
        ops.push({ k: 'despawn', id: victim.id });
      }
      for (let i = 0; i < 8; i++) ops.push({ k: 'spawn', e: make('npc') });
    }
    out.push(ops);
  }
  return { initial, ticks: out };
}

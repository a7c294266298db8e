// The game world of the capacity suite, shared by the authority and client processes: matches of
// 64 players + 256 NPCs in a 4096×4096 arena (one match per 64 clients), the same field precision
// as the sync suite, and an input of one movement vector per tick. Interest: a client sees what is
// in its quadrant of its match, plus a 512-unit margin (entities cross in and out as they move).
import { defineInput, defineSchema, t } from '@tickwire/transport';

export const WORLD = 4096;
export const PLAYERS_PER_MATCH = 64;
export const NPCS_PER_MATCH = 256;
export const MARGIN = 512;

export const capacitySchema = defineSchema({
  player: {
    x: t.float({ min: 0, max: WORLD, bits: 16 }),
    y: t.float({ min: 0, max: WORLD, bits: 16 }),
    angle: t.angle({ bits: 8 }),
    hp: t.int({ min: 0, max: 100 }),
  },
  npc: {
    x: t.float({ min: 0, max: WORLD, bits: 16 }),
    y: t.float({ min: 0, max: WORLD, bits: 16 }),
    angle: t.angle({ bits: 8 }),
    hp: t.int({ min: 0, max: 100 }),
  },
});

export const capacityInput = defineInput({
  dx: t.float({ min: -1, max: 1, bits: 8 }),
  dy: t.float({ min: -1, max: 1, bits: 8 }),
});

/** Quadrant 0-3 of a position. */
export function quadrantOf(x: number, y: number): number {
  return (x < WORLD / 2 ? 0 : 1) + (y < WORLD / 2 ? 0 : 2);
}

/** Whether a position is inside quadrant `q`'s area of interest. */
export function inQuadrant(q: number, x: number, y: number): boolean {
  const x0 = q & 1 ? WORLD / 2 : 0;
  const y0 = q & 2 ? WORLD / 2 : 0;
  return x >= x0 - MARGIN && x < x0 + WORLD / 2 + MARGIN && y >= y0 - MARGIN && y < y0 + WORLD / 2 + MARGIN;
}

/** mulberry32: reproducible movement. */
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

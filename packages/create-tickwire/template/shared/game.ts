// What the authority and every client agree on: the synced state (schema), what a player sends
// (input), and the rule that turns one into the other. Both sides import this file.
import { defineInput, defineSchema, t, type EntityOf, type InputOf } from '@tickwire/transport';

/** Rooms of this game in the lobby carry this mode. */
export const GAME_MODE = 'tickwire-starter';
export const WORLD = { width: 800, height: 600 } as const;
export const TICK_RATE = 30;
export const SHIP_RADIUS = 14;
const SPEED = 240; // pixels per second

export const schema = defineSchema({
  ship: {
    // 14 bits over 800 px: positions arrive within 0.05 px of the authority's.
    x: t.float({ min: 0, max: WORLD.width, bits: 14 }),
    y: t.float({ min: 0, max: WORLD.height, bits: 14 }),
    hue: t.int({ min: 0, max: 359 }),
  },
});

export const input = defineInput({
  dx: t.int({ min: -1, max: 1 }),
  dy: t.int({ min: -1, max: 1 }),
});

export type Ship = EntityOf<typeof schema, 'ship'>;
export type Input = InputOf<typeof input>;

/** One tick of one player's input (clients send one input per tick). */
export function move(ship: Ship, { dx, dy }: Input): void {
  const step = SPEED / TICK_RATE;
  ship.x = Math.min(WORLD.width - SHIP_RADIUS, Math.max(SHIP_RADIUS, ship.x + dx * step));
  ship.y = Math.min(WORLD.height - SHIP_RADIUS, Math.max(SHIP_RADIUS, ship.y + dy * step));
}

// What crosses the wire for the arena, declared once with tickwire's schema builders: the entity
// types the authority syncs (quantized: the ranges and bit counts are the bandwidth budget) and
// the input each player sends every tick. Both sides derive the same hash from these; a client
// built with a different declaration is refused during the sync handshake.
import { defineInput, defineSchema, t } from '@tickwire/transport';
import type { InputOf } from '@tickwire/transport';
import { ARENA, MAX_PLAYERS, SHIP } from '../sim/index.js';

const x = t.float({ min: 0, max: ARENA.width, bits: 16 });
const y = t.float({ min: 0, max: ARENA.height, bits: 16 });
const velocity = t.float({ min: -SHIP.maxSpeed, max: SHIP.maxSpeed, bits: 14 });

export const arenaSchema = defineSchema({
  ship: {
    x,
    y,
    vx: velocity,
    vy: velocity,
    angle: t.angle({ bits: 10 }),
    hp: t.int({ min: 0, max: SHIP.maxHp }),
    alive: t.bool(),
    rapid: t.bool(),
    /** The player's seat number (1..MAX_PLAYERS) in this match. */
    player: t.int({ min: 0, max: 255 }),
    score: t.int({ min: 0, max: 1023 }),
    deaths: t.int({ min: 0, max: 1023 }),
    name: t.string({ maxBytes: 24 }),
  },
  bullet: {
    x: t.float({ min: 0, max: ARENA.width, bits: 12 }),
    y: t.float({ min: 0, max: ARENA.height, bits: 12 }),
    owner: t.int({ min: 0, max: 255 }),
  },
  pickup: {
    x: t.float({ min: 0, max: ARENA.width, bits: 11 }),
    y: t.float({ min: 0, max: ARENA.height, bits: 10 }),
    kind: t.enum(['heal', 'rapid']),
    active: t.bool(),
  },
  match: {
    round: t.int({ min: 0, max: 65535 }),
    phase: t.enum(['warmup', 'playing', 'intermission']),
    secondsLeft: t.int({ min: 0, max: 1023 }),
    /** The tick of the simulation (60 Hz), so clients can express their view lag in sim ticks. */
    simTick: t.int({ min: 0, max: 2 ** 31 }),
  },
});

export const arenaInput = defineInput({
  mx: t.int({ min: -1, max: 1 }),
  my: t.int({ min: -1, max: 1 }),
  aim: t.angle({ bits: 12, signed: true }),
  fire: t.bool(),
  /**
   * The sim tick the player was seeing when it sent this (mod VIEW_TICK_MOD): the authority
   * rewinds targets to it (lag compensation). `rewind: false` asks for no rewind.
   */
  view: t.int({ min: 0, max: 4095 }),
  rewind: t.bool(),
});

export type ArenaInput = InputOf<typeof arenaInput>;
/** `view` wraps at this (12 bits on the wire); rewinds are far shorter than a wrap. */
export const VIEW_TICK_MOD = 4096;
export type ArenaSchema = typeof arenaSchema;
export { MAX_PLAYERS };

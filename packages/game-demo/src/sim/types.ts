// The simulation's data: what one player commands each tick and what the world holds. Plain
// objects, no classes, so the same values flow into the sync schema and the renderer.

/** One tick of a player's controls. `lag`: how many ticks behind the authority the player's view was. */
export interface PlayerInput {
  /** Movement axes, each -1, 0 or 1. */
  mx: number;
  my: number;
  /** Aim direction in radians. */
  aim: number;
  fire: boolean;
  lag: number;
}

export const IDLE_INPUT: PlayerInput = { mx: 0, my: 0, aim: 0, fire: false, lag: 0 };

/** The part of a ship that the local client predicts (moveShip is pure over it). */
export interface Motion {
  x: number;
  y: number;
  vx: number;
  vy: number;
  angle: number;
  alive: boolean;
}

export interface Ship extends Motion {
  readonly id: number;
  name: string;
  hp: number;
  score: number;
  deaths: number;
  respawnTick: number;
  nextFireTick: number;
  rapidUntil: number;
}

export interface Bullet {
  readonly id: number;
  owner: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  expiresTick: number;
  /** Ticks the shooter's view was behind: targets are rewound this far when testing hits. */
  lag: number;
}

export const PickupKind = { Heal: 'heal', Rapid: 'rapid' } as const;
export type PickupKind = (typeof PickupKind)[keyof typeof PickupKind];

export interface Pickup {
  readonly id: number;
  readonly kind: PickupKind;
  readonly x: number;
  readonly y: number;
  active: boolean;
  respawnTick: number;
}

/** `warmup`: players fly and practise until everybody is ready; then timed rounds follow. */
export const Phase = { Warmup: 'warmup', Playing: 'playing', Intermission: 'intermission' } as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** What happened during one step, for the reliable event channel and the HUD. */
export type GameEvent =
  | { kind: 'hit'; shooter: number; target: number; bullet: number; hp: number }
  | { kind: 'kill'; killer: number; victim: number }
  | { kind: 'pickup'; player: number; pickup: PickupKind }
  | { kind: 'round-end'; round: number; winner: number | undefined }
  | { kind: 'round-start'; round: number };

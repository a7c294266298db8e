// The arena's rules as numbers, shared by the authority, the predicting client and the bots. Never
// read a clock or a random source here: the simulation must be a pure function of its inputs.

/** Simulation ticks per second (the authority's fixed step and the client's input rate). */
export const TICK_HZ = 60;
export const DT = 1 / TICK_HZ;
/** State snapshots per second sent to each client. */
export const SNAPSHOT_HZ = 30;

export const ARENA = { width: 1600, height: 1000 } as const;

export const SHIP = {
  radius: 18,
  accel: 2400,
  maxSpeed: 360,
  /** Velocity kept per input step when no key is held. */
  damping: 0.86,
  maxHp: 100,
  respawnTicks: 2 * TICK_HZ,
  fireCooldownTicks: 12,
  rapidCooldownTicks: 5,
  rapidTicks: 6 * TICK_HZ,
} as const;

export const BULLET = { radius: 4, speed: 900, ttlTicks: TICK_HZ, damage: 25 } as const;

export const PICKUP = { radius: 16, respawnTicks: 10 * TICK_HZ, heal: 50 } as const;

export const ROUND = {
  /** A round's length by default (the sync schema caps it at 600 s). */
  ticks: 180 * TICK_HZ,
  intermissionTicks: 5 * TICK_HZ,
} as const;

/** The authority rewinds at most this far for lag compensation (ticks, 400 ms). */
export const MAX_REWIND_TICKS = 24;
/** Most players one match holds (the lobby room size). */
export const MAX_PLAYERS = 16;

// The arena's simulation: rules only, no networking. Both kinds of authority (a player's browser
// and the dedicated Node server) run this code, and the client predicts its own ship with moveShip.
export * from './constants.js';
export { Game } from './game.js';
export type { GameOptions } from './game.js';
export { PositionHistory } from './history.js';
export type { PastPosition } from './history.js';
export { findHit } from './hits.js';
export { parseInput } from './input.js';
export { Rng } from './rng.js';
export { moveShip } from './ship.js';
export { IDLE_INPUT, Phase, PickupKind } from './types.js';
export type { Bullet, GameEvent, Motion, Pickup, PlayerInput, Ship } from './types.js';
export { botInput } from './bot-brain.js';
export type { BotView } from './bot-brain.js';

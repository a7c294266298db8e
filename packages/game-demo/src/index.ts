export { startDemoServer } from './serve.js';
export type { DemoServer, DemoServerOptions } from './serve.js';
export { startGameServer } from './server/game-server.js';
export type { GameServer, GameServerOptions, GameServerTraffic } from './server/game-server.js';
export { MatchLoop } from './server/match-loop.js';
export type { LoopTick, MatchLoopTotals, SteppedMatch } from './server/match-loop.js';
export { startBots } from './server/bots.js';
export type { Bots, BotsOptions } from './server/bots.js';

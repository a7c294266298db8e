#!/usr/bin/env node
// `npm run demo` / `pnpm --filter @tickwire/game-demo start`: starts a lobby server and the game
// page in this process and prints where to open it. PORT (page, default 8080) and LOBBY_PORT
// (default 8787) choose the ports; HOST the bind address (default 127.0.0.1).
import { createLobbyServer } from '@tickwire/lobby-server';
import { startDemoServer } from './serve.js';

const host = process.env['HOST'] ?? '127.0.0.1';
const lobby = await createLobbyServer({
  host,
  port: Number(process.env['LOBBY_PORT'] ?? 8787),
  logLevel: 'warn',
});
const lobbyUrl = `ws://${host}:${lobby.port}/`;
const demo = await startDemoServer({ port: Number(process.env['PORT'] ?? 8080), host, lobbyUrl });
console.log(`tickwire lobby: ${lobbyUrl} (health: http://${host}:${lobby.port}/healthz)`);
console.log(`tickwire demo:  open ${demo.url}`);
const stop = (): void => {
  void Promise.all([demo.close(), lobby.close()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

#!/usr/bin/env node
// `npm run demo` / `pnpm --filter @tickwire/game-demo start`: starts, in this process, a lobby
// (in memory), a dedicated game server registered with it, and the page server, then prints the
// URL. PORT (page, default 8080), LOBBY_PORT (8787), GAME_UDP_PORT (40000), METRICS_PORT (9464);
// HOST the bind address (default 127.0.0.1; 0.0.0.0 to play across a LAN, then open the machine's
// IP). Two tabs that press "Quick match" meet on the dedicated server; private rooms are hosted by
// the creator's browser.
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { createLobbyServer } from '@tickwire/lobby-server';
import { startDemoServer } from './serve.js';
import { startGameServer } from './server/game-server.js';

const host = process.env['HOST'] ?? '127.0.0.1';
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const serverKey = randomBytes(16).toString('hex');
const lobby = await createLobbyServer({
  host,
  port: num('LOBBY_PORT', 8787),
  logLevel: 'warn',
  serverKeys: [serverKey],
  modes: ['arena=2'],
});
const publicHost = host === '0.0.0.0' ? lanAddress() : host;
const lobbyUrl = `ws://${publicHost}:${lobby.port}/`;
const game = await startGameServer({
  lobbyUrl: `ws://127.0.0.1:${lobby.port}/`,
  serverKey,
  udpPort: num('GAME_UDP_PORT', 40000),
  host: publicHost,
  metricsPort: num('METRICS_PORT', 9464),
});
const demo = await startDemoServer({ port: num('PORT', 8080), host, lobbyUrl });
const pageUrl = demo.url.replace('0.0.0.0', publicHost);
console.log(`tickwire lobby:       ${lobbyUrl} (health: http://${publicHost}:${lobby.port}/healthz)`);
console.log(
  `tickwire game server: udp ${publicHost}:${num('GAME_UDP_PORT', 40000)}, metrics ${game.metricsUrl ?? 'off'}`,
);
console.log(`tickwire arena:       open ${pageUrl} (two tabs, or two machines with HOST=0.0.0.0)`);
console.log(
  `bots:                 pnpm --filter @tickwire/game-demo bots --count 3 --room CODE --lobby ${lobbyUrl}`,
);
const stop = (): void => {
  void Promise.all([game.close(), demo.close()])
    .then(() => lobby.close())
    .then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

function lanAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

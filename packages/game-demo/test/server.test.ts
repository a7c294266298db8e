// The dedicated game server with real parts: a lobby with a server key, the server on one UDP
// port, two players who quick-match and land on it, play, and show up in its Prometheus metrics;
// then headless bots that join a player-hosted room by code and play.
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer } from '@tickwire/lobby-server';
import { pickFreePort } from '@tickwire/testkit';
import { connect } from '@tickwire/transport';
import { ArenaSession } from '../src/net/session.js';
import { startBots } from '../src/server/bots.js';
import { startGameServer } from '../src/server/game-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function player(url: string, name: string): Promise<ArenaSession> {
  const session = await ArenaSession.start({ lobbyUrl: url, name, connect, botsAfterMs: 0 });
  cleanups.push(() => session.close());
  return session;
}

describe('dedicated game server', () => {
  it('hosts a quick match on one UDP port and exports per-peer metrics', async () => {
    const lobby = await createLobbyServer({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      serverKeys: ['k'],
      modes: ['arena=2'],
    });
    cleanups.push(() => lobby.close());
    const udpPort = await pickFreePort();
    const server = await startGameServer({ lobbyUrl: lobby.url, serverKey: 'k', udpPort, metricsPort: 0 });
    cleanups.push(() => server.close());
    const ann = await player(lobby.url, 'ann');
    const bob = await player(lobby.url, 'bob');
    await ann.quickMatch();
    await bob.quickMatch();
    await until(() => ann.state === 'playing' && bob.state === 'playing', 'both playing on the server');
    expect(ann.room?.authority.kind).toBe('server');
    expect(ann.isHost || bob.isHost).toBe(false);
    expect(server.matches.size).toBe(1);
    await until(() => (bob.client?.view().ships.length ?? 0) === 2, 'two ships');

    const annSlot = ann.client!.slot;
    const x0 = bob.client!.view().ships.find((s) => s.player === annSlot)!.x;
    const timer = setInterval(
      () => ann.client?.step({ mx: x0 > 800 ? -1 : 1, my: 0, aim: 0, fire: false }),
      1000 / 60,
    );
    cleanups.push(() => clearInterval(timer));
    await until(
      () => Math.abs(bob.client!.view().ships.find((s) => s.player === annSlot)!.x - x0) > 40,
      'bob sees ann move',
    );

    // Both players' selected pairs use the server's one UDP port.
    const pair = await ann.client!.connection.selectedCandidatePair();
    expect(pair?.remote.port).toBe(udpPort);

    await until(() => [...server.matches.values()][0]!.seats.size === 2, 'two seats');
    await new Promise((r) => setTimeout(r, 1500));
    const metrics = await (await fetch(server.metricsUrl!)).text();
    expect(metrics).toMatch(/game_match_players\{match="[^"]+"\} 2/);
    expect(metrics).toMatch(/game_peer_rtt_ms\{match="[^"]+",peer="\d+:ann"\} \d/);
    expect(metrics).toMatch(/game_peer_relayed\{match="[^"]+",peer="\d+:bob"\} 0/);
    expect(metrics).toMatch(/game_peer_send_bytes_per_second/);
  }, 90_000);

  it('headless bots join a room by code and play', async () => {
    const lobby = await createLobbyServer({ host: '127.0.0.1', port: 0, logLevel: 'silent' });
    cleanups.push(() => lobby.close());
    const ann = await player(lobby.url, 'ann');
    const room = await ann.createRoom();
    const bots = await startBots({ lobbyUrl: lobby.url, count: 2, room: room.code });
    cleanups.push(() => bots.close());
    await until(() => ann.host?.seats.size === 3, 'three seats');
    ann.setReady(true);
    await until(() => ann.client?.view().match.phase === 'playing', 'round starts when all are ready');
    const start = new Map(ann.client!.view().ships.map((s) => [s.player, { x: s.x, y: s.y }]));
    await until(() => {
      const ships = ann.client!.view().ships.filter((s) => s.player !== ann.client!.slot);
      return (
        ships.length === 2 &&
        ships.every((s) => Math.hypot(s.x - start.get(s.player)!.x, s.y - start.get(s.player)!.y) > 50)
      );
    }, 'bots move');
    const hits = { n: 0 };
    ann.client!.on('event', (e) => {
      if (e.type === 'hit') hits.n++;
    });
    await until(() => hits.n > 0, 'a bot lands a hit', 45_000);
  }, 90_000);
});

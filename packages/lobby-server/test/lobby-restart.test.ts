// The lobby restarts mid-game (a deploy, a crash): the players' data channels do not go through
// it, so they carry on; the lobby clients reconnect to the restarted process and resume their
// sessions (Redis keeps them), and signaling works again: an ICE restart negotiated through the
// restarted lobby opens. Real lobby processes (dist/bin.js), real Redis, real node-datachannel.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect as connectPeer } from '@tickwire/transport';
import type { Connection } from '@tickwire/transport';
import { cleanup, connect, eventually, onCleanup } from './helpers.js';
import { startLobbyProcess } from './support/lobby-process.js';
import { startRedis } from './support/redis.js';
import type { RedisServer } from './support/redis.js';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(cleanup);
afterAll(async () => {
  await redis.stop();
});

/** Counts the numbered reliable messages a connection received, and whether they came in order. */
function counter(conn: Connection): { count: number; last: number; outOfOrder: number } {
  const got = { count: 0, last: -1, outOfOrder: 0 };
  conn.on('message', (event) => {
    const n = (event.data as { n?: unknown } | undefined)?.n;
    if (event.channel !== 'reliable' || typeof n !== 'number') return;
    if (n <= got.last) got.outOfOrder += 1;
    got.count += 1;
    got.last = Math.max(got.last, n);
  });
  return got;
}

describe('a lobby restart mid-game', () => {
  it('leaves open channels flowing; clients resume and an ICE restart signals through the new process', async () => {
    const env = {
      REDIS_URL: redis.url,
      LOBBY_REDIS_PREFIX: `restart${process.pid}:`,
      LOBBY_SECRET: 'restart-shared-secret-0123456789',
      LOBBY_TICK_MS: '50',
      LOBBY_GRACE_MS: '20000',
    };
    let lobby = await startLobbyProcess(env);
    onCleanup(() => lobby.kill());
    const alice = await connect(lobby.url, { name: 'alice' });
    const bob = await connect(lobby.url, { name: 'bob' });
    const room = await alice.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
    const joined = alice.waitFor('roomUpdate', (u) => u.reason === 'joined');
    await bob.joinRoom({ roomId: room.id });
    await joined;

    const a = connectPeer({ role: 'offerer', signaler: alice.signalerFor(bob.sessionId), label: 'a' });
    const b = connectPeer({ role: 'answerer', signaler: bob.signalerFor(alice.sessionId), label: 'b' });
    onCleanup(() => {
      a.close();
      b.close();
    });
    await Promise.all([a.opened, b.opened]);
    const atB = counter(b);
    let n = 0;
    const stream = setInterval(() => {
      if (a.state === 'open') a.send('reliable', { n: n++ });
    }, 20);
    onCleanup(() => clearInterval(stream));
    await eventually(() => atB.count > 10, 10_000, 'messages before the kill');

    // The lobby dies: both clients lose it, the game goes on.
    const lost = Promise.all([alice, bob].map((c) => c.waitFor('disconnected', () => true, 10_000)));
    await lobby.kill();
    await lost;
    const atKill = atB.last;
    await eventually(() => atB.last > atKill + 25, 10_000, 'messages while the lobby is down');
    expect(a.state).toBe('open');
    expect(b.state).toBe('open');

    // It comes back on the same port; the clients reconnect and resume their sessions.
    const resumed = Promise.all(
      [alice, bob].map((c) => c.waitFor('reconnected', () => true, 20_000).then(([info]) => info)),
    );
    const port = lobby.port;
    lobby = await startLobbyProcess({ ...env, PORT: String(port) });
    expect(await resumed).toEqual([{ resumed: true }, { resumed: true }]);

    // Signaling works again: an ICE restart negotiated through the restarted lobby opens, under
    // the same connections, and the stream carries on in order.
    const restored = Promise.all([a, b].map((c) => new Promise((resolve) => c.on('restored', resolve))));
    expect(a.restartIce()).toBe(true);
    await restored;
    const atRestore = atB.last;
    await eventually(() => atB.last > atRestore + 10, 10_000, 'messages after the ICE restart');
    expect(atB.outOfOrder).toBe(0);
    expect([a.state, b.state]).toEqual(['open', 'open']);
  });
});

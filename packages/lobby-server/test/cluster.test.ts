// Scale-out: two real lobby processes (the bin) sharing a real redis-server. Rooms, signaling and
// matchmaking cross processes; killing one process leaves the other's players undisturbed and
// its own players reconnect to the survivor with their seats.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LobbyClient } from '../src/client/index.js';
import { cleanup, connect, eventually, startLobby } from './helpers.js';
import { startLobbyProcess } from './support/lobby-process.js';
import type { LobbyProcess } from './support/lobby-process.js';
import { startRedis } from './support/redis.js';
import type { RedisServer } from './support/redis.js';

let redis: RedisServer;
let prefix = 0;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(cleanup);

afterAll(async () => {
  await redis.stop();
});

async function twoLobbies(extra: Record<string, string> = {}): Promise<[LobbyProcess, LobbyProcess]> {
  prefix += 1;
  const env = {
    REDIS_URL: redis.url,
    LOBBY_REDIS_PREFIX: `cluster${prefix}:`,
    LOBBY_SECRET: 'cluster-shared-secret-0123456789',
    LOBBY_TICK_MS: '50',
    LOBBY_NODE_TTL_MS: '900',
    LOBBY_GRACE_MS: '10000',
    ...extra,
  };
  const lobbies = await Promise.all([startLobbyProcess(env), startLobbyProcess(env)]);
  return lobbies as [LobbyProcess, LobbyProcess];
}

/** Accepts every match offered; registered before queueing so no event is missed. */
function autoAccept(...clients: LobbyClient[]): void {
  for (const client of clients) {
    client.on('matchFound', (found) => {
      client.acceptMatch(found.matchId).catch(() => undefined);
    });
  }
}

async function stopAll(lobbies: LobbyProcess[]): Promise<void> {
  await Promise.all(lobbies.map((l) => l.stop()));
}

describe('two lobby processes on one Redis', () => {
  it('share rooms and relay signaling across processes', async () => {
    const lobbies = await twoLobbies();
    try {
      const [one, two] = lobbies;
      const a = await connect(one.url, { name: 'on-one' });
      const b = await connect(two.url, { name: 'on-two' });
      const room = await a.createRoom({ mode: 'duel', maxPlayers: 2, public: true, props: { map: 'x' } });
      const listed = (await (await fetch(`${two.httpUrl}/rooms`)).json()) as { rooms: Array<{ id: string }> };
      expect(listed.rooms.map((r) => r.id)).toEqual([room.id]);
      const joined = a.waitFor('roomUpdate', (u) => u.reason === 'joined');
      await b.joinRoom({ code: room.code });
      expect((await joined)[0].playerId).toBe(b.sessionId);

      const atA = a.waitFor('signal');
      b.signalerFor(a.sessionId).send({ kind: 'description', type: 'offer', sdp: 'v=0 from two' });
      expect(await atA).toEqual([b.sessionId, { kind: 'description', type: 'offer', sdp: 'v=0 from two' }]);
      const atB = b.waitFor('signal');
      a.signalerFor(b.sessionId).send({
        kind: 'candidate',
        candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host',
        mid: '0',
      });
      expect((await atB)[0]).toBe(a.sessionId);
      // Still only room members: a third player elsewhere is refused.
      const c = await connect(two.url);
      await expect(c.request('signal', { to: a.sessionId, data: { kind: 'bye' } })).rejects.toMatchObject({
        code: 'peer_not_in_room',
      });
    } finally {
      await cleanup();
      await stopAll(lobbies);
    }
  });

  it('matches players queued on different processes', async () => {
    const lobbies = await twoLobbies();
    try {
      const a = await connect(lobbies[0].url);
      const b = await connect(lobbies[1].url);
      const readyA = a.waitFor('matchReady');
      const readyB = b.waitFor('matchReady');
      autoAccept(a, b);
      await a.queue({ mode: 'duel' });
      await b.queue({ mode: 'duel' });
      const [[ra], [rb]] = await Promise.all([readyA, readyB]);
      expect(ra.room.id).toBe(rb.room.id);
      expect(ra.room.members).toHaveLength(2);
    } finally {
      await cleanup();
      await stopAll(lobbies);
    }
  });

  it('survives killing one process: its players reconnect to the other and keep their seats', async () => {
    const lobbies = await twoLobbies();
    try {
      const [one, two] = lobbies;
      const host = await connect([two.url, one.url], { name: 'stays' });
      const victim = await connect([one.url, two.url], { name: 'moves' });
      const room = await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
      await victim.joinRoom({ roomId: room.id });
      const victimId = victim.sessionId;

      const reconnected = victim.waitFor('reconnected', () => true, 15_000);
      await one.kill();
      expect((await reconnected)[0]).toEqual({ resumed: true });
      expect(victim.sessionId).toBe(victimId);
      expect(victim.room?.id).toBe(room.id);
      expect(victim.room?.members.map((m) => m.id).sort()).toEqual([host.sessionId, victimId].sort());
      // The host on the surviving process carried on and reaches the moved player.
      expect(await host.ping()).toBeGreaterThan(0);
      const signal = victim.waitFor('signal');
      host.signalerFor(victimId).send({ kind: 'bye', reason: 'still here' });
      expect(await signal).toEqual([host.sessionId, { kind: 'bye', reason: 'still here' }]);
      // The seat was kept: the room is still full.
      const newcomer = await connect(two.url);
      await expect(newcomer.joinRoom({ roomId: room.id })).rejects.toMatchObject({ code: 'room_full' });
      // The survivor takes over cluster duties (leader lease) and keeps matching.
      const [p1, p2] = [await connect(two.url), await connect(two.url)];
      const ready = p1.waitFor('matchReady', () => true, 10_000);
      autoAccept(p1, p2);
      await p1.queue({ mode: 'duel' });
      await p2.queue({ mode: 'duel' });
      await ready;
      const health = await fetch(`${two.httpUrl}/healthz`);
      expect(health.status).toBe(200);
      await eventually(
        async () =>
          ((await (await fetch(`${two.httpUrl}/healthz`)).json()) as { sessions: number }).sessions >= 4,
        2_000,
        'sessions',
      );
    } finally {
      await cleanup();
      await stopAll(lobbies);
    }
  });

  it('notices a dead process: its players enter their grace period, then their seats are freed', async () => {
    const lobbies = await twoLobbies({ LOBBY_GRACE_MS: '800' });
    try {
      const [one, two] = lobbies;
      const host = await connect(two.url);
      const lost = await connect(one.url, { reconnect: false });
      const room = await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
      await lost.joinRoom({ roomId: room.id });
      const disconnected = host.waitFor(
        'roomUpdate',
        (u) => u.reason === 'disconnected' && u.playerId === lost.sessionId,
        10_000,
      );
      const freed = host.waitFor(
        'roomUpdate',
        (u) => u.reason === 'seat_freed' && u.playerId === lost.sessionId,
        10_000,
      );
      await one.kill();
      await disconnected;
      const [update] = await freed;
      expect(update.room.members.map((m) => m.id)).toEqual([host.sessionId]);
    } finally {
      await cleanup();
      await stopAll(lobbies);
    }
  });

  it('reports a Redis outage on /healthz and answers requests with a typed error instead of hanging', async () => {
    const own = await startRedis();
    const lobby = await startLobby({ redisUrl: own.url, redisPrefix: 'outage:' });
    try {
      const client = await connect(lobby);
      await client.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
      expect((await fetch(`${lobby.httpUrl}/healthz`)).status).toBe(200);
      await own.stop();
      expect((await fetch(`${lobby.httpUrl}/healthz`)).status).toBe(503);
      await expect(client.listRooms()).rejects.toMatchObject({ code: 'internal' });
      expect(await client.ping()).toBeGreaterThan(0);
    } finally {
      await cleanup();
      await own.stop();
    }
  });
});

// Scale-out: two real lobby processes (the bin) sharing a real redis-server. Rooms, signaling and
// matchmaking cross processes; killing one process leaves the other's players undisturbed and
// its own players reconnect to the survivor with their seats.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect as connectPeer } from '@tickwire/transport';
import { createMemoryBackend } from '../src/index.js';
import type { LobbyClient } from '../src/client/index.js';
import { cleanup, connect, eventually, onCleanup, startLobby } from './helpers.js';
import { startLobbyProcesses } from './support/lobby-process.js';
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
  const lobbies = await startLobbyProcesses(2, env);
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
  it('relay frames (the last-resort game relay) cross processes in order', async () => {
    const lobbies = await twoLobbies();
    try {
      const [one, two] = lobbies;
      const a = await connect(one.url, { name: 'on-one' });
      const b = await connect(two.url, { name: 'on-two' });
      const room = await a.createRoom({ mode: 'duel', maxPlayers: 2, public: false });
      const joined = a.waitFor('roomUpdate', (u) => u.reason === 'joined');
      await b.joinRoom({ roomId: room.id });
      await joined;
      const x = connectPeer({ role: 'offerer', signaler: a.signalerFor(b.sessionId), wsRelay: 'only' });
      const y = connectPeer({ role: 'answerer', signaler: b.signalerFor(a.sessionId) });
      onCleanup(() => {
        x.close();
        y.close();
      });
      await Promise.all([x.opened, y.opened]);
      const got: number[] = [];
      y.on('message', (event) => {
        if (event.channel === 'reliable') got.push(event.data as number);
      });
      for (let i = 0; i < 100; i++) x.send('reliable', i);
      await eventually(() => got.length === 100, 10_000, 'relayed messages');
      expect(got).toEqual([...Array(100).keys()]);
      await eventually(() => y.stats().path?.type === 'lobby-relay', 5_000, 'the lobby-relay path');
    } finally {
      await stopAll(lobbies);
    }
  });

  it('share rooms and relay signaling across processes', async () => {
    const lobbies = await twoLobbies();
    try {
      const [one, two] = lobbies;
      const a = await connect(one.url, { name: 'on-one' });
      const b = await connect(two.url, { name: 'on-two' });
      const room = await a.createRoom({ mode: 'duel', maxPlayers: 2, public: true, props: { map: 'x' } });
      const listed = (await (await fetch(`${two.httpUrl}/rooms`)).json()) as { rooms: Array<{ id: string }> };
      expect(listed.rooms.map((r) => r.id)).toEqual([room.id]);
      const joined = a.waitFor('roomUpdate', { predicate: (u) => u.reason === 'joined' });
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

      const reconnected = victim.waitFor('reconnected', { timeoutMs: 15_000 });
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
      const ready = p1.waitFor('matchReady', { timeoutMs: 10_000 });
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
    // A process counts as dead once its node lease lapses. It renews every ttl/3, so a live process
    // that stalls (CPU starvation, GC) for 2/3 of the ttl is taken for dead: with the 900 ms the
    // other tests use, a 600 ms stall on a loaded machine before the kill would free the seat early.
    const nodeTtlMs = 3_000;
    const graceMs = 1_000;
    // Only a bound for a test that would otherwise hang: detection takes about 1-4 s (ttl, plus
    // the leader lease moving over when the killed process led), then the grace period.
    const safetyMs = 25_000;
    const lobbies = await twoLobbies({
      LOBBY_NODE_TTL_MS: String(nodeTtlMs),
      LOBBY_GRACE_MS: String(graceMs),
    });
    try {
      const [one, two] = lobbies;
      const host = await connect(two.url);
      const lost = await connect(one.url, { reconnect: false });
      const lostId = lost.sessionId;
      const room = await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
      // Everything the host hears about the player on the doomed process, from before the join on.
      const heard: Array<{ reason: string; at: number; members: Array<{ id: string; connected: boolean }> }> =
        [];
      host.on('roomUpdate', (u) => {
        if (u.playerId !== lostId) return;
        const members = u.room.members.map((m) => ({ id: m.id, connected: m.connected }));
        heard.push({ reason: u.reason, at: Date.now(), members });
      });
      const freed = host
        .waitFor('roomUpdate', {
          predicate: (u) => u.reason === 'seat_freed' && u.playerId === lostId,
          timeoutMs: safetyMs,
        })
        .catch((error: unknown) => {
          throw new Error(`seat not freed within ${safetyMs} ms; heard: ${JSON.stringify(heard)}`, {
            cause: error,
          });
        });
      freed.catch(() => undefined); // a failure before the await below is reported, not unhandled
      // The host's 'joined' goes through Redis: it may arrive after the join's reply.
      await Promise.all([
        lost.joinRoom({ roomId: room.id }),
        host.waitFor('roomUpdate', { predicate: (u) => u.reason === 'joined' && u.playerId === lostId }),
      ]);

      const heardBeforeKill = heard.length;
      const killedAt = Date.now();
      await one.kill();
      const [update] = await freed;

      const before = heard.slice(0, heardBeforeKill);
      const after = heard.slice(heardBeforeKill);
      // Nothing was decided about the player before its process died.
      expect(before.map((h) => h.reason)).toEqual(['joined']);
      // Then, in order: disconnected but still seated (the grace period), then the seat freed.
      expect(after.map((h) => h.reason)).toEqual(['disconnected', 'seat_freed']);
      expect(after[0]?.members).toEqual([
        { id: host.sessionId, connected: true },
        { id: lostId, connected: false },
      ]);
      expect(update.room.members.map((m) => m.id)).toEqual([host.sessionId]);
      // The grace period starts no earlier than the death and must run out before the seat is freed.
      expect(after[1]!.at - killedAt).toBeGreaterThanOrEqual(graceMs);
    } finally {
      await cleanup();
      await stopAll(lobbies);
    }
  }, 45_000);

  it('reports a Redis outage on /healthz and answers requests with a typed error instead of hanging', async () => {
    const own = await startRedis();
    // Registered first so it runs last, after the lobby closes, even when startLobby throws.
    onCleanup(() => own.stop());
    const lobby = await startLobby({ redisUrl: own.url, redisPrefix: 'outage:' });
    try {
      const client = await connect(lobby);
      await client.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
      expect((await fetch(`${lobby.httpUrl}/healthz`)).status).toBe(200);
      await own.stop();
      // the probe answers at once, not after ioredis's reconnect cycle (a bound on a hang)
      const probing = performance.now();
      expect((await fetch(`${lobby.httpUrl}/healthz`)).status).toBe(503);
      expect(performance.now() - probing).toBeLessThan(2_000);
      await expect(client.listRooms()).rejects.toMatchObject({ code: 'internal' });
      expect(await client.ping()).toBeGreaterThan(0);
      // And it still shuts down promptly: the session's cleanup and the node's leaving the cluster
      // fail at once instead of waiting for a reconnection that never comes (a bound on a hang,
      // not a benchmark: it takes milliseconds).
      client.close();
      const closing = performance.now();
      await lobby.close();
      expect(performance.now() - closing).toBeLessThan(5_000);
    } finally {
      await cleanup();
      await own.stop();
    }
  });
});

// Which processes the leader watches for death. In-process lobbies on one shared backend, whose
// store is wrapped to force the interleavings that timing alone produces only now and then.
describe('cluster membership', () => {
  it('watches a process that starts while another leads, even when the leader sweeps mid-start', async () => {
    const backend = createMemoryBackend();
    const { store } = backend;
    const leader = await startLobby({ backend });
    const lease = store.lease.bind(store);
    let sweptMidStart = false;
    store.lease = async (key, owner, ttlMs) => {
      if (!sweptMidStart && key === `node:${owner}` && owner !== leader.nodeId) {
        sweptMidStart = true;
        await leader.runTasks(); // the leader looks for dead processes before the newcomer's lease
      }
      return lease(key, owner, ttlMs);
    };
    const late = await startLobby({ backend });
    expect(sweptMidStart).toBe(true);
    // Had it been listed before it held its lease, the sweep would have unlisted it for good, and
    // its players' seats would never be freed if it died.
    expect(await store.setMembers('nodes')).toContain(late.nodeId);
  });

  it('watches a process again once it is back from a stall that cost it its lease', async () => {
    const backend = createMemoryBackend();
    const { store } = backend;
    const leader = await startLobby({ backend });
    const late = await startLobby({ backend, nodeTtlMs: 300 });
    const lease = store.lease.bind(store);
    let stalling = true;
    let renewBlocked: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (renewBlocked = resolve));
    let endStall: () => void = () => undefined;
    const stallOver = new Promise<void>((resolve) => (endStall = resolve));
    store.lease = async (key, owner, ttlMs) => {
      if (stalling && key === `node:${late.nodeId}`) {
        renewBlocked();
        await stallOver; // its renewal hangs: the lease runs out meanwhile
      }
      return lease(key, owner, ttlMs);
    };
    try {
      await blocked;
      await store.delete(`node:${late.nodeId}`); // the lease lapsed
      await leader.runTasks();
      expect(await store.setMembers('nodes')).not.toContain(late.nodeId); // given up on
    } finally {
      stalling = false;
      endStall();
    }
    await eventually(
      async () => (await store.setMembers('nodes')).includes(late.nodeId),
      5_000,
      'the process listed again',
    );
  });
});

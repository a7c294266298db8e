// The lobby on a real Redis Cluster (issue 12): three masters with a replica each, started here
// from Debian's redis-server. The store contract passes on it, the listing indexes share one slot,
// and a lobby keeps every seat while the master holding its room fails over to its replica.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisBackend } from '../src/index.js';
import {
  CLUSTER_RETRY,
  ClusterUnsettledError,
  isClusterTransient,
  retryClusterRefusals,
} from '../src/store/cluster-retry.js';
import type { StateBackend } from '../src/index.js';
import { keys } from '../src/state/records.js';
import type { RoomRecord } from '../src/state/records.js';
import { cleanup, connect, onCleanup, startLobby } from './helpers.js';
import { startRedisCluster } from './support/redis-cluster.js';
import type { RedisCluster } from './support/redis-cluster.js';
import { storeContract } from './support/store-contract.js';

let cluster: RedisCluster;
const backends: StateBackend[] = [];
let prefix = 0;

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);

afterEach(cleanup);

afterAll(async () => {
  for (const backend of backends) await backend.close();
  await cluster?.stop();
});

async function clusterBackend(): Promise<{ backend: StateBackend; prefix: string }> {
  const name = `rc${(prefix += 1)}:`;
  const backend = await createRedisBackend(cluster.url, name, () => undefined);
  backends.push(backend);
  return { backend, prefix: name };
}

describe('store contract on a Redis Cluster', () => {
  it('is a cluster backend', async () => {
    expect((await clusterBackend()).backend.kind).toBe('redis-cluster');
  });
  storeContract(async () => (await clusterBackend()).backend);
});

describe('store commands while a master fails over', () => {
  it('are never refused: 24 writers, every kind of command, through a failover', async () => {
    const { backend, prefix: p } = await clusterBackend();
    const refused: string[] = [];
    let busy = true;
    let rounds = 0;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; busy; i += 1) {
        const key = `w${w}:${i % 40}`;
        try {
          await backend.store.put(key, { i });
          await backend.store.update<{ i: number }, void>(key, (current) => ({
            next: { i: (current?.i ?? 0) + 1 },
            result: undefined,
          }));
          await backend.store.putIfAbsent(`nx${w}:${i}`, i, 60_000);
          await backend.store.getMany([key, `w${w}:${(i + 7) % 40}`]);
          await backend.store.setAdd(`set${w}`, String(i));
          await backend.store.indexAdd([`{ix${w}}a`, `{ix${w}}b`], String(i));
          await backend.store.indexPage(`{ix${w}}a`, undefined, 5);
          await backend.store.lease(`lease${w}`, 'me', 5_000);
          await backend.bus.publish(`ch${w}`, { i });
          rounds += 1;
        } catch (error) {
          refused.push(String(error));
        }
      }
    };
    const writers = Array.from({ length: 24 }, (_, w) => writer(w));
    // The keys of the 24 writers land on all three masters; one of them fails over.
    const moved = await cluster.failover(p + 'w0:1');
    const before = rounds;
    // Traffic after the promotion reaches the new master too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    busy = false;
    await Promise.all(writers);
    expect(moved.to).not.toBe(moved.from);
    expect(refused).toEqual([]);
    expect(rounds).toBeGreaterThan(before);
  }, 60_000);

  it('retries only refusals that mean the command did not run', () => {
    expect(isClusterTransient(new Error('MOVED 3999 127.0.0.1:7001'))).toBe(true);
    expect(isClusterTransient(new Error('TRYAGAIN Multiple keys request during rehashing'))).toBe(true);
    expect(isClusterTransient(new Error('CLUSTERDOWN The cluster is down'))).toBe(true);
    expect(
      isClusterTransient(
        new Error('All keys in the pipeline should belong to the same slots allocation group'),
      ),
    ).toBe(true);
    const aborted = Object.assign(new Error('EXECABORT Transaction discarded because of previous errors.'), {
      previousErrors: [new Error('MOVED 12 127.0.0.1:7002')],
    });
    expect(isClusterTransient(aborted)).toBe(true);
    expect(isClusterTransient(new Error('Connection is closed.'))).toBe(false);
    expect(isClusterTransient(new Error('WRONGTYPE Operation against a key'))).toBe(false);
    expect(isClusterTransient('MOVED 1 x:1')).toBe(false);
  });

  // ioredis does not update its slot map for an auto-pipelined batch refused with several MOVED
  // texts (redis/ioredis#2075): unless the retry re-reads it, every resend goes to the old master.
  it('re-reads the slot map before each resend, and gives up with a typed error at its deadline', async () => {
    vi.useFakeTimers();
    try {
      let refreshes = 0;
      const slots = { refreshSlotsCache: (done?: () => void) => ((refreshes += 1), done?.()) };
      let sends = 0;
      const movedTwice = retryClusterRefusals(slots, async () => {
        sends += 1;
        if (sends <= 2) throw new Error('MOVED 3999 127.0.0.1:7001');
        return 'OK';
      });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await movedTwice).toBe('OK');
      expect([sends, refreshes]).toEqual([3, 2]);

      const never = retryClusterRefusals(slots, () => Promise.reject(new Error('MOVED 1 127.0.0.1:7001')));
      const outcome = never.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(CLUSTER_RETRY.deadlineMs + CLUSTER_RETRY.maxDelayMs);
      const error = await outcome;
      expect(error).toBeInstanceOf(ClusterUnsettledError);
      expect(error).toMatchObject({
        code: 'cluster_unsettled',
        cause: { message: 'MOVED 1 127.0.0.1:7001' },
      });

      // Anything else is passed on at once, without a resend.
      const dropped = new Error('Connection is closed.');
      await expect(retryClusterRefusals(slots, () => Promise.reject(dropped))).rejects.toBe(dropped);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a lobby on a Redis Cluster', () => {
  it('keeps the listing indexes of one lobby in one slot, and rooms spread over the masters', async () => {
    const { backend, prefix: p } = await clusterBackend();
    const server = await startLobby({ backend });
    const admin = new Redis({ port: cluster.nodes[0]!.port, host: '127.0.0.1' });
    onCleanup(() => admin.disconnect());
    const slot = (key: string) => admin.call('CLUSTER', 'KEYSLOT', p + key) as Promise<number>;
    expect(await slot(keys.publicRoomsByMode('duel'))).toBe(await slot(keys.publicRooms));
    const rooms = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const host = await connect(server, { name: `h${i}` });
        return host.createRoom({ mode: i % 2 ? 'duel' : 'ffa', maxPlayers: 2, public: true });
      }),
    );
    const masters = new Set(await Promise.all(rooms.map((r) => cluster.masterOf(p + keys.room(r.id)))));
    expect(masters.size).toBeGreaterThan(1);
    const listed = await (await connect(server)).listRooms({ mode: 'duel' });
    expect(listed.map((r) => r.id).sort()).toEqual(
      rooms
        .filter((r) => r.mode === 'duel')
        .map((r) => r.id)
        .sort(),
    );
  });

  it('loses no seat while the master holding a room fails over to its replica mid-test', async () => {
    const { backend, prefix: p } = await clusterBackend();
    const server = await startLobby({ backend });
    const host = await connect(server, { name: 'host' });
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 3, public: true });
    const guests = [await connect(server, { name: 'g1' }), await connect(server, { name: 'g2' })];
    for (const guest of guests) await guest.joinRoom({ code: room.code });
    const seated = [host.sessionId, ...guests.map((g) => g.sessionId)];

    // Listings and pings keep flowing while the slot moves, and none is refused: the store sends a
    // command refused in the instant the slot changes hands again (cluster-retry.ts). (A generous
    // request timeout: the bound is on a hang, the machine may be loaded.)
    const watcher = await connect(server, { requestTimeoutMs: 30_000 });
    let busy = true;
    const refused: unknown[] = [];
    const traffic = (async () => {
      let served = 0;
      while (busy) {
        try {
          await watcher.listRooms();
          await watcher.ping();
          served += 1;
        } catch (error) {
          refused.push(error);
        }
        // Paced well under the per-connection message budget: unpaced, a fast machine runs the
        // watcher into rate_limited violations and a 4008 close, which is not what this tests.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return served;
    })();
    const moved = await cluster.failover(p + keys.room(room.id));
    busy = false;
    expect(moved.to).not.toBe(moved.from);
    expect(await cluster.masterOf(p + keys.room(room.id))).toBe(moved.to);
    expect(await traffic).toBeGreaterThan(0);
    expect(refused).toEqual([]);

    // Every seat is still there, read from the promoted replica.
    const stored = await backend.store.get<RoomRecord>(keys.room(room.id));
    expect(stored?.members.map((m) => m.id)).toEqual(seated);
    const newcomer = await connect(server);
    await expect(newcomer.joinRoom({ roomId: room.id })).rejects.toMatchObject({ code: 'room_full' });
    // And the room takes writes on its new master: a guest leaves, the newcomer takes the seat.
    const left = host.waitFor('roomUpdate', { predicate: (u) => u.reason === 'left' });
    await guests[0]!.leaveRoom();
    await left;
    const joined = await newcomer.joinRoom({ roomId: room.id });
    expect(joined.members.map((m) => m.id)).toEqual([
      host.sessionId,
      guests[1]!.sessionId,
      newcomer.sessionId,
    ]);
    const signal = host.waitFor('signal');
    newcomer.signalerFor(host.sessionId).send({ kind: 'bye', reason: 'after failover' });
    expect(await signal).toEqual([newcomer.sessionId, { kind: 'bye', reason: 'after failover' }]);
  }, 60_000);
});

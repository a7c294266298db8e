// The scale-out backend: documents, sets and leases in Redis, the bus on Redis pub/sub. Atomic
// updates are optimistic: read, run the pure mutator, then a Lua compare-and-set that writes only
// if the stored string is still the one that was read; on conflict, read again and retry.
// Runs on one Redis or on a Redis Cluster (`redis-cluster://host:port,host:port`): every command
// and script touches one key, except index updates, whose keys share a hash tag (one slot), and
// multi-key reads, which a cluster connection sends as single-key reads pipelined per node.
import { Cluster, Redis } from 'ioredis';
import type { Bus, BusHandler, Mutation, StateBackend, Store } from './types.js';
import { settlesWithin } from '../server/deadline.js';
import { retryClusterRefusals } from './cluster-retry.js';

/** How long /healthz waits for Redis to answer PING before it reports the backend as down. */
const HEALTH_PING_TIMEOUT_MS = 1_000;

// KEYS[1] key; ARGV[1] expected value ('' = absent); ARGV[2] new value ('' = delete).
const CAS_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1`;

// KEYS[1] lease key; ARGV[1] owner (JSON string); ARGV[2] ttl ms.
const LEASE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const MAX_CAS_ATTEMPTS = 100;

/**
 * The commands sent on one connection and not answered yet, so that a shutdown can fail them. While
 * Redis is down ioredis keeps a command waiting for a reconnection (its offline queue, or the
 * commands in flight when the connection dropped); `disconnect()` then stops the reconnecting but
 * leaves those commands pending for ever, and whoever awaits them with it.
 */
class PendingCommands {
  private readonly aborts = new Set<(error: Error) => void>();

  track<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.aborts.add(reject);
      command.then(resolve, reject).finally(() => this.aborts.delete(reject));
    });
  }

  abortAll(error: Error): void {
    const aborts = [...this.aborts];
    this.aborts.clear();
    for (const abort of aborts) abort(error);
  }
}

/** One Redis server or a Redis Cluster: the commands used here exist on both. */
type Connection = Redis | Cluster;

const pendingByConnection = new WeakMap<Connection, PendingCommands>();

function pendingOf(redis: Connection): PendingCommands {
  let pending = pendingByConnection.get(redis);
  if (!pending) {
    pending = new PendingCommands();
    pendingByConnection.set(redis, pending);
  }
  return pending;
}

export class RedisStore implements Store {
  private readonly pending: PendingCommands;

  constructor(
    private readonly redis: Connection,
    private readonly prefix: string,
  ) {
    this.pending = pendingOf(redis);
  }

  private get cluster(): boolean {
    return this.redis instanceof Cluster;
  }

  /**
   * Every command goes through here, so a shutdown can fail the ones Redis will never answer, and
   * on a cluster a command refused while its slot changes hands is sent again, to the owner named
   * by a re-read slot map (cluster-retry.ts).
   */
  private send<T>(command: () => Promise<T>): Promise<T> {
    if (!(this.redis instanceof Cluster)) return this.pending.track(command());
    return this.pending.track(retryClusterRefusals(this.redis, command));
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.send(() => this.redis.get(this.k(key)));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    // MGET must stay in one slot on a cluster; single GETs are auto-pipelined per node instead.
    const raws = this.cluster
      ? await Promise.all(keys.map((key) => this.send(() => this.redis.get(this.k(key)))))
      : await this.send(() => this.redis.mget(...keys.map((key) => this.k(key))));
    return raws.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as T)));
  }

  async put(key: string, value: unknown, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.send(() => this.redis.set(this.k(key), JSON.stringify(value), 'PX', ttlMs));
    else await this.send(() => this.redis.set(this.k(key), JSON.stringify(value)));
  }

  async putIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const raw = JSON.stringify(value);
    const reply = ttlMs
      ? await this.send(() => this.redis.set(this.k(key), raw, 'PX', ttlMs, 'NX'))
      : await this.send(() => this.redis.set(this.k(key), raw, 'NX'));
    return reply === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.send(() => this.redis.del(this.k(key)));
  }

  async update<T, R>(key: string, mutate: (current: T | undefined) => Mutation<T, R>): Promise<R> {
    const fullKey = this.k(key);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const raw = await this.send(() => this.redis.get(fullKey));
      const { next, result } = mutate(raw === null ? undefined : (JSON.parse(raw) as T));
      if (next === undefined) return result;
      const written = await this.send(() =>
        this.redis.eval(CAS_SCRIPT, 1, fullKey, raw ?? '', next === null ? '' : JSON.stringify(next)),
      );
      if (written === 1) return result;
      // Somebody else wrote in between: back off a little (jitter spreads the contenders).
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 1 + attempt)));
    }
    throw new Error(`update of ${key} kept conflicting`);
  }

  async setAdd(set: string, member: string): Promise<void> {
    await this.send(() => this.redis.sadd(this.k(set), member));
  }

  async setRemove(set: string, member: string): Promise<void> {
    await this.send(() => this.redis.srem(this.k(set), member));
  }

  setMembers(set: string): Promise<string[]> {
    return this.send(() => this.redis.smembers(this.k(set)));
  }

  setSize(set: string): Promise<number> {
    return this.send(() => this.redis.scard(this.k(set)));
  }

  // A sorted set with every score 0 orders its members by bytes: ZRANGE BYLEX reads one page in
  // O(log n + page), whatever the size of the index.
  // Several indexes change in one MULTI: a reader never sees a room in one and not the other.
  async indexAdd(indexes: readonly string[], member: string): Promise<void> {
    await this.send(() => {
      const multi = this.redis.multi();
      for (const index of indexes) multi.zadd(this.k(index), 0, member);
      return multi.exec();
    });
  }

  async indexRemove(indexes: readonly string[], member: string): Promise<void> {
    await this.send(() => {
      const multi = this.redis.multi();
      for (const index of indexes) multi.zrem(this.k(index), member);
      return multi.exec();
    });
  }

  indexPage(index: string, after: string | undefined, limit: number): Promise<string[]> {
    if (limit <= 0) return Promise.resolve([]);
    const from = after === undefined ? '-' : `(${after}`;
    return this.send(() => this.redis.zrangebylex(this.k(index), from, '+', 'LIMIT', 0, limit));
  }

  indexSize(index: string): Promise<number> {
    return this.send(() => this.redis.zcard(this.k(index)));
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const reply = await this.send(() =>
      this.redis.eval(LEASE_SCRIPT, 1, this.k(key), JSON.stringify(owner), String(ttlMs)),
    );
    return reply === 1;
  }

  async leaseHeld(key: string): Promise<boolean> {
    return (await this.send(() => this.redis.exists(this.k(key)))) === 1;
  }

  async close(): Promise<void> {
    // The backend closes the connection.
  }
}

export class RedisBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();
  private readonly published: PendingCommands;
  private readonly subscriptions: PendingCommands;
  private subscribeBatch: Array<{
    channel: string;
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];

  constructor(
    private readonly publisher: Connection,
    private readonly subscriber: Connection,
    private readonly prefix: string,
    private readonly onHandlerError: (error: unknown) => void,
    /**
     * Sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7) on a cluster: a channel lives on the shard of
     * its slot, so PUBLISH's receiver count is exact (classic PUBLISH counts only the subscribers
     * of the node it reached) and messages are not broadcast to every node.
     */
    private readonly sharded = false,
  ) {
    this.published = pendingOf(publisher);
    this.subscriptions = pendingOf(subscriber);
    subscriber.on(sharded ? 'smessage' : 'message', (channel: string, raw: string) =>
      this.dispatch(channel, raw),
    );
  }

  private dispatch(fullChannel: string, raw: string): void {
    const handlers = this.handlers.get(fullChannel);
    if (!handlers) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch (error) {
      this.onHandlerError(error);
      return;
    }
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }

  async subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    const full = this.prefix + channel;
    let handlers = this.handlers.get(full);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(full, handlers);
    }
    handlers.add(handler);
    if (handlers.size === 1) {
      await this.subscriptions.track(
        this.sharded ? this.subscriber.ssubscribe(full) : this.batchSubscribe(full),
      );
    }
    return async () => {
      const current = this.handlers.get(full);
      if (!current?.delete(handler)) return;
      if (current.size === 0) {
        this.handlers.delete(full);
        if (this.subscriber.status === 'ready') {
          await this.subscriptions.track(
            this.sharded ? this.subscriber.sunsubscribe(full) : this.subscriber.unsubscribe(full),
          );
        }
      }
    };
  }

  /**
   * SUBSCRIBE is never auto-pipelined: the channels asked for in one event-loop turn go out as one
   * SUBSCRIBE (thousands of sessions opening at once would otherwise cost a write each).
   */
  private batchSubscribe(channel: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.subscribeBatch.push({ channel, resolve, reject });
      if (this.subscribeBatch.length > 1) return;
      setImmediate(() => {
        const batch = this.subscribeBatch;
        this.subscribeBatch = [];
        this.subscriber.subscribe(...batch.map((b) => b.channel)).then(
          () => {
            for (const b of batch) b.resolve();
          },
          (error: unknown) => {
            for (const b of batch) b.reject(error);
          },
        );
      });
    });
  }

  publish(channel: string, message: unknown): Promise<number> {
    const full = this.prefix + channel;
    const raw = JSON.stringify(message);
    const publisher = this.publisher;
    if (!this.sharded) return this.published.track(publisher.publish(full, raw));
    // SPUBLISH goes to the shard of the channel's slot: refused the same way while it moves.
    const send = () => publisher.spublish(full, raw) as Promise<number>;
    return this.published.track(
      publisher instanceof Cluster ? retryClusterRefusals(publisher, send) : send(),
    );
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

const CLUSTER_SCHEME = 'redis-cluster://';

/** `redis-cluster://h1:p1,h2:p2` names seed nodes of a Redis Cluster; anything else is one Redis. */
export function clusterSeeds(url: string): Array<{ host: string; port: number }> | undefined {
  if (!url.startsWith(CLUSTER_SCHEME)) return undefined;
  const seeds = url
    .slice(CLUSTER_SCHEME.length)
    .replace(/\/.*$/, '')
    .split(',')
    .filter((seed) => seed.length > 0)
    .map((seed) => {
      const at = seed.lastIndexOf(':');
      const port = Number(seed.slice(at + 1));
      if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new Error(`invalid Redis Cluster seed "${seed}" (expected host:port)`);
      }
      return { host: seed.slice(0, at), port };
    });
  if (seeds.length === 0) throw new Error('a redis-cluster:// URL needs at least one host:port');
  return seeds;
}

export async function createRedisBackend(
  url: string,
  prefix: string,
  onHandlerError: (error: unknown) => void,
): Promise<StateBackend> {
  if (/[{}]/.test(prefix)) throw new Error('the Redis key prefix must not contain { or } (hash tags)');
  // Commands fail fast while Redis is down (instead of queueing forever), so requests get a
  // typed `internal` error and /healthz reports the outage. `disconnectTimeout`: how long
  // `disconnect()` gives Redis to close its end of the socket. Disconnecting while Redis is down
  // always waits it out (the socket is already gone): the default 2 s kept the process alive
  // that long after `close()`.
  // Auto-pipelining: the commands issued in one event-loop turn leave in one write (a socket
  // write per command was the lobby's largest CPU cost while 50,000 sessions opened).
  const options = {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    lazyConnect: true,
    enableOfflineQueue: true,
    disconnectTimeout: 500,
  };
  const seeds = clusterSeeds(url);
  // On a cluster, commands wait through a failover (MOVED/TRYAGAIN/CLUSTERDOWN are retried while
  // a replica takes over) instead of failing: a seat is never lost to a promotion.
  const makeConnection = (): Connection =>
    seeds
      ? new Cluster(seeds, {
          lazyConnect: true,
          enableOfflineQueue: true,
          enableAutoPipelining: true,
          retryDelayOnFailover: 100,
          retryDelayOnClusterDown: 100,
          retryDelayOnTryAgain: 100,
          maxRedirections: 32,
          shardedSubscribers: true,
          redisOptions: { maxRetriesPerRequest: 8, disconnectTimeout: 500 },
        })
      : new Redis(url, options);
  const commands = makeConnection();
  const subscriber = makeConnection();
  const connections = [commands, subscriber];
  commands.on('error', onHandlerError);
  subscriber.on('error', onHandlerError);
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (error) {
    for (const connection of connections) connection.disconnect();
    throw error;
  }
  const store = new RedisStore(commands, prefix);
  const bus = new RedisBus(commands, subscriber, prefix, onHandlerError, seeds !== undefined);
  let closed = false;
  return {
    store,
    bus,
    kind: seeds ? 'redis-cluster' : 'redis',
    healthy: async () => {
      // A probe must answer promptly: while the connection is down, say so at once instead of
      // queueing a PING behind ioredis's reconnect cycle (up to ~15 s with its default backoff),
      // and never wait longer than a load balancer's probe would for a stalled Redis either.
      if (commands.status !== 'ready') return false;
      let pong = false;
      const answered = await settlesWithin(
        pendingOf(commands)
          .track(commands.ping())
          .then((reply) => {
            pong = reply === 'PONG';
          }),
        HEALTH_PING_TIMEOUT_MS,
      );
      return answered && pong;
    },
    failFast: () => {
      for (const redis of connections) {
        // No more waiting for a reconnection: a command that cannot be sent now fails now. Not
        // auto-pipelined either: a new command would queue behind a pipeline stuck in the offline
        // queue, never sent and never failed (those already queued are aborted below).
        redis.options.enableOfflineQueue = false;
        redis.options.enableAutoPipelining = false;
        if (redis.status !== 'ready') {
          pendingOf(redis).abortAll(new Error('Redis is unreachable and the lobby is shutting down'));
        }
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await bus.close();
      for (const redis of connections) {
        // Not `quit()`: it waits for a reconnection while Redis is down. What was not answered
        // yet fails now instead of waiting for ever (see PendingCommands).
        if (redis.status !== 'end') redis.disconnect();
        pendingOf(redis).abortAll(new Error('Redis connection closed'));
      }
    },
  };
}

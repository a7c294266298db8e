// The scale-out backend: documents, sets and leases in Redis, the bus on Redis pub/sub. Atomic
// updates are optimistic: read, run the pure mutator, then a Lua compare-and-set that writes only
// if the stored string is still the one that was read; on conflict, read again and retry.
import { Redis } from 'ioredis';
import type { Bus, BusHandler, Mutation, StateBackend, Store } from './types.js';

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

export class RedisStore implements Store {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(key: string): string {
    return this.prefix + key;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.k(key));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    const raws = await this.redis.mget(...keys.map((key) => this.k(key)));
    return raws.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as T)));
  }

  async put(key: string, value: unknown, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.redis.set(this.k(key), JSON.stringify(value), 'PX', ttlMs);
    else await this.redis.set(this.k(key), JSON.stringify(value));
  }

  async putIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const raw = JSON.stringify(value);
    const reply = ttlMs
      ? await this.redis.set(this.k(key), raw, 'PX', ttlMs, 'NX')
      : await this.redis.set(this.k(key), raw, 'NX');
    return reply === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }

  async update<T, R>(key: string, mutate: (current: T | undefined) => Mutation<T, R>): Promise<R> {
    const fullKey = this.k(key);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const raw = await this.redis.get(fullKey);
      const { next, result } = mutate(raw === null ? undefined : (JSON.parse(raw) as T));
      if (next === undefined) return result;
      const written = await this.redis.eval(
        CAS_SCRIPT,
        1,
        fullKey,
        raw ?? '',
        next === null ? '' : JSON.stringify(next),
      );
      if (written === 1) return result;
      // Somebody else wrote in between: back off a little (jitter spreads the contenders).
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 1 + attempt)));
    }
    throw new Error(`update of ${key} kept conflicting`);
  }

  async setAdd(set: string, member: string): Promise<void> {
    await this.redis.sadd(this.k(set), member);
  }

  async setRemove(set: string, member: string): Promise<void> {
    await this.redis.srem(this.k(set), member);
  }

  setMembers(set: string): Promise<string[]> {
    return this.redis.smembers(this.k(set));
  }

  setSize(set: string): Promise<number> {
    return this.redis.scard(this.k(set));
  }

  async lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const reply = await this.redis.eval(LEASE_SCRIPT, 1, this.k(key), JSON.stringify(owner), String(ttlMs));
    return reply === 1;
  }

  async leaseHeld(key: string): Promise<boolean> {
    return (await this.redis.exists(this.k(key))) === 1;
  }

  async close(): Promise<void> {
    // The backend closes the connection.
  }
}

export class RedisBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly onHandlerError: (error: unknown) => void,
  ) {
    subscriber.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
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
    if (handlers.size === 1) await this.subscriber.subscribe(full);
    return async () => {
      const current = this.handlers.get(full);
      if (!current?.delete(handler)) return;
      if (current.size === 0) {
        this.handlers.delete(full);
        if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(full);
      }
    };
  }

  publish(channel: string, message: unknown): Promise<number> {
    return this.publisher.publish(this.prefix + channel, JSON.stringify(message));
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

export async function createRedisBackend(
  url: string,
  prefix: string,
  onHandlerError: (error: unknown) => void,
): Promise<StateBackend> {
  // Commands fail fast while Redis is down (instead of queueing forever), so requests get a
  // typed `internal` error and /healthz reports the outage.
  const options = { maxRetriesPerRequest: 2, lazyConnect: true, enableOfflineQueue: true };
  const commands = new Redis(url, options);
  const subscriber = new Redis(url, options);
  commands.on('error', onHandlerError);
  subscriber.on('error', onHandlerError);
  await Promise.all([commands.connect(), subscriber.connect()]);
  const store = new RedisStore(commands, prefix);
  const bus = new RedisBus(commands, subscriber, prefix, onHandlerError);
  return {
    store,
    bus,
    kind: 'redis',
    healthy: async () => {
      try {
        return (await commands.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    close: async () => {
      await bus.close();
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}

// Where shared lobby state lives and how lobby processes talk: a small document store with
// atomic read-modify-write, string sets, leases, and a publish/subscribe bus. The in-memory and
// Redis implementations pass one contract test suite, so every service above runs unchanged on
// either. Values are JSON documents; callers never share object identity with the store.

/**
 * The outcome of an `update` mutator: `next` is the new value (`null` deletes the key, `undefined`
 * leaves it untouched) and `result` is what `update` resolves to.
 */
export interface Mutation<T, R> {
  readonly next: T | null | undefined;
  readonly result: R;
}

export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>>;
  /** Writes unconditionally (optional time to live). */
  put(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Writes only when the key is absent; true when this call wrote it. */
  putIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Atomic read-modify-write. `mutate` may run more than once (optimistic concurrency in Redis),
   * so it must be pure; throwing from it aborts the update and rejects with that error.
   */
  update<T, R>(key: string, mutate: (current: T | undefined) => Mutation<T, R>): Promise<R>;
  setAdd(set: string, member: string): Promise<void>;
  setRemove(set: string, member: string): Promise<void>;
  setMembers(set: string): Promise<string[]>;
  setSize(set: string): Promise<number>;
  /**
   * Ordered indexes: members kept in byte order (ASCII keys), read a page at a time after a cursor,
   * so a reader's cost is its page, never the whole index. Used for the public room listing.
   */
  /**
   * Adds `member` to every index in `indexes` at once (atomically in Redis). On a Redis Cluster the
   * indexes must share a hash tag (`{rooms}:…`) so that they live in one slot.
   */
  indexAdd(indexes: readonly string[], member: string): Promise<void>;
  indexRemove(indexes: readonly string[], member: string): Promise<void>;
  /** Up to `limit` members strictly after `after` (from the first when undefined), in order. */
  indexPage(index: string, after: string | undefined, limit: number): Promise<string[]>;
  indexSize(index: string): Promise<number>;
  /** Takes or renews a lease: true when `owner` holds `key` for the next `ttlMs`. */
  lease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** True when somebody holds the lease. */
  leaseHeld(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export type BusHandler = (message: unknown) => void;

export interface Bus {
  /** Subscribes to a channel; resolves once messages will arrive. Returns the unsubscribe. */
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Publishes a JSON-safe message; resolves to how many subscribers (processes) received it. */
  publish(channel: string, message: unknown): Promise<number>;
  close(): Promise<void>;
}

export interface StateBackend {
  readonly store: Store;
  readonly bus: Bus;
  readonly kind: 'memory' | 'redis' | 'redis-cluster';
  /** Health of the backend (Redis PING); the memory backend is always healthy. */
  healthy(): Promise<boolean>;
  /**
   * Shutdown has begun: stop waiting for a store that is unreachable. Commands waiting for a
   * reconnection fail now and new ones fail at once while it stays unreachable; a reachable store
   * works on as before, so the shutdown's cleanup still runs. Optional (memory never waits).
   */
  failFast?(): void;
  close(): Promise<void>;
}

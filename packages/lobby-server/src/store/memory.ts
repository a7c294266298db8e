// The default backend: everything in this process. Documents are stored as JSON strings so that
// callers get fresh copies, exactly as from Redis, and a caller mutating a result cannot corrupt
// shared state. Bus delivery is synchronous; handlers that throw are isolated from publishers.
import type { Bus, BusHandler, Mutation, StateBackend, Store } from './types.js';

interface Entry {
  value: string;
  expiresAt: number;
}

export class MemoryStore implements Store {
  private readonly entries = new Map<string, Entry>();
  private readonly sets = new Map<string, Set<string>>();
  /** Sorted arrays: a binary search finds a member or a cursor in O(log n). */
  private readonly indexes = new Map<string, string[]>();

  private read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== 0 && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private write(key: string, value: unknown, ttlMs?: number): void {
    this.entries.set(key, { value: JSON.stringify(value), expiresAt: ttlMs ? Date.now() + ttlMs : 0 });
  }

  get<T>(key: string): Promise<T | undefined> {
    const raw = this.read(key);
    return Promise.resolve(raw === undefined ? undefined : (JSON.parse(raw) as T));
  }

  getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    return Promise.resolve(
      keys.map((key) => {
        const raw = this.read(key);
        return raw === undefined ? undefined : (JSON.parse(raw) as T);
      }),
    );
  }

  put(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.write(key, value, ttlMs);
    return Promise.resolve();
  }

  putIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    if (this.read(key) !== undefined) return Promise.resolve(false);
    this.write(key, value, ttlMs);
    return Promise.resolve(true);
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  update<T, R>(key: string, mutate: (current: T | undefined) => Mutation<T, R>): Promise<R> {
    try {
      const raw = this.read(key);
      const { next, result } = mutate(raw === undefined ? undefined : (JSON.parse(raw) as T));
      if (next === null) this.entries.delete(key);
      else if (next !== undefined) this.write(key, next);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  setAdd(set: string, member: string): Promise<void> {
    let members = this.sets.get(set);
    if (!members) {
      members = new Set();
      this.sets.set(set, members);
    }
    members.add(member);
    return Promise.resolve();
  }

  setRemove(set: string, member: string): Promise<void> {
    const members = this.sets.get(set);
    members?.delete(member);
    if (members?.size === 0) this.sets.delete(set);
    return Promise.resolve();
  }

  setMembers(set: string): Promise<string[]> {
    return Promise.resolve([...(this.sets.get(set) ?? [])]);
  }

  setSize(set: string): Promise<number> {
    return Promise.resolve(this.sets.get(set)?.size ?? 0);
  }

  indexAdd(indexes: readonly string[], member: string): Promise<void> {
    for (const index of indexes) this.addTo(index, member);
    return Promise.resolve();
  }

  indexRemove(indexes: readonly string[], member: string): Promise<void> {
    for (const index of indexes) this.removeFrom(index, member);
    return Promise.resolve();
  }

  private addTo(index: string, member: string): void {
    let members = this.indexes.get(index);
    if (!members) {
      members = [];
      this.indexes.set(index, members);
    }
    const at = firstAfter(members, member, true);
    if (members[at] !== member) members.splice(at, 0, member);
  }

  private removeFrom(index: string, member: string): void {
    const members = this.indexes.get(index);
    if (!members) return;
    const at = firstAfter(members, member, true);
    if (members[at] === member) members.splice(at, 1);
    if (members.length === 0) this.indexes.delete(index);
  }

  indexPage(index: string, after: string | undefined, limit: number): Promise<string[]> {
    const members = this.indexes.get(index) ?? [];
    const from = after === undefined ? 0 : firstAfter(members, after, false);
    return Promise.resolve(members.slice(from, from + Math.max(0, limit)));
  }

  indexSize(index: string): Promise<number> {
    return Promise.resolve(this.indexes.get(index)?.length ?? 0);
  }

  lease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const raw = this.read(key);
    if (raw !== undefined && JSON.parse(raw) !== owner) return Promise.resolve(false);
    this.write(key, owner, ttlMs);
    return Promise.resolve(true);
  }

  leaseHeld(key: string): Promise<boolean> {
    return Promise.resolve(this.read(key) !== undefined);
  }

  close(): Promise<void> {
    this.entries.clear();
    this.sets.clear();
    this.indexes.clear();
    return Promise.resolve();
  }
}

/** Position of the first member `>= value` (inclusive) or `> value` in a sorted array. */
function firstAfter(members: readonly string[], value: string, inclusive: boolean): number {
  let low = 0;
  let high = members.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const member = members[mid]!;
    if (member < value || (!inclusive && member === value)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class MemoryBus implements Bus {
  private readonly channels = new Map<string, Set<BusHandler>>();

  constructor(private readonly onHandlerError: (error: unknown) => void = () => undefined) {}

  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
    }
    handlers.add(handler);
    return Promise.resolve(() => {
      const current = this.channels.get(channel);
      current?.delete(handler);
      if (current?.size === 0) this.channels.delete(channel);
      return Promise.resolve();
    });
  }

  publish(channel: string, message: unknown): Promise<number> {
    const handlers = this.channels.get(channel);
    if (!handlers) return Promise.resolve(0);
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
    return Promise.resolve(handlers.size);
  }

  close(): Promise<void> {
    this.channels.clear();
    return Promise.resolve();
  }
}

export function createMemoryBackend(onHandlerError?: (error: unknown) => void): StateBackend {
  const store = new MemoryStore();
  const bus = new MemoryBus(onHandlerError);
  return {
    store,
    bus,
    kind: 'memory',
    healthy: () => Promise.resolve(true),
    close: async () => {
      await bus.close();
      await store.close();
    },
  };
}

// The store contract every state backend passes (memory, one Redis, a Redis Cluster): the exact
// semantics the lobby's services rely on. Test files call `storeContract` inside a describe with
// a factory for their backend; the factory's backends are closed by the caller.
import { expect, it } from 'vitest';
import { LobbyError } from '../../src/index.js';
import type { StateBackend } from '../../src/index.js';

export function storeContract(backend: () => Promise<StateBackend>): void {
  it('stores JSON documents and returns copies', async () => {
    const { store } = await backend();
    expect(await store.get('missing')).toBeUndefined();
    const doc = { a: 1, nested: { list: [1, 2] } };
    await store.put('doc', doc);
    const read = await store.get<typeof doc>('doc');
    expect(read).toEqual(doc);
    read!.nested.list.push(3);
    expect(await store.get('doc')).toEqual(doc);
    expect(await store.getMany(['doc', 'missing'])).toEqual([doc, undefined]);
    await store.delete('doc');
    expect(await store.get('doc')).toBeUndefined();
  });

  it('writes if absent and expires keys with a TTL', async () => {
    const { store } = await backend();
    expect(await store.putIfAbsent('code', 'room1', 100)).toBe(true);
    expect(await store.putIfAbsent('code', 'room2', 100)).toBe(false);
    expect(await store.get('code')).toBe('room1');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await store.get('code')).toBeUndefined();
    expect(await store.putIfAbsent('code', 'room3')).toBe(true);
  });

  it('updates atomically under concurrency', async () => {
    const { store } = await backend();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.update<{ n: number }, void>('counter', (current) => ({
          next: { n: (current?.n ?? 0) + 1 },
          result: undefined,
        })),
      ),
    );
    expect(await store.get('counter')).toEqual({ n: 50 });
  });

  it('lets a mutator keep, delete, or abort by throwing', async () => {
    const { store } = await backend();
    await store.put('k', { v: 1 });
    expect(await store.update<{ v: number }, string>('k', () => ({ next: undefined, result: 'kept' }))).toBe(
      'kept',
    );
    expect(await store.get('k')).toEqual({ v: 1 });
    await expect(
      store.update('k', () => {
        throw new LobbyError('room_full', 'full');
      }),
    ).rejects.toMatchObject({ code: 'room_full' });
    expect(await store.get('k')).toEqual({ v: 1 });
    await store.update('k', () => ({ next: null, result: undefined }));
    expect(await store.get('k')).toBeUndefined();
  });

  it('keeps string sets', async () => {
    const { store } = await backend();
    await store.setAdd('s', 'a');
    await store.setAdd('s', 'b');
    await store.setAdd('s', 'a');
    expect((await store.setMembers('s')).sort()).toEqual(['a', 'b']);
    expect(await store.setSize('s')).toBe(2);
    await store.setRemove('s', 'a');
    expect(await store.setMembers('s')).toEqual(['b']);
    expect(await store.setMembers('empty')).toEqual([]);
  });

  it('keeps ordered indexes and reads them a page at a time after a cursor', async () => {
    const { store } = await backend();
    for (const member of ['b', 'd', 'a', 'c', 'b']) await store.indexAdd(['ix'], member);
    expect(await store.indexSize('ix')).toBe(4);
    expect(await store.indexPage('ix', undefined, 3)).toEqual(['a', 'b', 'c']);
    expect(await store.indexPage('ix', 'b', 10)).toEqual(['c', 'd']);
    expect(await store.indexPage('ix', 'bb', 1)).toEqual(['c']); // a cursor need not be a member
    expect(await store.indexPage('ix', 'd', 10)).toEqual([]);
    await store.indexRemove(['ix'], 'c');
    await store.indexRemove(['ix'], 'zz');
    expect(await store.indexPage('ix', 'a', 10)).toEqual(['b', 'd']);
    expect(await store.indexPage('missing', undefined, 10)).toEqual([]);
    expect(await store.indexSize('missing')).toBe(0);
    // Several indexes at once (on a cluster they share a hash tag, so one slot).
    await store.indexAdd(['{t}:one', '{t}:two'], 'm');
    expect([
      await store.indexPage('{t}:one', undefined, 5),
      await store.indexPage('{t}:two', undefined, 5),
    ]).toEqual([['m'], ['m']]);
    await store.indexRemove(['{t}:one', '{t}:two'], 'm');
    expect((await store.indexSize('{t}:one')) + (await store.indexSize('{t}:two'))).toBe(0);
  });

  it('grants a lease to one owner at a time until it lapses', async () => {
    const { store } = await backend();
    expect(await store.lease('leader', 'n1', 150)).toBe(true);
    expect(await store.lease('leader', 'n2', 150)).toBe(false);
    expect(await store.lease('leader', 'n1', 150)).toBe(true);
    expect(await store.leaseHeld('leader')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.leaseHeld('leader')).toBe(false);
    expect(await store.lease('leader', 'n2', 150)).toBe(true);
  });

  it('publishes to subscribers and reports how many received it', async () => {
    const { bus } = await backend();
    const got: unknown[] = [];
    const unsubscribe = await bus.subscribe('ch', (m) => got.push(m));
    expect(await bus.publish('ch', { hello: 1 })).toBe(1);
    expect(await bus.publish('nobody', { hello: 2 })).toBe(0);
    await expect.poll(() => got).toEqual([{ hello: 1 }]);
    await unsubscribe();
    expect(await bus.publish('ch', { hello: 3 })).toBe(0);
    expect(got).toEqual([{ hello: 1 }]);
  });

  it('reports health', async () => {
    expect(await (await backend()).healthy()).toBe(true);
  });
}

// The sync server's client lifecycle over real node-datachannel peers: events emitted before a
// client's sync client exists wait for its join (bounded, overflow reported), `join`/`leave` with
// their reasons, each client learning its own entity, and the sync layer's traffic kept out of the
// application's `message` listeners. The type-level tests check what TypeScript infers from the
// schemas (they fail `tsc --noEmit`, which the lint step runs, not vitest).
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { MessageEvent, TransportError } from '../src/index.js';
import { createSyncClient, createSyncServer } from '../src/index.js';
import type { LeaveReason, SyncClient, SyncServer, SyncServerClient, TickEvent } from '../src/index.js';
import type { InputOf } from '../src/index.js';
import { arena as schema, controls as input, plane } from './fixtures/schema.js';
import { openPair } from './helpers.js';

/** Resolves with the next `count` calls of a sync emitter's event. */
function next<A extends unknown[]>(
  on: (handler: (...args: A) => void) => () => void,
  count = 1,
): Promise<A[]> {
  return new Promise((resolve) => {
    const got: A[] = [];
    const off = on((...args) => {
      got.push(args);
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
  });
}

describe('sync types', () => {
  it('infers inputs, sampled entities and client data from the schemas', () => {
    const server = createSyncServer({ schema, input, tickRate: 30 });
    expectTypeOf(server).toEqualTypeOf<SyncServer<typeof schema, InputOf<typeof input>>>();
    type Client = ReturnType<typeof server.addClient>;
    expectTypeOf<ReturnType<Client['takeInputs']>>().toEqualTypeOf<
      { seq: number; input: { move: number; jump: boolean; slot: number } }[]
    >();
    expectTypeOf<SyncClient<typeof schema, InputOf<typeof input>>['sendInput']>()
      .parameter(0)
      .toEqualTypeOf<{ move: number; jump: boolean; slot: number }>();
    type Entity = ReturnType<SyncClient<typeof schema>['sample']>['entities'][number];
    expectTypeOf<Entity>().toEqualTypeOf<
      | { id: number; type: 'mover'; value: Readonly<{ x: number; y: number; heading: number; hp: number }> }
      | { id: number; type: 'crate'; value: Readonly<{ x: number; y: number; kind: 'wood' | 'metal' }> }
    >();
    // latest() types its entities the same way.
    type Latest = NonNullable<ReturnType<SyncClient<typeof schema>['latest']>>;
    expectTypeOf<Latest['entities'][number]>().toEqualTypeOf<Entity>();
    expectTypeOf<Latest['tick']>().toEqualTypeOf<number>();
    expectTypeOf<SyncServer<typeof schema, unknown, { name: string }>['addClient']>()
      .parameter(1)
      .toEqualTypeOf<{ data?: { name: string } } | undefined>();
    expectTypeOf<SyncServerClient<unknown, { name: string }>['data']>().toEqualTypeOf<{ name: string }>();
    server.close();
  });

  it('refuses inputs that do not match the input schema at compile time', async () => {
    const { b } = await openPair();
    const sync = createSyncClient(b, schema, { input });
    expectTypeOf(sync).toEqualTypeOf<SyncClient<typeof schema, InputOf<typeof input>>>();
    // Compiled, never called: these must not type-check.
    const wrong = [
      // @ts-expect-error: no field `typo` in the input schema
      () => sync.sendInput({ typo: 5 }),
      // @ts-expect-error: `jump` is a boolean
      () => sync.sendInput({ move: 1, jump: 1, slot: 0 }),
    ];
    expect(wrong).toHaveLength(2);
    const sent = sync.sendInput({ move: 1, jump: true, slot: 3 });
    expect(sent).toEqual({ seq: 0, input: { move: 1, jump: true, slot: 3 } });
    expectTypeOf(sent.input).toEqualTypeOf<{ move: number; jump: boolean; slot: number }>();
    const inputless = createSyncClient(b, schema);
    // @ts-expect-error: a client without an input schema sends no inputs
    expect(() => inputless.sendInput({ move: 1 })).toThrow(TypeError);
    for (const entity of sync.sample().entities) {
      // Narrowing on `type` gives the fields of that entity type.
      if (entity.type === 'mover') expectTypeOf(entity.value.hp).toEqualTypeOf<number>();
      // @ts-expect-error: crates have no hp
      else void entity.value.hp;
    }
    sync.close();
    inputless.close();
  });
});

describe('sync lifecycle over real peers', () => {
  it('delivers events emitted right after addClient, before the sync client exists, in order after join', async () => {
    const { a, b } = await openPair();
    const server = createSyncServer({ schema, input, tickRate: 30 });
    const remote = server.addClient(a, { data: { name: 'ada' } });
    expect(remote.joined).toBe(false);
    server.emit({ n: 1 }, { to: remote });
    server.emit({ n: 2 });
    server.emit({ n: 3 }, { to: [remote], tick: 7 });
    // A reliable round trip after the emits: had they been sent, they would be ahead of it.
    const pong = new Promise((resolve) => b.on('message', resolve));
    a.send('reliable', { app: 'after-emits' });
    await pong;

    const joined = next<[SyncServerClient<InputOf<typeof input>, unknown>]>((h) => server.on('join', h));
    const sync = createSyncClient(b, schema, { input });
    const events = next<[TickEvent]>((h) => sync.on('event', h), 3);
    await sync.ready;
    const [client] = (await joined)[0]!;
    expect(client).toBe(remote);
    expect(remote.joined).toBe(true);
    expect(remote.data).toEqual({ name: 'ada' });
    expect((await events).map(([event]) => event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect((await events)[2]![0].tick).toBe(7);
    // After the join events go straight out.
    const later = next<[TickEvent]>((h) => sync.on('event', h));
    server.emit({ n: 4 });
    expect((await later)[0]![0].data).toEqual({ n: 4 });
    server.close();
    sync.close();
  });

  it('reports events beyond the pre-join queue as SYNC_EVENT_OVERFLOW and delivers the rest', async () => {
    const { a, b } = await openPair();
    const server = createSyncServer({ schema, tickRate: 30, maxPendingEvents: 2 });
    const remote = server.addClient(a);
    const errors: [TransportError, SyncServerClient | undefined][] = [];
    server.on('error', (error, client) => errors.push([error, client]));
    for (let n = 1; n <= 3; n++) server.emit({ n }, { tick: n });
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toMatchObject({ code: 'SYNC_EVENT_OVERFLOW', details: { limit: 2, tick: 3 } });
    expect(errors[0]![1]).toBe(remote);
    const sync = createSyncClient(b, schema);
    const events = await next<[TickEvent]>((h) => sync.on('event', h), 2);
    expect(events.map(([event]) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    server.close();
    sync.close();
  });

  it('counts and reports events dropped past the 1,024 waiting for takeEvents, once per episode', async () => {
    const { a, b } = await openPair();
    const server = createSyncServer({ schema, tickRate: 30 });
    // Emitted once the server has the join, the events go straight out (none wait before it).
    const joined = next((h) => server.on('join', h));
    server.addClient(a);
    const sync = createSyncClient(b, schema);
    await joined;
    const errors: TransportError[] = [];
    sync.on('error', (error) => errors.push(error));
    const arrived = next<[TickEvent]>((h) => sync.on('event', h), 1_030);
    for (let n = 1; n <= 1_030; n++) server.emit({ n }, { tick: n });
    await arrived;
    // The 6 oldest went; one error for the episode, naming the first dropped tick.
    expect(sync.stats().eventsDropped).toBe(6);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'SYNC_EVENT_OVERFLOW',
      details: { limit: 1_024, tick: 1, dropped: 1 },
    });
    // Far enough ahead that render time has passed every tick (30 Hz: 10 minutes = 18,000 ticks).
    const taken = sync.takeEvents(performance.now() + 600_000);
    expect(taken).toHaveLength(1_024);
    expect(taken[0]!.tick).toBe(7);
    expect(taken.at(-1)!.tick).toBe(1_030);

    // After a take, a new overflow is reported again.
    const two = await openPair();
    const joinedToo = next((h) => server.on('join', h));
    server.addClient(two.a);
    const small = createSyncClient(two.b, schema, { maxWaitingEvents: 2 });
    await joinedToo;
    const smallErrors: TransportError[] = [];
    small.on('error', (error) => smallErrors.push(error));
    const three = next<[TickEvent]>((h) => small.on('event', h), 3);
    for (let n = 1; n <= 3; n++) server.emit({ n }, { tick: 2_000 + n });
    await three;
    expect(small.takeEvents(performance.now() + 600_000).map((e) => e.tick)).toEqual([2_002, 2_003]);
    const more = next<[TickEvent]>((h) => small.on('event', h), 3);
    for (let n = 4; n <= 6; n++) server.emit({ n }, { tick: 2_000 + n });
    await more;
    expect(small.stats().eventsDropped).toBe(2);
    expect(smallErrors.map((e) => e.details)).toEqual([
      { limit: 2, tick: 2_001, dropped: 1 },
      { limit: 2, tick: 2_004, dropped: 2 },
    ]);
    expect(() => createSyncClient(b, schema, { maxWaitingEvents: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
    server.close();
    sync.close();
    small.close();
  });

  it('tells each client its own entity, set before and after the join', async () => {
    const { a, b } = await openPair();
    const server = createSyncServer({ schema, tickRate: 60 });
    const remote = server.addClient(a);
    const ship = server.world.spawn('mover', { x: 10, y: 20, heading: 0, hp: 100 });
    remote.setEntity(ship);
    expect(remote.entity).toBe(ship.id);
    const sync = createSyncClient(b, schema);
    expect(sync.self).toBeUndefined();
    const [first] = (await next<[number | undefined]>((h) => sync.on('self', h)))[0]!;
    expect(first).toBe(ship.id);
    expect(sync.self).toBe(ship.id);

    const other = server.world.spawn('mover', { x: 30, y: 40, heading: 1, hp: 50 });
    const changed = next<[number | undefined]>((h) => sync.on('self', h), 2);
    remote.setEntity(other.id);
    remote.setEntity(undefined);
    expect((await changed).map(([id]) => id)).toEqual([other.id, undefined]);
    expect(sync.self).toBeUndefined();
    expect(() => remote.setEntity(-1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));

    // The client finds its entity in what it samples.
    remote.setEntity(ship);
    await next<[number | undefined]>((h) => sync.on('self', h));
    const snapshot = next((h) => sync.on('snapshot', h));
    server.step();
    await snapshot;
    const mine = sync.sample(performance.now() + 10_000).entities.find((e) => e.id === sync.self);
    expect(mine?.type).toBe('mover');
    // And in the newest snapshot, typed per entity type; one view per snapshot.
    const latest = sync.latest()!;
    expect(sync.latest()).toBe(latest);
    expect(latest.entities.map((e) => e.id)).toEqual(latest.ids);
    const own = latest.entities.find((e) => e.id === sync.self);
    if (own?.type !== 'mover') throw new Error(`own entity is ${own?.type}`);
    expectTypeOf(own.value.hp).toEqualTypeOf<number>();
    expect(own.value).toMatchObject({ x: expect.closeTo(10, 1), y: expect.closeTo(20, 1), hp: 100 });
    server.close();
    sync.close();
  });

  it("leaves with 'removed', 'closed' and 'refused'", async () => {
    const server = createSyncServer({ schema, tickRate: 30 });
    const leaves: [SyncServerClient, LeaveReason][] = [];
    const removed: SyncServerClient[] = [];
    server.on('leave', (client, reason) => leaves.push([client, reason]));
    server.on('clientRemoved', (client) => removed.push(client));

    const one = await openPair();
    const first = server.addClient(one.a);
    const firstSync = createSyncClient(one.b, schema);
    await next((h) => server.on('join', h));
    first.remove();
    first.remove(); // idempotent

    const two = await openPair();
    const second = server.addClient(two.a);
    const secondSync = createSyncClient(two.b, schema);
    await next((h) => server.on('join', h));
    const closed = next((h) => server.on('leave', h));
    two.b.close();
    await closed;

    const three = await openPair();
    const third = server.addClient(three.a);
    const refusing = createSyncClient(three.b, plane);
    await expect(refusing.ready).rejects.toMatchObject({ code: 'SYNC_REJECTED' });
    await next((h) => server.on('leave', h));

    // A connection that is already closed leaves at once.
    const fourth = server.addClient(two.a);

    expect(leaves).toEqual([
      [first, 'removed'],
      [second, 'closed'],
      [third, 'refused'],
      [fourth, 'closed'],
    ]);
    expect(removed).toEqual([first, second, third, fourth]);
    expect(server.clients.size).toBe(0);
    // A removed client gets nothing more, and the server's close() has nobody left to remove.
    server.close();
    expect(leaves).toHaveLength(4);
    firstSync.close();
    secondSync.close();
  });

  it("keeps every sync message out of the application's message listeners, both sides", async () => {
    const { a, b } = await openPair();
    const seenByApp: Record<'a' | 'b', MessageEvent[]> = { a: [], b: [] };
    a.on('message', (event) => seenByApp.a.push(event));
    b.on('message', (event) => seenByApp.b.push(event));

    const server = createSyncServer({ schema, input, tickRate: 60 });
    const remote = server.addClient(a);
    server.emit({ early: true });
    // The authority's hello reaches b before b's sync client exists: still not the app's.
    // (Reliable is ordered: the hello is ahead of this app message.)
    const behindHello = new Promise((resolve) => b.on('message', resolve));
    a.send('reliable', { app: 'behind-hello' });
    await behindHello;
    const sync = createSyncClient(b, schema, { input });
    await sync.ready;
    const ship = server.world.spawn('mover', { x: 1, y: 2, heading: 0, hp: 9 });
    remote.setEntity(ship);
    let applied = 0;
    server.on('tick', () => {
      applied += remote.takeInputs().length;
      ship.state.x += 1;
    });
    const snapshots = next((h) => sync.on('snapshot', h), 20);
    const offInput = sync.on('snapshot', () => sync.sendInput({ move: 1, jump: false, slot: 0 }));
    server.start();
    server.emit({ during: true });
    await snapshots;
    server.stop();
    offInput();

    // The application's own traffic still flows next to sync, on every channel and stream.
    const appAtB = new Promise<void>((resolve) => {
      const off = b.on('message', (event) => {
        if ((event.data as { last?: boolean }).last) {
          off();
          resolve();
        }
      });
    });
    a.send('unreliable', { app: 'stream0' });
    a.send('unreliable', { app: 'stream3' }, { stream: 3 });
    a.send('reliable', { app: 'reliable', last: true });
    const appAtA = new Promise<void>((resolve) => a.on('message', () => resolve()));
    b.send('reliable', { app: 'to-authority', last: true });
    await Promise.all([appAtB, appAtA]);

    expect(applied).toBeGreaterThan(5);
    expect(sync.self).toBe(ship.id);
    expect(sync.takeEvents(performance.now() + 60_000).map((e) => e.data)).toEqual([
      { early: true },
      { during: true },
    ]);
    const appData = (events: MessageEvent[]) => events.map((event) => event.data);
    expect(appData(seenByApp.a)).toEqual([{ app: 'to-authority', last: true }]);
    // Unreliable messages may be lost in principle, never on loopback in practice; sync ones never show.
    expect(appData(seenByApp.b)[0]).toEqual({ app: 'behind-hello' });
    expect(appData(seenByApp.b).filter((d) => (d as { app?: string }).app === 'reliable')).toHaveLength(1);
    expect(seenByApp.b.every((event) => (event.data as { app?: unknown }).app !== undefined)).toBe(true);
    expect(seenByApp.b.some((event) => event.stream === 1 || event.stream === 2)).toBe(false);
    server.close();
    sync.close();
  });
});

// State sync over two real node-datachannel peers: the authority ticks at 60 Hz on its own timer,
// the client drops a fifth of the snapshot packets it receives (loss injected at the receiver),
// and still every tick it completes equals the authority's world at that tick; inputs flow back,
// tick-stamped reliable events arrive, and a client with another schema is refused.
import { describe, expect, it } from 'vitest';
import type { Connection, MessageInterceptor } from '../src/index.js';
import { createSyncClient, createSyncServer } from '../src/sync/index.js';
import type { EntityValue, Snapshot, TickEvent } from '../src/sync/index.js';
import { arena as schema, controls as input, plane } from './fixtures/schema.js';
import { openPair } from './helpers.js';
import { expectSameWorld, rng } from './sync-fixtures.js';

/** The same connection, except that `fraction` of incoming snapshot packets never reach the sync layer. */
function lossyReceiver(
  connection: Connection,
  fraction: number,
  random: () => number,
): Connection & { dropped: number } {
  const wrapper = Object.create(connection) as Connection & { dropped: number };
  wrapper.dropped = 0;
  wrapper.intercept = (interceptor: MessageInterceptor) =>
    connection.intercept((message) => {
      if (message.raw && message.channel === 'unreliable' && random() < fraction) {
        wrapper.dropped++;
        return true;
      }
      return interceptor(message);
    });
  return wrapper;
}

describe('sync over real peers', () => {
  it('keeps the client equal to the authority through 20% snapshot loss, with inputs and events', async () => {
    const { a, b } = await openPair();
    const random = rng(42);
    const server = createSyncServer({ schema, tickRate: 60, input });
    const lossy = lossyReceiver(b, 0.2, random);
    const client = createSyncClient(lossy, schema, { input });
    const remote = server.addClient(a);
    await client.ready;

    const player = server.world.spawn('mover', { x: 100, y: 100, heading: 0, hp: 100 });
    const npcs = Array.from({ length: 300 }, (_, i) =>
      server.world.spawn('crate', { x: 10 * i, y: 20 + i, kind: i % 2 ? 'metal' : 'wood' }),
    );
    const truth = new Map<number, Map<number, { type: number; state: Record<string, unknown> }>>();
    let applied = 0;
    server.on('tick', (tick) => {
      for (const { input: command } of remote.takeInputs()) {
        player.state.x += command.move * 2;
        applied++;
      }
      player.state.heading += 0.05;
      for (const npc of npcs) if (random() < 0.3) npc.state.y = Math.min(4000, npc.state.y + 1.5);
      if (tick % 30 === 0) server.emit({ kind: 'wave', tick }, { tick });
      truth.set(
        tick,
        new Map(
          [player, ...npcs].map((e) => [e.id, { type: e.type === 'mover' ? 0 : 1, state: { ...e.state } }]),
        ),
      );
    });
    const errors: unknown[] = [];
    server.on('error', (error) => errors.push(error));
    client.on('error', (error) => errors.push(error));

    const events: TickEvent[] = [];
    client.on('event', (event) => events.push(event));
    const enough = new Promise<Snapshot<EntityValue>[]>((resolve) => {
      const seen: Snapshot<EntityValue>[] = [];
      client.on('snapshot', (snapshot) => {
        seen.push(snapshot);
        client.sendInput({ move: 0.5, jump: false, slot: 0 });
        if (seen.length === 90) resolve(seen);
      });
    });
    server.start();
    const snapshots = await enough;
    server.stop();

    // The full world (300+ entities) does not fit one packet: the first snapshot came in parts.
    expect(lossy.dropped).toBeGreaterThan(10);
    for (const snapshot of snapshots) expectSameWorld(schema, snapshot, truth.get(snapshot.tick)!);
    const serverStats = remote.stats();
    expect(serverStats.packetsSent).toBeGreaterThan(serverStats.snapshotsSent);
    expect(serverStats.ackedTick).toBeGreaterThan(snapshots[0]!.tick);
    expect(serverStats.fullSnapshots).toBeLessThan(serverStats.snapshotsSent / 2);
    expect(applied).toBeGreaterThan(30);
    expect(client.inputAck).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => (event.data as { tick: number }).tick === event.tick)).toBe(true);
    // Tied to the timeline: nothing is due before render time reaches the tick, then all are.
    expect(client.takeEvents(performance.now() - 60_000)).toEqual([]);
    expect(client.takeEvents(performance.now() + 60_000)).toEqual(events);
    expect(client.takeEvents(performance.now() + 60_000)).toEqual([]);
    const clientStats = client.stats();
    expect(clientStats.snapshotsCompleted).toBe(90);
    // Every tick between the first and the last completed one was either completed or missed.
    expect(clientStats.missedTicks).toBe(snapshots.at(-1)!.tick - snapshots[0]!.tick - 89);
    expect(clientStats.missedTicks).toBeGreaterThan(0);
    expect(clientStats.rejected).toEqual({});
    expect(errors).toEqual([]);
    server.close();
    client.close();
  });

  it('refuses a client whose schema differs from the authority', async () => {
    const { a, b } = await openPair();
    const server = createSyncServer({ schema, tickRate: 30 });
    const removed = new Promise((resolve) => server.on('clientRemoved', resolve));
    server.addClient(a);
    const client = createSyncClient(b, plane);
    await expect(client.ready).rejects.toMatchObject({ code: 'SYNC_REJECTED' });
    await removed;
    expect(server.clients.size).toBe(0);
    server.close();
    client.close();
  });
});

// Hostile sync clients against a real authority: the guard's rules on the engine alone (budgets,
// replayed and far-ahead sequence numbers, inputs for entities the client does not own, a client
// that never acknowledges), then all of them at once over real node-datachannel peers against an
// Authority on one UDP port, while two honest players keep receiving every snapshot in order and
// keep their inputs. Tick times are printed, not asserted (BENCHMARKS.md has the numbers).
import { pickFreePort } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import { Authority, connect, createSignalerPair, INPUT_STREAM, SNAPSHOT_STREAM } from '../src/index.js';
import type { Connection, SyncServerClient, TransportError } from '../src/index.js';
import { createSyncClient, createSyncServer, defineInput, defineSchema, t } from '../src/sync/index.js';
import type { SyncClient } from '../src/sync/index.js';
import { encodeInputPacket, InputSender, quantizeInput, SyncAuthority } from '../src/internals.js';
import { onCleanup } from './helpers.js';

const schema = defineSchema({ unit: { x: t.float({ min: 0, max: 4096, bits: 16 }) } });
const input = defineInput({
  dx: t.float({ min: -1, max: 1, bits: 8 }),
  unit: t.int({ min: 0, max: 1023 }),
});
type Input = { dx: number; unit: number };

/** An input packet with any sequence number: `count` inputs ending at `newestSeq`. */
function forged(newestSeq: number, count: number, unit = 0): Uint8Array {
  const q = quantizeInput(input.type, { dx: 0.5, unit });
  return encodeInputPacket(input, {
    ackTick: undefined,
    loss: 0,
    newestSeq,
    inputs: Array.from({ length: count }, () => q),
  });
}

describe('sync guard on the engine', () => {
  it('counts replayed and far-ahead packets and never queues them', () => {
    const authority = new SyncAuthority({ schema, input, rate: false });
    const peer = authority.addPeer({ sendSnapshot: () => {} });
    peer.receive(forged(9, 10));
    expect(peer.inputs.take().map((i) => i.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    peer.receive(forged(9, 10)); // the same packet again: redundant copies, as a real client sends
    peer.receive(forged(4, 5)); // older than what was applied: replays
    peer.receive(forged(8, 9));
    peer.receive(forged(2 ** 32 - 1, 1)); // far ahead, at the top of the sequence space
    peer.receive(forged(9 + 4097, 1)); // just past the allowed jump
    expect(peer.inputs.pending).toBe(0);
    expect(peer.stats().inputs).toMatchObject({ replayed: 2, seqJumps: 2, received: 10, duplicates: 10 });
    // The client's next real inputs still go through.
    peer.receive(forged(12, 3));
    expect(peer.inputs.take().map((i) => i.seq)).toEqual([10, 11, 12]);
  });

  it('takes at most the input and packet budgets per tick, counts the rest, and cuts a persistent flood off', () => {
    const authority = new SyncAuthority({
      schema,
      input,
      rate: false,
      tickRate: 60,
      guard: { inputsPerSecond: 120, inputBurst: 10, packetsPerSecond: 600, packetBurst: 20 },
    });
    const peer = authority.addPeer({ sendSnapshot: () => {} });
    let seq = -1;
    const taken: number[] = [];
    for (let tick = 0; tick < 120 && peer.guard.violation === undefined; tick++) {
      for (let p = 0; p < 30; p++) peer.receive(forged((seq += 63), 63));
      authority.step();
      taken.push(peer.inputs.take().length);
    }
    // 10 at once, then 2 a tick (120/s at 60 Hz); everything else was refused and counted.
    expect(taken[0]).toBe(10);
    expect(Math.max(...taken.slice(1))).toBeLessThanOrEqual(2);
    const stats = peer.stats();
    expect(stats.inputs.overBudget).toBeGreaterThan(100);
    expect(stats.guard.packetsOverBudget).toBeGreaterThan(100);
    // Over budget on half the ticks of a second (30 at 60 Hz) ends it.
    expect(stats.guard.violation).toBe('flood');
    expect(taken.length).toBeGreaterThanOrEqual(29);
    expect(taken.length).toBeLessThanOrEqual(32);
  });

  it('drops a client that stops acknowledging to a keyframe every 15 ticks, with bounded history', () => {
    let sends = 0;

    const authority = new SyncAuthority({ schema, input, rate: false, tickRate: 60, historyTicks: 32 });
    const unit = authority.world.spawn('unit', { x: 0 });
    const peer = authority.addPeer({ sendSnapshot: () => sends++ });
    for (let tick = 1; tick <= 60; tick++) {
      unit.state.x = tick;
      authority.step();
    }
    expect(sends).toBe(60);
    expect(peer.guard.degraded).toBe(false);
    for (let tick = 61; tick <= 300; tick++) {
      unit.state.x = tick;
      authority.step();
    }
    const stats = peer.stats();
    expect(stats.guard.degraded).toBe(true);
    // Degraded from tick 62: 239 ticks at one keyframe per 15 ticks.
    expect(sends - 61).toBeGreaterThanOrEqual(15);
    expect(sends - 61).toBeLessThanOrEqual(17);
    expect(stats.guard.degradedSkips).toBeGreaterThan(200);
    // History held for it: the keyframes of the last 32 ticks (at most 3), not 32 snapshots.
    expect(peer.sent.size).toBeLessThanOrEqual(3);
    // One ack of a keyframe it holds brings it back to every tick.
    const held = [...peer.sent.keys()].at(-1)!;
    peer.receive(new InputSender(undefined).packet(held, 0));
    const before = sends;
    for (let i = 0; i < 10; i++) authority.step();
    expect(sends - before).toBe(10);
    expect(peer.guard.degraded).toBe(false);
  });
});

interface Player {
  connection: Connection;
  client: SyncClient<typeof schema, Input>;
  ticks: number[];
}

describe('sync guard against hostile peers over real connections', () => {
  it('cuts off or ignores each hostile peer while honest players keep every snapshot and input', async () => {
    const port = await pickFreePort({ host: '0.0.0.0' });
    const authority = new Authority({ port });
    onCleanup(() => authority.close());
    const server = createSyncServer({
      schema,
      input,
      tickRate: 60,
      inputEntity: (command) => command.unit,
      guard: { unackedCloseTicks: 90 },
    });
    onCleanup(() => server.close());
    const units = new Map<number, ReturnType<typeof server.world.spawn>>();
    const applied = new Map<number, number>(); // client id → inputs applied
    const wrongUnit: unknown[] = [];
    server.on('join', (client) => {
      const unit = server.world.spawn('unit', { x: 100 });
      units.set(unit.id, unit);
      client.setEntity(unit);
    });
    server.on('tick', () => {
      for (const client of server.clients) {
        for (const { input: command } of client.takeInputs()) {
          // The guard let through only inputs for the client's own unit.
          if (command.unit !== client.entity) wrongUnit.push({ client: client.id, command });
          const unit = units.get(command.unit);
          if (unit !== undefined) unit.state.x = Math.min(4000, unit.state.x + command.dx);
          applied.set(client.id, (applied.get(client.id) ?? 0) + 1);
        }
      }
    });
    const violations: { client: SyncServerClient<Input>; error: TransportError }[] = [];
    const leaves: [number, string][] = [];
    server.on('violation', (client, error) => violations.push({ client, error }));
    server.on('leave', (client, reason) => leaves.push([client.id, reason]));
    // Tick cost, observed (the spy calls through).
    const tickMs: number[] = [];
    const step = server.authority.step.bind(server.authority);
    server.authority.step = (now?: number) => {
      const started = performance.now();
      const snapshot = step(now);
      tickMs.push(performance.now() - started);
      return snapshot;
    };

    const open = async (): Promise<{ connection: Connection; remote: SyncServerClient<Input> }> => {
      const [offer, answer] = createSignalerPair();
      const connection = connect({ role: 'offerer', signaler: offer });
      onCleanup(() => connection.close());
      const served = authority.accept(answer);
      const remote = server.addClient(served);
      await connection.opened;
      return { connection, remote };
    };
    const player = async (): Promise<Player & { remote: SyncServerClient<Input> }> => {
      const { connection, remote } = await open();
      const client = createSyncClient(connection, schema, { input });
      onCleanup(() => client.close());
      const ticks: number[] = [];
      client.on('snapshot', (snapshot) => ticks.push(snapshot.tick));
      await client.ready;
      return { connection, client, ticks, remote };
    };

    const honest = [await player(), await player()];
    server.start();
    // Honest players send one input per 16 ms for their own unit.
    let honestSent = 0;
    const honestTimer = setInterval(() => {
      for (const p of honest) {
        if (p.client.self === undefined) continue;
        p.client.sendInput({ dx: 0.5, unit: p.client.self });
        honestSent++;
      }
    }, 16);
    onCleanup(() => clearInterval(honestTimer));
    await new Promise<void>((resolve) => {
      const off = server.on('tick', (tick) => tick >= 30 && (off(), resolve()));
    });

    // 1. Never acknowledges: joins by hand and then stays silent.
    const silent = await open();
    let silentBytes = 0;
    const silentSeen: number[] = [];
    silent.connection.intercept((event) => {
      if (event.channel === 'reliable') {
        const message = event.data as { k?: string };
        if (message.k === 'hello') silent.connection.send('reliable', { tw: 'sync', k: 'join' });
        return true;
      }
      if (event.stream === SNAPSHOT_STREAM) {
        silentBytes += (event.data as Uint8Array).byteLength;
        silentSeen.push(server.tick);
      }
      return true;
    });
    silent.connection.send('reliable', { tw: 'sync', k: 'hi' });
    // 2. Replays old sequence numbers and jumps far ahead (and acks like a real client).
    const replayer = await player();
    const send = (p: { connection: Connection }, bytes: Uint8Array) => {
      if (p.connection.state === 'open')
        p.connection.sendRaw('unreliable', bytes, { stream: INPUT_STREAM, latestOnly: false });
    };
    // 3. Commands the honest players' units.
    const thief = await player();
    // 4. Floods: 20 packets of 63 new inputs every 16 ms.
    const flooder = await player();
    const flooderClosed = new Promise<void>((resolve) => flooder.connection.on('close', () => resolve()));
    const silentClosed = new Promise<void>((resolve) => silent.connection.on('close', () => resolve()));
    let floodSeq = -1;
    let replays = 0;
    const attack = setInterval(() => {
      for (let i = 0; i < 20; i++) send(flooder, forged((floodSeq += 63), 63, flooder.client.self ?? 0));
      if (thief.client.self !== undefined) {
        const victim = honest[replays % 2]!.client.self;
        if (victim !== undefined) thief.client.sendInput({ dx: 1, unit: victim });
      }
      // The replayer's first ten inputs, again and again, then the top of the sequence space.
      send(replayer, forged(9, 10, replayer.client.self ?? 0));
      send(replayer, forged(5, 6, replayer.client.self ?? 0));
      send(replayer, forged(2 ** 32 - 1, 4, replayer.client.self ?? 0));
      replays++;
    }, 16);
    onCleanup(() => clearInterval(attack));
    const attackStart = server.tick;
    await Promise.all([flooderClosed, silentClosed]);
    // Keep going a little after both were cut off.
    const end = server.tick + 30;
    await new Promise<void>((resolve) => {
      const off = server.on('tick', (tick) => tick >= end && (off(), resolve()));
    });
    clearInterval(attack);
    clearInterval(honestTimer);
    const attackEnd = server.tick;
    // Inputs still in flight are taken within a few ticks.
    await new Promise<void>((resolve) => {
      const off = server.on('tick', (tick) => tick >= attackEnd + 10 && (off(), resolve()));
    });

    // The silent and flooding peers were cut off with a typed reason, the others were not.
    const byClient = new Map(violations.map((v) => [v.client.id, v.error]));
    expect(byClient.get(silent.remote.id)).toMatchObject({
      code: 'SYNC_PEER_VIOLATION',
      details: { violation: 'unacked' },
    });
    expect(byClient.get(flooder.remote.id)).toMatchObject({
      code: 'SYNC_PEER_VIOLATION',
      details: { violation: 'flood' },
    });
    expect(violations).toHaveLength(2);
    expect(leaves).toEqual(
      expect.arrayContaining([
        [silent.remote.id, 'violation'],
        [flooder.remote.id, 'violation'],
      ]),
    );
    // The silent peer was degraded to keyframes before it was cut off: after its first second it
    // got one snapshot every 15 ticks at most.
    const silentStats = silent.remote.stats();
    expect(silentStats.guard.degradedSkips).toBeGreaterThan(0);
    const first = silentSeen[0]!;
    const late = silentSeen.filter((tick) => tick > first + 70);
    const lateSpan = Math.max(1, (late.at(-1) ?? first) - (late[0] ?? first));
    expect(late.length).toBeLessThanOrEqual(lateSpan / 15 + 2);
    expect(silentStats.ackedTick).toBeUndefined();
    expect(silentBytes).toBeGreaterThan(0);
    // The flood was budgeted: what the game took from the flooder stayed near the budget.
    const floodStats = flooder.remote.stats();
    expect(floodStats.inputs.overBudget + floodStats.guard.packetsOverBudget).toBeGreaterThan(100);
    const floodTicks = attackEnd - attackStart;
    expect(applied.get(flooder.remote.id) ?? 0).toBeLessThanOrEqual(128 + 4 * floodTicks);
    // Replays and far-ahead packets were counted and never applied twice.
    const replayStats = replayer.remote.stats().inputs;
    expect(replayStats.replayed).toBeGreaterThan(10);
    expect(replayStats.seqJumps).toBeGreaterThan(10);
    expect(applied.get(replayer.remote.id)).toBe(10);
    // The thief's inputs for other units were counted and never reached the game.
    expect(thief.remote.stats().inputs.notOwned).toBeGreaterThan(10);
    expect(applied.get(thief.remote.id) ?? 0).toBe(0);
    expect(wrongUnit).toEqual([]);

    // Honest players: snapshots in order, nearly every tick, inputs all taken, nothing refused.
    for (const p of honest) {
      const during = p.ticks.filter((tick) => tick > attackStart && tick <= attackEnd);
      for (let i = 1; i < p.ticks.length; i++) expect(p.ticks[i]!).toBeGreaterThan(p.ticks[i - 1]!);
      expect(during.length).toBeGreaterThanOrEqual(0.6 * (attackEnd - attackStart));
      const stats = p.remote.stats();
      expect(stats.guard).toMatchObject({ degraded: false, violation: undefined });
      expect(stats.inputs).toMatchObject({ overBudget: 0, notOwned: 0, replayed: 0, seqJumps: 0 });
    }
    const honestApplied = honest.reduce((n, p) => n + (applied.get(p.remote.id) ?? 0), 0);
    expect(honestApplied).toBeGreaterThanOrEqual(honestSent - 2 * 8);
    const sorted = [...tickMs].sort((a, b) => a - b);
    const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!.toFixed(3);
    console.log(
      `sync guard: ${sorted.length} ticks, step p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; ` +
        `attack ${attackEnd - attackStart} ticks; flooder: overBudget ${floodStats.inputs.overBudget}, ` +
        `packetsOverBudget ${floodStats.guard.packetsOverBudget}, applied ${applied.get(flooder.remote.id) ?? 0}; ` +
        `honest: ${honest.map((p) => p.ticks.length).join('/')} snapshots`,
    );
  }, 60_000);
});

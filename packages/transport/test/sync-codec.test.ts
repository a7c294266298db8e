// Snapshot codec end to end through the pure authority and receiver engines: full snapshots,
// delta chains against acked baselines, spawn/update/despawn, splitting into independent packets,
// and the core property: whatever subset of packets arrives (reordered, acks lost), the client's
// newest complete snapshot equals the authority's world at that tick, within quantization.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputSender, SnapshotDecoder, SyncAuthority, SyncReceiver } from '../src/internals.js';
import { BitReader } from '../src/sync/bits/bit-reader.js';
import { deltaFieldsOf, readHeader } from '../src/sync/snapshot/header.js';
import { allTypes, expectSameWorld, RandomWorld, rng } from './sync-fixtures.js';

function setup(
  options: { maxPacketBytes?: number; codegen?: boolean; seed?: number; chainTicks?: number } = {},
) {
  let outbox: Uint8Array[] = [];
  const authority = new SyncAuthority({
    schema: allTypes,
    tickRate: 60,
    rate: false,
    maxPacketBytes: options.maxPacketBytes,
    codegen: options.codegen,
    chainTicks: options.chainTicks,
  });
  const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = [...parts]) });
  const world = new RandomWorld(authority, rng(options.seed ?? 1));
  const receiver = new SyncReceiver(allTypes, { tickRate: 60, codegen: options.codegen });
  const acks = new InputSender(undefined);
  const take = () => {
    const parts = outbox;
    outbox = [];
    return parts;
  };
  const ack = () => peer.receive(acks.packet(receiver.latest?.tick, 0));
  return { authority, peer, world, receiver, take, ack };
}

describe('snapshot codec', () => {
  it('a full snapshot carries every field type within its quantization error', () => {
    const { world, receiver, take } = setup();
    const tick = world.step();
    const parts = take();
    for (const part of parts) expect(receiver.receive(part, 0, 0).kind).not.toBe('rejected');
    expect(receiver.latest?.tick).toBe(tick);
    expectSameWorld(allTypes, receiver.latest!, world.history.get(tick)!);
  });

  it('deltas against the acked baseline are small and exact; unchanged ticks cost a header', () => {
    const { world, receiver, take, ack, peer } = setup();
    world.step();
    const first = take();
    const full = first.reduce((n, p) => n + p.length, 0);
    for (const part of first) receiver.receive(part, 0, 0);
    ack();
    let deltaBytes = 0;
    for (let i = 0; i < 30; i++) {
      world.mutate();
      const tick = world.step();
      const parts = take();
      for (const part of parts) receiver.receive(part, 0, 0);
      deltaBytes += parts.reduce((n, p) => n + p.length, 0);
      expectSameWorld(allTypes, receiver.latest!, world.history.get(tick)!);
      ack();
    }
    expect(peer.stats().fullSnapshots).toBe(1);
    world.step();
    const idle = take();
    expect(idle).toHaveLength(1);
    expect(idle[0]!.length).toBeLessThan(16);
    // 30 entities of two types: a full snapshot is a few hundred bytes, a delta far less.
    expect(full).toBeGreaterThan(150);
    expect(deltaBytes / 30).toBeLessThan(full / 2);
  });

  it('falls back to full snapshots without an ack, and when the acked baseline has aged out', () => {
    let outbox: Uint8Array[] = [];
    // chainTicks 1: every delta against the acked tick (chaining is tested on its own below).
    const authority = new SyncAuthority({ schema: allTypes, rate: false, historyTicks: 10, chainTicks: 1 });
    const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = [...parts]) });
    const world = new RandomWorld(authority, rng(4), 10);
    const receiver = new SyncReceiver(allTypes, { tickRate: 60 });
    const acks = new InputSender(undefined);
    const deliver = () => outbox.forEach((part) => receiver.receive(part, 0, 0));
    for (let i = 0; i < 5; i++) world.step();
    expect(peer.stats().fullSnapshots).toBe(5);
    deliver();
    peer.receive(acks.packet(receiver.latest!.tick, 0));
    world.step();
    expect(peer.stats()).toMatchObject({ fullSnapshots: 5, ackLagTicks: 1 });
    deliver();
    // No ack gets through for longer than the history: the baseline is gone, so a full snapshot.
    // Ticks 7-15 still code against tick 5; once tick 5 is more than 10 ticks old, 16-18 go full.
    for (let i = 0; i < 12; i++) world.step();
    expect(peer.stats().fullSnapshots).toBe(8);
    deliver();
    const tick = world.step();
    expect(receiver.latest!.tick).toBe(tick - 1);
    expectSameWorld(allTypes, receiver.latest!, world.history.get(tick - 1)!);
  });

  it('with acks 6 ticks late, chains deltas on the previous tick and goes back to the acked tick every 4th', () => {
    const run = (chainTicks: number) => {
      const { world, receiver, take, peer } = setup({ seed: 9, chainTicks });
      const acks = new InputSender(undefined);
      const inFlight: Uint8Array[][] = [];
      const bytes: number[] = [];
      const headers: { chained: boolean; back: number }[] = [];
      for (let i = 0; i < 60; i++) {
        for (const packet of inFlight.shift() ?? []) peer.receive(packet);
        world.mutate();
        const tick = world.step();
        for (const part of take()) {
          const r = new BitReader(part);
          r.read(8);
          const h = readHeader(r, allTypes, deltaFieldsOf(allTypes));
          if (h.baselineTick !== undefined) headers.push({ chained: h.chained, back: tick - h.baselineTick });
          expect(receiver.receive(part, 0, 0).kind).toBe('complete');
          if (i >= 20) bytes.push(part.byteLength);
        }
        expectSameWorld(allTypes, receiver.latest!, world.history.get(tick)!);
        while (inFlight.length < 6) inFlight.push([]);
        inFlight[5]!.push(acks.packet(receiver.latest!.tick, 0));
      }
      return { mean: bytes.reduce((a, b) => a + b, 0) / bytes.length, headers: headers.slice(20) };
    };
    const chained = run(4);
    const unchained = run(1);
    // Chained: three deltas on the tick before, then one against the tick acked 6 ticks ago.
    expect(chained.headers.filter((h) => h.chained).every((h) => h.back === 1)).toBe(true);
    expect(chained.headers.filter((h) => !h.chained).every((h) => h.back >= 6)).toBe(true);
    const keys = chained.headers.map((h, i) => (h.chained ? -1 : i)).filter((i) => i >= 0);
    expect(keys.slice(1).map((k, i) => k - keys[i]!)).toEqual(keys.slice(1).map(() => 4));
    expect(unchained.headers.every((h) => !h.chained && h.back >= 6)).toBe(true);
    expect(chained.mean).toBeLessThan(0.8 * unchained.mean);
  });

  it('splits a big tick into packets under the limit, each decodable alone', () => {
    const { authority, world, take } = setup({ maxPacketBytes: 200 });
    for (let i = 0; i < 100; i++) world.spawn();
    const tick = world.step();
    const parts = take();
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(200);
    // Each part alone, in any order, gives the entities of its id range.
    const truth = world.history.get(tick)!;
    let seen = 0;
    for (const part of [...parts].reverse()) {
      const decoded = new SnapshotDecoder(allTypes).decode(part, () => undefined);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      for (const id of decoded.part.ids) {
        expect(truth.has(id)).toBe(true);
        expect(id >= decoded.part.lo && id < decoded.part.hi).toBe(true);
      }
      seen += decoded.part.ids.length;
    }
    expect(seen).toBe(authority.world.size);
  });

  it('the generic loops (no code generation) produce identical packets and values', () => {
    const a = setup({ seed: 5 });
    const b = setup({ seed: 5, codegen: false });
    for (let i = 0; i < 20; i++) {
      a.world.mutate();
      b.world.mutate();
      a.world.step();
      b.world.step();
      const pa = a.take();
      const pb = b.take();
      expect(pb).toEqual(pa);
      for (const part of pa) a.receiver.receive(part, 0, 0);
      for (const part of pb) b.receiver.receive(part, 0, 0);
      expect(b.receiver.latest!.rows).toEqual(a.receiver.latest!.rows);
      a.ack();
      b.ack();
    }
  });

  it('property: under any loss, reordering and late or lost acks the client view equals the authority tick it holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.constantFrom(120, 300, 1150),
        // Ticks an ack takes back to the authority: 0 (LAN), 6 and 12 (100 and 200 ms RTT).
        fc.constantFrom(0, 6, 12),
        fc.constantFrom(1, 4),
        (seed, loss, ackLoss, maxPacketBytes, ackLag, chainTicks) => {
          const random = rng(seed ^ 0x5eed);
          const { world, receiver, take, peer } = setup({ seed, maxPacketBytes, chainTicks });
          const acks = new InputSender(undefined);
          let delayed: Uint8Array[] = [];
          const ackQueue: Uint8Array[][] = [];
          let completes = 0;
          const deliver = (part: Uint8Array) => {
            const outcome = receiver.receive(part, 0, 0);
            expect(outcome).not.toHaveProperty('reason');
            if (outcome.kind !== 'complete') return;
            completes++;
            expectSameWorld(allTypes, outcome.snapshot, world.history.get(outcome.snapshot.tick)!);
            if (random() >= ackLoss) {
              const packet = acks.packet(receiver.latest?.tick, 0);
              if (ackLag === 0) peer.receive(packet);
              else (ackQueue[ackLag - 1] ??= []).push(packet);
            }
          };
          const stepAcks = () => {
            for (const packet of ackQueue.shift() ?? []) peer.receive(packet);
          };
          for (let tick = 0; tick < 40; tick++) {
            stepAcks();
            world.mutate();
            world.step();
            const arriving = [...delayed];
            delayed = [];
            for (const part of take()) {
              const roll = random();
              if (roll < loss) continue;
              if (roll < loss + 0.15) delayed.push(part);
              else arriving.push(part);
            }
            // Shuffle: parts of a tick and late parts of older ticks arrive in any order.
            arriving.sort(() => random() - 0.5);
            for (const part of arriving) deliver(part);
          }
          // When the link clears, the client catches up with the newest tick: at once without
          // chaining; with chaining by the next delta against an acked tick, or the next full
          // snapshot while no ack got through (every 16 ticks).
          const clear = chainTicks === 1 ? 3 : 16 + ackLag + chainTicks;
          let last = 0;
          for (let tick = 0; tick < clear; tick++) {
            stepAcks();
            world.mutate();
            last = world.step();
            for (const part of take()) deliver(part);
          }
          expect(receiver.latest?.tick).toBe(last);
          expect(completes).toBeGreaterThan(0);
          expect(receiver.stats().rejected).toEqual({});
          if (chainTicks === 1) expect(receiver.stats().chainBroken).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
    // Pure computation, but hundreds of ticks per run: a loaded shared machine needs the room.
  }, 180_000);
});

// Bad input to both sync engines: random bytes, cut-off and padded packets, deltas against
// unknown baselines, out-of-range values, ids outside a part's range, changes to entities the
// baseline lacks, hostile input packets. Each is dropped whole and counted; nothing throws and
// the state in use never changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitWriter, InputSender, SyncAuthority, SyncReceiver } from '../src/internals.js';
import { writeExpGolomb } from '../src/sync/bits/codes.js';
import { deltaFieldsOf, writeHeader, type PartHeader } from '../src/sync/snapshot/header.js';
import { controls as input } from './fixtures/schema.js';
import { allTypes, RandomWorld, rng } from './sync-fixtures.js';

/** A client that holds one complete snapshot, plus the next (delta) packets the authority sent. */
function established() {
  let outbox: Uint8Array[] = [];
  // No ticks run between the thousands of packets below: the packet and input budgets (tested in
  // sync-guard.test.ts) would drop all but the first burst.
  const authority = new SyncAuthority({
    schema: allTypes,
    rate: false,
    input,
    guard: { packetBurst: Infinity, inputBurst: Infinity },
  });
  const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = [...parts]) });
  const world = new RandomWorld(authority, rng(3), 20);
  const receiver = new SyncReceiver(allTypes, { tickRate: 60 });
  world.step();
  for (const part of outbox) receiver.receive(part, 0, 0);
  peer.receive(new InputSender(undefined).packet(receiver.latest!.tick, 0));
  world.mutate();
  world.step();
  return { authority, peer, receiver, world, delta: outbox[0]!, held: receiver.latest! };
}

function craft(h: Partial<PartHeader>, records: (w: BitWriter) => void): Uint8Array {
  const w = new BitWriter();
  writeHeader(w, allTypes, deltaFieldsOf(allTypes), {
    tick: 99,
    baselineTick: undefined,
    chained: false,
    floorTick: undefined,
    partIndex: 0,
    partCount: 1,
    lo: 0,
    hi: 2 ** 32,
    inputAck: undefined,
    idK: 0,
    widths: allTypes.types.map(() => undefined),
    count: 1,
    ...h,
  });
  records(w);
  return w.finish();
}

describe('hostile snapshot packets', () => {
  it('random bytes never throw, are counted, and leave the held snapshot alone', () => {
    const { receiver, held } = established();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const outcome = receiver.receive(bytes, 0, 0);
        expect(outcome.kind === 'rejected' || outcome.kind === 'stale').toBe(true);
        expect(receiver.latest).toBe(held);
      }),
      { numRuns: 2000 },
    );
    const rejected = Object.values(receiver.stats().rejected).reduce((a, b) => a + b, 0);
    expect(rejected).toBeGreaterThan(1500);
  });

  it('a cut-off or padded delta is rejected whole; the intact one then applies', () => {
    const { receiver, held, delta } = established();
    for (let length = 0; length < delta.length; length++) {
      const outcome = receiver.receive(delta.subarray(0, length), 0, 0);
      expect(outcome.kind).toBe('rejected');
      expect(receiver.latest).toBe(held);
    }
    const padded = new Uint8Array([...delta, 0, 0]);
    expect(receiver.receive(padded, 0, 0)).toMatchObject({ kind: 'rejected', reason: 'trailing-bytes' });
    expect(receiver.receive(delta, 0, 0).kind).toBe('complete');
    expect(receiver.stats().rejected.truncated).toBeGreaterThan(0);
  });

  it('flipped bits never throw', () => {
    const { receiver, delta } = established();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: delta.length * 8 - 1 }), (bit) => {
        const bytes = delta.slice();
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => receiver.receive(bytes, 0, 0)).not.toThrow();
      }),
    );
  });

  it('deltas against a baseline the client does not hold are refused', () => {
    const { receiver, held } = established();
    const packet = craft({ tick: held.tick + 5, baselineTick: held.tick + 2, count: 0 }, () => {});
    expect(receiver.receive(packet, 0, 0)).toMatchObject({ kind: 'rejected', reason: 'unknown-baseline' });
    expect(receiver.latest).toBe(held);
  });

  it('values outside the schema, ids outside the range and unknown entities are refused', () => {
    const { receiver, held } = established();
    const base = { tick: held.tick + 1, baselineTick: held.tick };
    // A rock (type 1) spawned with size 15 where the field allows 1..9 (q 0..8, 4 bits).
    const badSize = craft(base, (w) => {
      writeExpGolomb(w, 1_000_000, 0);
      w.write(1, 2);
      w.write(1, 1);
      w.write(100, 16);
      w.write(100, 16);
      w.write(15, 4);
    });
    expect(receiver.receive(badSize, 0, 0)).toMatchObject({ kind: 'rejected', reason: 'out-of-range' });
    // An id beyond the part's declared range.
    const outside = craft({ ...base, partCount: 2, partIndex: 0, lo: 0, hi: 10 }, (w) => {
      writeExpGolomb(w, 50, 0);
      w.write(3, 2);
    });
    expect(receiver.receive(outside, 0, 0)).toMatchObject({ kind: 'rejected', reason: 'bad-order' });
    // A despawn of an entity the baseline does not have.
    const ghost = craft(base, (w) => {
      writeExpGolomb(w, 777_777, 0);
      w.write(3, 2);
    });
    expect(receiver.receive(ghost, 0, 0)).toMatchObject({ kind: 'rejected', reason: 'unknown-entity' });
    // A spawn of an entity the baseline already has.
    const twice = craft(base, (w) => {
      writeExpGolomb(w, held.ids[0]!, 0);
      w.write(1, 2);
    });
    expect(receiver.receive(twice, 0, 0)).toMatchObject({ kind: 'rejected', reason: 'unknown-entity' });
    // A record count the bytes cannot hold.
    const short = craft({ ...base, count: 500 }, () => {});
    expect(receiver.receive(short, 0, 0)).toMatchObject({ kind: 'rejected', reason: 'truncated' });
    expect(receiver.latest).toBe(held);
    expect(receiver.stats().rejected).toMatchObject({
      'out-of-range': 1,
      'bad-order': 1,
      'unknown-entity': 2,
      truncated: 1,
    });
  });
});

describe('hostile input packets', () => {
  it('random bytes and out-of-range inputs are dropped and counted; the queue stays bounded', () => {
    const { peer } = established();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(() => peer.receive(bytes)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    const before = Object.values(peer.stats().rejected).reduce((a, b) => a + b, 0);
    expect(before).toBeGreaterThan(1000);
    // slot = 7 where the field allows 0..5.
    const w = new BitWriter();
    w.write(0xb2, 8);
    w.write(0, 1);
    w.write(0, 8);
    w.write(1, 6);
    w.write(0, 32);
    w.write(128, 8);
    w.write(0, 1);
    w.write(7, 3);
    expect(peer.receive(w.finish())).toBe('out-of-range');
    // A flood of distinct sequence numbers cannot grow the queue past its capacity.
    const sender = new InputSender<{ move: number; jump: boolean; slot: number }>(input, 63);
    for (let i = 0; i < 5000; i++) {
      sender.push({ move: 0, jump: false, slot: 1 });
      peer.receive(sender.packet(undefined, 0));
    }
    expect(peer.inputs.pending).toBeLessThanOrEqual(128);
    expect(peer.stats().inputs.overflow).toBeGreaterThan(0);
  });

  it('acks for ticks the client was never sent are ignored and counted', () => {
    const { peer, authority } = established();
    const acked = peer.ackedTick;
    peer.receive(new InputSender(undefined).packet(authority.tick + 1000, 0));
    expect(peer.ackedTick).toBe(acked);
    expect(peer.stats().ignoredAcks).toBe(1);
  });
});

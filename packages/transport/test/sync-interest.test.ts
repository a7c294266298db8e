// Interest management: a per-client filter decides what each client receives. An entity moving
// into a client's range spawns on that client, moving out despawns it there, and each client's
// view always equals the authority's entities inside its own filter.
import { describe, expect, it } from 'vitest';
import { defineSchema, t } from '../src/sync/index.js';
import { InputSender, SyncAuthority, SyncReceiver } from '../src/internals.js';

const schema = defineSchema({
  unit: { x: t.float({ min: 0, max: 1000, step: 0.5 }), y: t.float({ min: 0, max: 1000, step: 0.5 }) },
});

describe('interest management', () => {
  it('entities entering and leaving a client range spawn and despawn there', () => {
    const centers = new Map<number, number>();
    const authority = new SyncAuthority({
      schema,
      rate: false,
      // Each client sees units within 100 of its own center on the x axis.
      interest: (client, entity) => Math.abs(entity.state.x - centers.get(client.id)!) <= 100,
    });
    const clients = [200, 800].map((center) => {
      let outbox: readonly Uint8Array[] = [];
      const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = parts) });
      centers.set(peer.id, center);
      const receiver = new SyncReceiver(schema, { tickRate: 60 });
      const acks = new InputSender(undefined);
      return {
        center,
        receiver,
        deliver: () => {
          for (const part of outbox) receiver.receive(part, 0, 0);
          peer.receive(acks.packet(receiver.latest?.tick, 0));
        },
      };
    });
    const walker = authority.world.spawn('unit', { x: 0, y: 500 });
    const still = authority.world.spawn('unit', { x: 800, y: 10 });
    const seen = new Map<number, number[]>(clients.map((c) => [c.center, []]));
    for (let step = 0; step <= 100; step++) {
      walker.state.x = step * 10;
      authority.step();
      for (const client of clients) {
        client.deliver();
        const latest = client.receiver.latest!;
        const expected = [walker, still]
          .filter((e) => Math.abs(e.state.x - client.center) <= 100)
          .map((e) => e.id);
        expect([...latest.ids]).toEqual(expected);
        if (latest.ids.includes(walker.id)) {
          seen.get(client.center)!.push(step);
          const row = latest.rows[latest.ids.indexOf(walker.id)]!;
          expect(row.x).toBeCloseTo(step * 10, 5);
        }
      }
    }
    // The walker was visible to each client exactly while inside its range.
    expect(seen.get(200)).toEqual(Array.from({ length: 21 }, (_, i) => 10 + i));
    expect(seen.get(800)).toEqual(Array.from({ length: 21 }, (_, i) => 70 + i));
  });

  it('hands the congestion detail level to the filter', () => {
    const details: number[] = [];
    const authority = new SyncAuthority({
      schema,
      rate: { backoffIntervalMs: 0 },
      interest: (_client, _entity, detail) => {
        details.push(detail);
        return true;
      },
    });
    authority.world.spawn('unit', { x: 1, y: 1 });
    let buffered = 0;
    authority.addPeer({
      sendSnapshot: () => {},
      link: () => ({ bufferedAmount: buffered, lossFraction: 0, srttMs: 20 }),
    });
    for (let i = 0; i < 4; i++) authority.step(i * 100);
    buffered = 1 << 20;
    for (let i = 4; i < 40; i++) authority.step(i * 100);
    expect(details[0]).toBe(1);
    expect(Math.min(...details)).toBeLessThan(1);
  });
});

// Interest management: a per-client filter decides what each client receives. An entity moving
// into a client's range spawns on that client, moving out despawns it there, and each client's
// view always equals the authority's entities inside its own filter.
import { describe, expect, it } from 'vitest';
import { InputSender, SyncAuthority, SyncReceiver } from '../src/internals.js';
import { plane as schema } from './fixtures/schema.js';

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
    const walker = authority.world.spawn('mover', { x: 0, y: 500, heading: 0 });
    const still = authority.world.spawn('mover', { x: 800, y: 10, heading: 0 });
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

  it('clients of one interest group share the filter call and one encoding, and each stays exact', () => {
    const groupOf = new Map<number, string>();
    let calls = 0;
    const authority = new SyncAuthority({
      schema,
      rate: false,
      interestGroup: (client) => groupOf.get(client.id),
      interest: (client, entity) => {
        calls++;
        return groupOf.get(client.id) === 'left' ? entity.state.x < 500 : entity.state.x >= 500;
      },
    });
    const clients = ['left', 'left', 'left', 'right'].map((group) => {
      let outbox: readonly Uint8Array[] = [];
      const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = parts) });
      groupOf.set(peer.id, group);
      const receiver = new SyncReceiver(schema, { tickRate: 60 });
      const acks = new InputSender(undefined);
      return {
        group,
        receiver,
        packets: () => outbox,
        deliver: () => {
          for (const part of outbox) expect(receiver.receive(part, 0, 0).kind).toBe('complete');
          peer.receive(acks.packet(receiver.latest?.tick, 0));
        },
      };
    });
    const units = Array.from({ length: 40 }, (_, i) =>
      authority.world.spawn('mover', { x: i * 25, y: 0, heading: 0 }),
    );
    for (let step = 0; step < 30; step++) {
      for (const unit of units) unit.state.y = (unit.state.y + 3 + (unit.id % 5)) % 1000;
      calls = 0;
      authority.step();
      // One filter pass per group, not per client.
      expect(calls).toBe(2 * units.length);
      const [a, b, c, d] = clients.map((client) => client.packets()[0]!);
      // Same group, same baseline, same ack: byte for byte the same packet.
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(d).not.toEqual(a);
      for (const client of clients) {
        client.deliver();
        const latest = client.receiver.latest!;
        const want = units.filter((u) => (client.group === 'left' ? u.state.x < 500 : u.state.x >= 500));
        expect([...latest.ids]).toEqual(want.map((u) => u.id));
        want.forEach((u, i) => expect(latest.rows[i]!.y).toBeCloseTo(u.state.y, 5));
      }
    }
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
    authority.world.spawn('mover', { x: 1, y: 1, heading: 0 });
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

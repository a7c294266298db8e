// tickwire state sync through its real authority and receiver engines (the same code the
// Connection glue runs): quantized, bit-packed deltas against the snapshot the client last
// acknowledged. `ackLagTicks` models the ack's trip back: 1 means the ack of tick T is in before
// tick T+1 is encoded (a LAN), 6 means ~100 ms RTT at 60 Hz, so deltas span six ticks.
import { defineSchema, t, type EntityHandle } from '@tickwire/transport';
import { InputSender, SyncAuthority, SyncReceiver } from '@tickwire/transport/internals';
import type { Contender } from './contender.js';
import { applyOps, type OpWorld } from './ops.js';
import { TICK_RATE, WORLD, type EntitySpec, type Op } from './scenario.js';

/** Same precision as the colyseus-quantized variant: 16-bit positions, 8-bit angles, exact hp. */
export const benchSchema = defineSchema({
  player: {
    name: t.string({ maxBytes: 32 }),
    x: t.float({ min: 0, max: WORLD, bits: 16 }),
    y: t.float({ min: 0, max: WORLD, bits: 16 }),
    angle: t.angle({ bits: 8 }),
    hp: t.int({ min: 0, max: 100 }),
  },
  npc: {
    x: t.float({ min: 0, max: WORLD, bits: 16 }),
    y: t.float({ min: 0, max: WORLD, bits: 16 }),
    angle: t.angle({ bits: 8 }),
    hp: t.int({ min: 0, max: 100 }),
  },
});

type Handle = EntityHandle<typeof benchSchema>;

export function tickwireContender(ackLagTicks: number, name = 'tickwire', chainTicks?: number) {
  return (initial: readonly EntitySpec[]): Contender => {
    const authority = new SyncAuthority({
      schema: benchSchema,
      tickRate: TICK_RATE,
      rate: false,
      chainTicks,
    });
    const byId = new Map<number, Handle>();
    const spawn = (e: EntitySpec) => {
      const handle =
        e.kind === 'player'
          ? authority.world.spawn('player', { name: e.name, x: e.x, y: e.y, angle: e.angle, hp: e.hp })
          : authority.world.spawn('npc', { x: e.x, y: e.y, angle: e.angle, hp: e.hp });
      byId.set(e.id, handle as Handle);
    };
    for (const e of initial) spawn(e);
    const world: OpWorld = {
      get: (id) => byId.get(id)?.state,
      spawn,
      despawn: (id) => {
        authority.world.despawn(byId.get(id)!.id);
        byId.delete(id);
      },
    };
    let outbox: readonly Uint8Array[] = [];
    const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = parts) });
    const receiver = new SyncReceiver(benchSchema, { tickRate: TICK_RATE });
    const acks = new InputSender(undefined);
    // Acks in flight back to the authority, delivered `ackLagTicks` encodes later.
    const inFlight: Uint8Array[][] = [];
    let now = 0;
    return {
      name,
      encode(ops: readonly Op[] | undefined) {
        for (const ack of inFlight.shift() ?? []) peer.receive(ack);
        if (ops) applyOps(world, ops);
        authority.step(now);
        return [...outbox];
      },
      decode(payloads) {
        now += 1000 / TICK_RATE;
        for (const part of payloads) receiver.receive(part, now, 0);
        while (inFlight.length < ackLagTicks) inFlight.push([]);
        inFlight[ackLagTicks - 1]!.push(acks.packet(receiver.latest?.tick, 0));
      },
      clientCount: () => receiver.latest?.ids.length ?? 0,
    };
  };
}

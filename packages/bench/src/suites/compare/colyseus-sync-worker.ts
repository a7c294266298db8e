// The authority of the compare suite's state-sync path: a real Colyseus server (@colyseus/core +
// ws-transport) whose room holds the sync scenario's world in @colyseus/schema (float32 fields,
// Colyseus's default) and replays the scenario tick by tick. Per tick it times what game code
// pays: the tracked setters and broadcastPatch() (encode + send to the client).
import { Room, Server } from '@colyseus/core';
import { schema, t } from '@colyseus/schema';
import type { MapSchema } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { startWorker } from '../../ipc/worker.js';
import { loadScenarioModule } from './sync-types.js';
import type { EntitySpec, Op, Scenario } from './sync-types.js';

const Entity = schema(
  { kind: t.uint8(), name: t.string(), x: t.float32(), y: t.float32(), angle: t.float32(), hp: t.uint8() },
  'CmpEntity',
);
const World = schema({ entities: t.map(Entity) }, 'CmpWorld');
type EntityInstance = InstanceType<typeof Entity>;
type WorldInstance = InstanceType<typeof World>;

function spawn(world: WorldInstance, e: EntitySpec): void {
  const entity = new Entity();
  entity.kind = e.kind === 'player' ? 0 : 1;
  entity.name = e.name;
  entity.x = e.x;
  entity.y = e.y;
  entity.angle = e.angle;
  entity.hp = e.hp;
  (world.entities as MapSchema<EntityInstance>).set(String(e.id), entity);
}

function apply(world: WorldInstance, ops: readonly Op[]): void {
  const entities = world.entities as MapSchema<EntityInstance>;
  for (const op of ops) {
    switch (op.k) {
      case 'move': {
        const e = entities.get(String(op.id));
        if (!e) break;
        e.x = op.x;
        e.y = op.y;
        e.angle = op.angle;
        break;
      }
      case 'hp': {
        const e = entities.get(String(op.id));
        if (e) e.hp = op.hp;
        break;
      }
      case 'spawn':
        spawn(world, op.e);
        break;
      case 'despawn':
        entities.delete(String(op.id));
        break;
    }
  }
}

startWorker(({ ipc, onShutdown }) => {
  let scenario: Scenario | undefined;
  let room: Room | undefined;
  const adopt = (created: Room): void => {
    room = created;
  };

  class WorldRoom extends Room {
    override onCreate(): void {
      const world = new World();
      for (const e of scenario?.initial ?? []) spawn(world, e);
      this.state = world;
      this.patchRate = null;
      adopt(this);
    }
  }

  ipc.handle('listen', async ({ ticks }: { ticks: number }) => {
    scenario = (await loadScenarioModule()).buildScenario(ticks);
    const transport = new WebSocketTransport();
    const server = new Server({ transport, greet: false });
    server.define('world', WorldRoom);
    await server.listen(0, '127.0.0.1');
    onShutdown(() => server.gracefullyShutdown(false));
    const address = (transport as unknown as { server?: { address(): unknown } }).server?.address();
    return typeof address === 'object' && address ? (address as { port: number }).port : 0;
  });

  /** Replays every scenario tick at 60 Hz; returns the server's time per tick in microseconds. */
  ipc.handle('run', async () => {
    if (!room || !scenario) throw new Error('no client joined yet');
    const world = room.state as WorldInstance;
    const us = new Float64Array(scenario.ticks.length);
    const start = performance.now();
    for (const [i, ops] of scenario.ticks.entries()) {
      const wait = start + (i * 1000) / 60 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      apply(world, ops);
      room.broadcastPatch();
      us[i] = (performance.now() - t0) * 1000;
    }
    return us;
  });
});

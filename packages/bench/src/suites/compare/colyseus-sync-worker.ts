// The authority of the compare suite's state-sync path: a real Colyseus server (@colyseus/core +
// ws-transport) whose room holds the sync scenario's world in @colyseus/schema (float32 fields,
// Colyseus's default) and replays the scenario tick by tick. Per tick it times what game code
// pays: the tracked setters and broadcastPatch() (encode + send to the client).
import { Room } from '@colyseus/core';
import { startWorker } from '../../ipc/worker.js';
import { colyseusTypes, colyseusWorld } from '../sync/colyseus-world.js';
import type { OpWorld } from '../sync/ops.js';
import { applyOps } from '../sync/ops.js';
import { listenColyseus } from './colyseus-server.js';
import { loadScenarioModule } from './sync-types.js';
import type { Scenario } from './sync-types.js';

const types = colyseusTypes(false, 'Cmp');

startWorker(({ ipc, onShutdown }) => {
  let scenario: Scenario | undefined;
  let room: Room | undefined;
  let world: OpWorld | undefined;
  const adopt = (created: Room, state: InstanceType<typeof types.State>): void => {
    room = created;
    world = colyseusWorld(types, state);
    for (const e of scenario?.initial ?? []) world.spawn(e);
  };

  class WorldRoom extends Room {
    override onCreate(): void {
      const state = new types.State();
      this.state = state;
      this.patchRate = null;
      adopt(this, state);
    }
  }

  ipc.handle('listen', async ({ ticks }: { ticks: number }) => {
    scenario = (await loadScenarioModule()).buildScenario(ticks);
    return listenColyseus('127.0.0.1', 'world', WorldRoom, onShutdown);
  });

  /** Replays every scenario tick at 60 Hz; returns the server's time per tick in microseconds. */
  ipc.handle('run', async () => {
    if (!room || !world || !scenario) throw new Error('no client joined yet');
    const us = new Float64Array(scenario.ticks.length);
    const start = performance.now();
    for (const [i, ops] of scenario.ticks.entries()) {
      const wait = start + (i * 1000) / 60 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      applyOps(world, ops);
      room.broadcastPatch();
      us[i] = (performance.now() - t0) * 1000;
    }
    return us;
  });
});

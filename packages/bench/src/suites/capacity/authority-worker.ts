// The authority process of the capacity suite: what a game server runs. One tickwire Authority
// (every peer on one UDP port) under createSyncServer: matches of 64 players + 256 NPCs, quadrant
// interest (clients of one match and quadrant share a group), every client's inputs applied each
// tick, snapshots at 30 Hz. Measured per tick: simulation + sync step (capture, encode, send);
// process CPU (all threads, node-datachannel's included), memory, and how long each open took.
import dgram from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Authority, createSyncServer } from '@tickwire/transport';
import type { Connection, EntityHandle, SyncServer, SyncServerClient } from '@tickwire/transport';
import { startWorker } from '../../ipc/worker.js';
import { releaseNative } from '../../peers/native.js';
import {
  capacityInput,
  capacitySchema,
  inQuadrant,
  NPCS_PER_MATCH,
  PLAYERS_PER_MATCH,
  quadrantOf,
  rng,
  WORLD,
} from './world.js';

type Schema = typeof capacitySchema;
type Input = { dx: number; dy: number };
type Handle = EntityHandle<Schema>;

export interface TickReport {
  /** Simulation + sync step per tick, ms. */
  workMs: Float64Array;
  /** The sync step alone (capture, encode, send), ms. */
  syncMs: Float64Array;
  /** Interval between tick starts, ms. */
  intervalMs: Float64Array;
  ticks: number;
  cpuMs: number;
  wallMs: number;
  rssBytes: number;
  heapBytes: number;
  /** Snapshot packets and bytes sent, full snapshots among them, inputs applied. */
  packets: number;
  bytes: number;
  fullSnapshots: number;
  inputs: number;
  sendErrors: number;
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

const clamp = (v: number) => Math.min(WORLD - 1, Math.max(0, v));

startWorker(({ ipc, onShutdown }) => {
  onShutdown(async () => void (await releaseNative()));
  let authority: Authority | undefined;
  let server: SyncServer<Schema, Input> | undefined;
  const random = rng(0xca9);
  const matchOfEntity = new Map<number, number>();
  const players = new Map<number, { match: number; handle: Handle }>();
  const npcs: { handle: Handle; heading: number }[] = [];
  const clients: SyncServerClient<Input>[] = [];
  let sendErrors = 0;

  const spawn = (type: 'player' | 'npc', match: number): Handle => {
    const handle = server!.world.spawn(type, {
      x: random() * WORLD,
      y: random() * WORLD,
      angle: random() * Math.PI * 2,
      hp: 100,
    }) as Handle;
    matchOfEntity.set(handle.id, match);
    return handle;
  };

  ipc.handle('init', async () => {
    authority = new Authority({ port: await freeUdpPort(), bindAddress: '127.0.0.1' });
    server = createSyncServer<Schema, typeof capacityInput>({
      schema: capacitySchema,
      input: capacityInput,
      tickRate: 30,
      rate: false,
      interestGroup: (client) => {
        const p = players.get(client.id);
        return p === undefined ? -1 : p.match * 4 + quadrantOf(p.handle.state.x, p.handle.state.y);
      },
      interest: (client, entity) => {
        const p = players.get(client.id);
        if (p === undefined || matchOfEntity.get(entity.id) !== p.match) return false;
        return inQuadrant(quadrantOf(p.handle.state.x, p.handle.state.y), entity.state.x, entity.state.y);
      },
    });
    server.on('error', () => sendErrors++);
    onShutdown(() => {
      server?.close();
      authority?.close();
    });
    return process.memoryUsage().rss;
  });

  /** Accepts one client, makes it a player of the current match; returns how long the open took. */
  ipc.handle('accept', async ({ conn }: { conn: string }) => {
    if (!authority || !server) throw new Error('init first');
    const t0 = performance.now();
    const connection: Connection = authority.accept(ipc.signaler(conn), { label: conn });
    await connection.opened;
    const openMs = performance.now() - t0;
    const match = Math.floor(clients.length / PLAYERS_PER_MATCH);
    if (clients.length % PLAYERS_PER_MATCH === 0) {
      for (let i = 0; i < NPCS_PER_MATCH; i++)
        npcs.push({ handle: spawn('npc', match), heading: random() * 7 });
    }
    const client = server.addClient(connection);
    players.set(client.id, { match, handle: spawn('player', match) });
    clients.push(client);
    return openMs;
  });

  const simulate = (): number => {
    let inputs = 0;
    for (const client of clients) {
      const player = players.get(client.id)!.handle.state;
      for (const { input } of client.takeInputs()) {
        inputs++;
        player.x = clamp(player.x + input.dx * 6);
        player.y = clamp(player.y + input.dy * 6);
        if (input.dx !== 0 || input.dy !== 0) player.angle = Math.atan2(input.dy, input.dx) + Math.PI;
      }
    }
    for (const npc of npcs) {
      if (random() >= 0.3) continue;
      npc.heading += (random() - 0.5) * 0.6;
      const s = npc.handle.state;
      s.x = clamp(s.x + Math.cos(npc.heading) * 3);
      s.y = clamp(s.y + Math.sin(npc.heading) * 3);
      s.angle = ((npc.heading % (Math.PI * 2)) + Math.PI * 2) % (Math.PI * 2);
      if (random() < 0.02) s.hp = Math.floor(random() * 101);
    }
    return inputs;
  };

  ipc.handle(
    'measure',
    async ({ ms, hz, profile }: { ms: number; hz: number; profile?: string }): Promise<TickReport> => {
      if (!server) throw new Error('init first');
      const period = 1000 / hz;
      const total = Math.max(1, Math.round(ms / period));
      const workMs = new Float64Array(total);
      const syncMs = new Float64Array(total);
      const intervalMs = new Float64Array(total);
      const before = totals(clients);
      let inputs = 0;
      const errors0 = sendErrors;
      const session = profile === undefined ? undefined : new Session();
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      let last = start;
      for (let tick = 0; tick < total; tick++) {
        const due = start + tick * period;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = performance.now();
        intervalMs[tick] = t0 - last;
        last = t0;
        inputs += simulate();
        const t1 = performance.now();
        server.step();
        const t2 = performance.now();
        workMs[tick] = t2 - t0;
        syncMs[tick] = t2 - t1;
      }
      const cpu = process.cpuUsage(cpu0);
      const wallMs = performance.now() - start;
      if (session && profile) {
        const { profile: data } = await session.post('Profiler.stop');
        await writeFile(profile, JSON.stringify(data));
        session.disconnect();
      }
      const mem = process.memoryUsage();
      const after = totals(clients);
      return {
        workMs,
        syncMs,
        intervalMs: intervalMs.subarray(1),
        ticks: total,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs,
        rssBytes: mem.rss,
        heapBytes: mem.heapUsed,
        packets: after.packets - before.packets,
        bytes: after.bytes - before.bytes,
        fullSnapshots: after.full - before.full,
        inputs,
        sendErrors: sendErrors - errors0,
      };
    },
  );
});

function totals(clients: readonly SyncServerClient<Input>[]) {
  let packets = 0;
  let bytes = 0;
  let full = 0;
  for (const client of clients) {
    const s = client.stats();
    packets += s.packetsSent;
    bytes += s.bytesSent;
    full += s.fullSnapshots;
  }
  return { packets, bytes, full };
}

// The game suites' server process: the arena's own dedicated game server (game-demo's
// startGameServer: registers with the lobby, hosts every match the matchmaker assigns on one UDP
// port, all matches on one 30 Hz loop of 60 Hz simulation + snapshots). Nothing here plays or
// simulates: it only reads what the server reports. Measured over a window: each loop tick's work,
// CPU time and lateness (the loop's own `tick` event), process CPU (all threads, node-datachannel's too),
// RSS, and the bytes its players' connections carried each way.
import dgram from 'node:dgram';
import { startGameServer } from '@tickwire/game-demo';
import type { GameServer, GameServerTraffic, LoopTick } from '@tickwire/game-demo';
import { startWorker } from '../../ipc/worker.js';
import { releaseNative } from '../../peers/native.js';

export interface ServerInit {
  lobbyUrl: string;
  serverKey: string;
  debrisPerMatch: number;
}

export interface ServerWindow {
  /** Work of each loop tick (every match), ms. */
  workMs: number[];
  /** Process CPU time used during each tick, ms. */
  cpuTickMs: number[];
  /** How late each tick started, ms. */
  lateMs: number[];
  ticks: number;
  lateTicks: number;
  skippedTicks: number;
  failedSteps: number;
  cpuMs: number;
  wallMs: number;
  rssBytes: number;
  heapBytes: number;
  players: number;
  matches: number;
  bytesSent: number;
  bytesReceived: number;
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

startWorker(({ ipc, onShutdown }) => {
  onShutdown(async () => void (await releaseNative()));
  let server: GameServer | undefined;

  ipc.handle('init', async (init: ServerInit) => {
    server = await startGameServer({
      lobbyUrl: init.lobbyUrl,
      serverKey: init.serverKey,
      udpPort: await freeUdpPort(),
      bindAddress: '127.0.0.1',
      capacity: 100_000,
      debrisPerMatch: init.debrisPerMatch,
    });
    onShutdown(() => server?.close());
    // The baseline for memory per player: the server up and registered, nobody connected yet.
    return process.memoryUsage().rss;
  });

  ipc.handle('traffic', (): GameServerTraffic => {
    if (!server) throw new Error('init first');
    return server.traffic();
  });

  ipc.handle('measure', async ({ ms }: { ms: number }): Promise<ServerWindow> => {
    if (!server) throw new Error('init first');
    const loop = server.loop;
    const workMs: number[] = [];
    const lateMs: number[] = [];
    const cpuTickMs: number[] = [];
    const totals0 = { ...loop.totals };
    const traffic0 = server.traffic();
    const off = loop.on('tick', (tick: LoopTick) => {
      workMs.push(tick.workMs);
      cpuTickMs.push(tick.cpuMs);
      lateMs.push(tick.lateMs);
    });
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - start;
    off();
    const traffic = server.traffic();
    const mem = process.memoryUsage();
    return {
      workMs,
      cpuTickMs,
      lateMs,
      ticks: loop.totals.ticks - totals0.ticks,
      lateTicks: loop.totals.lateTicks - totals0.lateTicks,
      skippedTicks: loop.totals.skippedTicks - totals0.skippedTicks,
      failedSteps: loop.totals.failedSteps - totals0.failedSteps,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs,
      rssBytes: mem.rss,
      heapBytes: mem.heapUsed,
      players: traffic.players,
      matches: traffic.matches,
      // A player that reconnected mid-window restarts its connection's counters: never negative.
      bytesSent: Math.max(0, traffic.bytesSent - traffic0.bytesSent),
      bytesReceived: Math.max(0, traffic.bytesReceived - traffic0.bytesReceived),
    };
  });
});

// The authority process of the capacity suite: one tickwire Authority (all peers on one UDP port,
// libdatachannel's ICE UDP mux), a 30 Hz tick that sends every client its own msgpack-encoded
// snapshot over the unreliable channel, and the measurements: per-tick send work, tick interval,
// process CPU (all threads, native ones included) and memory.
import dgram from 'node:dgram';
import { Authority } from '@tickwire/transport';
import type { Connection } from '@tickwire/transport';
import { startWorker } from '../../ipc/worker.js';
import { releaseNative } from '../../peers/native.js';
import { makeSnapshot } from './snapshot.js';

export interface TickReport {
  /** Send work per tick, ms. */
  workMs: Float64Array;
  /** Interval between tick starts, ms. */
  intervalMs: Float64Array;
  ticks: number;
  cpuMs: number;
  wallMs: number;
  rssBytes: number;
  heapBytes: number;
  droppedBackpressure: number;
  sendErrors: number;
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
  let authority: Authority | undefined;
  const connections: Connection[] = [];

  ipc.handle('init', async () => {
    authority = new Authority({ port: await freeUdpPort(), bindAddress: '127.0.0.1' });
    onShutdown(() => authority?.close());
    return process.memoryUsage().rss;
  });

  ipc.handle('accept', async ({ conn }: { conn: string }) => {
    if (!authority) throw new Error('init first');
    const connection = authority.accept(ipc.signaler(conn), { label: conn });
    connections.push(connection);
    await connection.opened;
    return true;
  });

  ipc.handle('measure', async ({ ms, hz }: { ms: number; hz: number }): Promise<TickReport> => {
    const period = 1000 / hz;
    const total = Math.max(1, Math.round(ms / period));
    const workMs = new Float64Array(total);
    const intervalMs = new Float64Array(total);
    let sendErrors = 0;
    const droppedBefore = connections.reduce((n, c) => n + c.stats().unreliable.droppedBackpressure, 0);
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
      const snapshot = makeSnapshot(tick);
      for (const connection of connections) {
        try {
          connection.send('unreliable', snapshot);
        } catch {
          sendErrors += 1;
        }
      }
      workMs[tick] = performance.now() - t0;
    }
    const cpu = process.cpuUsage(cpu0);
    const mem = process.memoryUsage();
    return {
      workMs,
      intervalMs: intervalMs.subarray(1),
      ticks: total,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - start,
      rssBytes: mem.rss,
      heapBytes: mem.heapUsed,
      droppedBackpressure:
        connections.reduce((n, c) => n + c.stats().unreliable.droppedBackpressure, 0) - droppedBefore,
      sendErrors,
    };
  });
});

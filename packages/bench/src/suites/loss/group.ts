// A group of state streams sharing one sender process (netlab host A, the authority) and one
// receiver process (host B, the client). libdatachannel's SCTP settings are per process, so every
// SCTP variant gets its own group. Peers and sockets are opened while the link is loss-free.
import type { Link } from '@tickwire/netlab';
import type { SctpSettings } from 'node-datachannel';
import { bridgeSignals } from '../../ipc/bridge.js';
import { adoptWorker } from '../../ipc/spawn.js';
import type { WorkerHandle } from '../../ipc/spawn.js';
import { SERVER_IMPLS } from './streams.js';
import type { ArrivalLog, SendLog, StreamSpec } from './streams.js';

export interface GroupSpec {
  label: string;
  /** Worker module for both ends (default: the loss suite's stream worker). */
  worker?: URL;
  sctp?: SctpSettings;
  streams: StreamSpec[];
}

export interface RunningGroup {
  spec: GroupSpec;
  stream(durationMs: number): Promise<Record<string, SendLog>>;
  arrivals(): Promise<Record<string, ArrivalLog>>;
  stop(): Promise<void>;
}

const WORKER = new URL('./stream-worker.js', import.meta.url);

export async function startGroup(link: Link, spec: GroupSpec): Promise<RunningGroup> {
  const workers: WorkerHandle[] = [];
  // Receiver first: clients that say goodbye to their server (geckos.io posts a close request)
  // must find it still running.
  const stop = async (): Promise<void> => {
    for (const w of [...workers].reverse()) await w.stop(5000);
  };
  try {
    const module = spec.worker ?? WORKER;
    const sender = await adoptWorker(
      link.a.spawnNode(module, { serialization: 'advanced' }),
      `${spec.label} sender`,
    );
    workers.push(sender);
    const receiver = await adoptWorker(
      link.b.spawnNode(module, { serialization: 'advanced' }),
      `${spec.label} receiver`,
    );
    workers.push(receiver);
    if (spec.sctp)
      await Promise.all([sender.ipc.request('sctp', spec.sctp), receiver.ipc.request('sctp', spec.sctp)]);
    // Server-style paths: the sender listens once per kind, each stream connects to it.
    for (const impl of SERVER_IMPLS) {
      const streams = spec.streams.filter((s) => s.impl === impl);
      if (!streams.length) continue;
      const port = await sender.ipc.request<number>(`${impl}-listen`, { host: link.a.ip }, 15_000);
      for (const s of streams) {
        await Promise.all([
          sender.ipc.request(`${impl}-accept`, { stream: s.name }, 20_000),
          receiver.ipc.request(`${impl}-connect`, { host: link.a.ip, port, stream: s.name }, 20_000),
        ]);
      }
    }
    for (const s of spec.streams.filter((x) => !SERVER_IMPLS.includes(x.impl))) {
      const unbridge = bridgeSignals(sender.ipc, receiver.ipc, s.name);
      try {
        await Promise.all([
          sender.ipc.request('peer', { spec: s, role: 'answerer', bindAddress: link.a.ip }, 30_000),
          receiver.ipc.request('peer', { spec: s, role: 'offerer', bindAddress: link.b.ip }, 30_000),
        ]);
      } finally {
        unbridge();
      }
    }
    return {
      spec,
      stream: (durationMs) =>
        sender.ipc.request<Record<string, SendLog>>('stream', { durationMs }, durationMs + 30_000),
      arrivals: () => receiver.ipc.request<Record<string, ArrivalLog>>('arrivals', null, 30_000),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Handlers for one end of the loss suite's state streams, run inside a netlab namespace. As `sender` (the
// authority) it answers peers, serves WebSocket, and sends stamped 200-byte states at 60 Hz on
// every stream at once; as `receiver` (the client) it offers peers, connects WebSocket and logs
// every arrival. SCTP settings are per process in libdatachannel, so a worker carries one setting.
import nodeDataChannel from 'node-datachannel';
import type { SctpSettings } from 'node-datachannel';
import type { WorkerContext } from '../../ipc/worker.js';
import { createPeer } from '../../peers/factory.js';
import { releaseNative } from '../../peers/native.js';
import { monoMs, readStamp, stamp, MESSAGE_BYTES, STREAM_HZ } from './streams.js';
import type { ArrivalLog, SendLog, StreamSpec } from './streams.js';
import type { Send, StreamEndpoints } from './stream-endpoints.js';
import { registerWs } from './ws-stream.js';

class GrowingLog {
  seq = new Uint32Array(1024);
  a = new Float64Array(1024);
  b = new Float64Array(1024);
  length = 0;
  push(seq: number, a: number, b: number): void {
    if (this.length === this.seq.length) {
      const grow = <T extends Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
        const next = make(old.length * 2);
        next.set(old);
        return next;
      };
      this.seq = grow(this.seq, (n) => new Uint32Array(n));
      this.a = grow(this.a, (n) => new Float64Array(n));
      this.b = grow(this.b, (n) => new Float64Array(n));
    }
    this.seq[this.length] = seq;
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.length += 1;
  }
}

export function registerStreamHandlers(ctx: WorkerContext): StreamEndpoints {
  const { ipc, onShutdown } = ctx;
  onShutdown(async () => void (await releaseNative()));
  const senders = new Map<string, Send>();
  const arrivals = new Map<string, GrowingLog>();

  const recordStamp = (name: string) => {
    const log = new GrowingLog();
    arrivals.set(name, log);
    return (seq: number, sentMs: number): void => log.push(seq, sentMs, monoMs());
  };
  const record = (name: string) => {
    const onStamp = recordStamp(name);
    return (bytes: Uint8Array): void => {
      const s = readStamp(bytes);
      if (s) onStamp(s.seq, s.sentMs);
    };
  };

  ipc.handle('sctp', (settings: SctpSettings) => {
    nodeDataChannel.setSctpSettings(settings);
    return true;
  });

  ipc.handle(
    'peer',
    async ({
      spec,
      role,
      bindAddress,
    }: {
      spec: StreamSpec;
      role: 'offerer' | 'answerer';
      bindAddress: string;
    }) => {
      if (spec.impl !== 'tickwire' && spec.impl !== 'ndc')
        throw new Error(`${spec.impl} streams use ${spec.impl}-listen / -accept / -connect`);
      const peer = await createPeer(spec.impl, {
        role,
        signaler: ipc.signaler(spec.name),
        label: spec.name,
        bindAddress,
        ...(spec.lossProbes ? { tickwire: { reliableLossProbes: spec.lossProbes } } : {}),
      });
      onShutdown(() => peer.close());
      if (role === 'answerer') senders.set(spec.name, (bytes) => void peer.send(spec.kind, bytes));
      else {
        const onBytes = record(spec.name);
        peer.onMessage((kind, bytes) => {
          if (kind === spec.kind) onBytes(bytes);
        });
      }
      await peer.opened;
      return true;
    },
  );

  // Streams every registered sender at 60 Hz for `durationMs`; returns each stream's send log.
  ipc.handle('stream', async ({ durationMs }: { durationMs: number }): Promise<Record<string, SendLog>> => {
    const period = 1000 / STREAM_HZ;
    const ticks = Math.round(durationMs / period);
    const logs = new Map(
      [...senders.keys()].map((name) => [
        name,
        { seq: new Uint32Array(ticks), sentMs: new Float64Array(ticks) },
      ]),
    );
    const start = performance.now();
    for (let tick = 0; tick < ticks; tick++) {
      const wait = start + tick * period - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (const [name, send] of senders) {
        // A fresh buffer per send: ws may still hold the previous one in its socket queue.
        const buffer = new Uint8Array(MESSAGE_BYTES).fill(0x5a);
        const sentMs = monoMs();
        stamp(buffer, tick, sentMs);
        const log = logs.get(name) as SendLog;
        log.seq[tick] = tick;
        log.sentMs[tick] = sentMs;
        try {
          send(buffer);
        } catch {
          // A send that throws (e.g. a closed channel) is simply not delivered: the receiver's log shows it.
        }
      }
    }
    return Object.fromEntries(logs);
  });

  ipc.handle('arrivals', (): Record<string, ArrivalLog> => {
    const out: Record<string, ArrivalLog> = {};
    for (const [name, log] of arrivals) {
      out[name] = {
        seq: log.seq.slice(0, log.length),
        sentMs: log.a.slice(0, log.length),
        arrivedMs: log.b.slice(0, log.length),
      };
    }
    return out;
  });
  const endpoints = { senders, record, recordStamp };
  registerWs(ctx, endpoints);
  return endpoints;
}

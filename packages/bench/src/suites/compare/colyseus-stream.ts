// The loss workload through Colyseus: the authority's room state holds the stamped state (seq,
// send time, ~180 bytes of payload that change every tick), and each tick ends with
// broadcastPatch() — Colyseus's fastest path (patchRate null, no timer phase added). The client
// is @colyseus/sdk in Node over WebSocket; every onStateChange logs the state it now holds.
import { Room } from '@colyseus/core';
import { Client } from '@colyseus/sdk';
import { schema, t } from '@colyseus/schema';
import type { WorkerContext } from '../../ipc/worker.js';
import type { StreamEndpoints } from '../loss/stream-endpoints.js';
import { readStamp } from '../loss/streams.js';
import { listenColyseus } from './colyseus-server.js';

const StreamState = schema({ seq: t.uint32(), sentMs: t.float64(), pad: t.string() }, 'TwStreamState');
type StreamStateInstance = InstanceType<typeof StreamState>;

const PAD = 'tickwire-loss-'.repeat(13);

export function registerColyseus({ ipc, onShutdown }: WorkerContext, streams: StreamEndpoints): void {
  const created = new Map<string, (room: Room) => void>();

  class StreamRoom extends Room {
    override onCreate(options: { stream?: string }): void {
      this.state = new StreamState();
      this.patchRate = null;
      created.get(options.stream ?? '')?.(this);
    }
  }

  ipc.handle('colyseus-listen', async ({ host }: { host: string }) => {
    return listenColyseus(host, 'stream', StreamRoom, onShutdown);
  });

  ipc.handle('colyseus-accept', ({ stream }: { stream: string }) => {
    return new Promise<boolean>((resolve) => {
      created.set(stream, (room) => {
        streams.senders.set(stream, (bytes) => {
          const s = readStamp(bytes);
          if (!s) return;
          const state = room.state as StreamStateInstance;
          state.seq = s.seq;
          state.sentMs = s.sentMs;
          state.pad = `${s.seq}${PAD}`;
          room.broadcastPatch();
        });
        resolve(true);
      });
    });
  });

  ipc.handle(
    'colyseus-connect',
    async ({ host, port, stream }: { host: string; port: number; stream: string }) => {
      const client = new Client(`ws://${host}:${port}`);
      const room = await client.create('stream', { stream });
      const onStamp = streams.recordStamp(stream);
      let last = -1;
      room.onStateChange((state: { seq: number; sentMs: number }) => {
        if (state.seq === last) return;
        last = state.seq;
        onStamp(state.seq, state.sentMs);
      });
      onShutdown(async () => {
        await room.leave().catch(() => undefined);
      });
      return true;
    },
  );
}

// The loss workload through geckos.io 3.1: its server (node-datachannel underneath, one unordered
// maxRetransmits-0 channel per client, geckos's defaults) and its browser client, run headless in
// Node on node-datachannel's W3C polyfill (RTCPeerConnection et al. as globals; fetch is Node's).
// Each state goes out as channel.raw.emit(bytes): one binary data-channel message, no envelope.
// geckos.io pins node-datachannel 0.32.1, whose install downloads a binary from GitHub; the
// workspace overrides it to the 0.33.x it already uses (pnpm-workspace.yaml).
import http from 'node:http';
import geckosServer from '@geckos.io/server';
import type { ServerChannel } from '@geckos.io/server';
import geckosClient from '@geckos.io/client';
import type { ClientChannel } from '@geckos.io/client';
import { RTCIceCandidate, RTCPeerConnection, RTCSessionDescription } from 'node-datachannel/polyfill';
import type { WorkerContext } from '../../ipc/worker.js';
import type { StreamEndpoints } from '../loss/stream-endpoints.js';

/**
 * The geckos.io client is browser code: it calls the global RTCPeerConnection and
 * RTCSessionDescription. Node has neither, so node-datachannel's polyfill stands in.
 */
export function installWebRtcGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  g.RTCPeerConnection ??= RTCPeerConnection;
  g.RTCSessionDescription ??= RTCSessionDescription;
  g.RTCIceCandidate ??= RTCIceCandidate;
}

export interface GeckosListener {
  port: number;
  /** Calls back with each client's channel once its data channel is open. */
  onChannel(cb: (channel: ServerChannel) => void): void;
  close(): Promise<void>;
}

/**
 * A geckos.io server whose HTTP signaling listens on `host` (an ephemeral port) and whose ICE
 * binds to `host` too. Uses addServer() rather than listen(): listen() has no host argument and
 * logs to stdout.
 */
export async function listenGeckos(host: string): Promise<GeckosListener> {
  const io = geckosServer({ iceServers: [], bindAddress: host, ordered: false, maxRetransmits: 0 });
  const channels = new Set<ServerChannel>();
  io.onConnection((channel) => {
    channels.add(channel);
    channel.onDisconnect(() => channels.delete(channel));
  });
  const server = http.createServer();
  io.addServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    onChannel: (cb) => io.onConnection(cb),
    close: async () => {
      // Peers first; geckos then runs node-datachannel's cleanup() when the HTTP server closes.
      await Promise.all([...channels].map((c) => c.close().catch(() => undefined)));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Connects a geckos.io client (headless, in this Node process) and waits for its channel. */
export async function connectGeckos(host: string, port: number): Promise<ClientChannel> {
  installWebRtcGlobals();
  const channel = geckosClient({ url: `http://${host}`, port, iceServers: [] });
  await new Promise<void>((resolve, reject) => {
    void channel.onConnect((error) => {
      if (error) reject(new Error(`geckos.io client could not connect: ${error.message}`));
      else resolve();
    });
  });
  return channel;
}

/** The raw payload geckos hands to onRaw (ArrayBuffer in Node on the polyfill) as bytes. */
export function rawBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

export function registerGeckos({ ipc, onShutdown }: WorkerContext, streams: StreamEndpoints): void {
  const waiting = new Map<string, () => void>();

  ipc.handle('geckos-listen', async ({ host }: { host: string }) => {
    const listener = await listenGeckos(host);
    onShutdown(() => listener.close());
    // The client names its stream in a reliable (geckos-resent, deduplicated) 'hello' event.
    listener.onChannel((channel) => {
      channel.on('hello', (name) => {
        const stream = String(name);
        streams.senders.set(stream, (bytes) => channel.raw.emit(bytes));
        channel.emit('ready', stream, { reliable: true });
        waiting.get(stream)?.();
      });
    });
    return listener.port;
  });

  ipc.handle(
    'geckos-accept',
    ({ stream }: { stream: string }) =>
      new Promise<boolean>((resolve) => waiting.set(stream, () => resolve(true))),
  );

  ipc.handle(
    'geckos-connect',
    async ({ host, port, stream }: { host: string; port: number; stream: string }) => {
      const channel = await connectGeckos(host, port);
      onShutdown(() => channel.close());
      const record = streams.record(stream);
      channel.onRaw((data) => {
        const bytes = rawBytes(data);
        if (bytes) record(bytes);
      });
      await new Promise<void>((resolve) => {
        channel.on('ready', () => resolve());
        channel.emit('hello', stream, { reliable: true });
      });
      return true;
    },
  );
}

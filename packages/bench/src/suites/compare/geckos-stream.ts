// The loss workload through geckos.io: its server (node-datachannel underneath, one unordered
// maxRetransmits-0 channel per client) and its browser client run in Node on node-datachannel's
// W3C polyfill (RTCPeerConnection et al. as globals; fetch is Node's). Loaded only when the
// packages are installed: see GECKOS_MISSING for why they are not by default.
import type { WorkerContext } from '../../ipc/worker.js';
import type { StreamEndpoints } from '../loss/stream-handlers.js';

/** Why geckos.io is not a dependency of this package (recorded in results when it is missing). */
export const GECKOS_MISSING =
  '@geckos.io/server 3.1.0 pins node-datachannel 0.32.1, whose install fetches a prebuilt binary from GitHub or builds libdatachannel with CMake FetchContent from GitHub; this machine reaches only the npm registry, so `pnpm add @geckos.io/server` fails. Checked by hand: with node-datachannel overridden to 0.33.4 it installs, and its client runs in Node on node-datachannel/polyfill. To enable: add `overrides: { "@geckos.io/server>node-datachannel": "0.33.4" }` to pnpm-workspace.yaml, then `pnpm --filter @tickwire/bench add @geckos.io/server@3.1.0 @geckos.io/client@3.1.0`.';

interface GeckosChannel {
  on(event: string, cb: (data: unknown) => void): void;
  emit(event: string, data: unknown, options?: { reliable?: boolean }): void;
  onRaw(cb: (data: ArrayBuffer | Uint8Array) => void): void;
  raw: { emit(data: Uint8Array): void };
  onConnect(cb: (error?: unknown) => void): void;
  close(): void;
}
interface GeckosServer {
  onConnection(cb: (channel: GeckosChannel) => void): void;
  listen(port: number): void;
  server: { address(): unknown; close(): void; once(e: string, cb: () => void): void; listening: boolean };
}

// Not literals: the build must not need packages that are optional here.
const SERVER_MODULE = '@geckos.io/server';
const CLIENT_MODULE = '@geckos.io/client';

export async function geckosAvailable(): Promise<boolean> {
  try {
    await import(SERVER_MODULE);
    await import(CLIENT_MODULE);
    return true;
  } catch {
    return false;
  }
}

export function registerGeckos({ ipc, onShutdown }: WorkerContext, streams: StreamEndpoints): void {
  const waiting = new Map<string, () => void>();

  ipc.handle('geckos-listen', async () => {
    const mod = (await import(SERVER_MODULE)) as { default: (options: object) => GeckosServer };
    const io = mod.default({ iceServers: [] });
    io.onConnection((channel) => {
      channel.on('hello', (name) => {
        const stream = String(name);
        streams.senders.set(stream, (bytes) => channel.raw.emit(bytes));
        channel.emit('ready', stream, { reliable: true });
        waiting.get(stream)?.();
      });
    });
    io.listen(0);
    if (!io.server.listening) await new Promise<void>((resolve) => io.server.once('listening', resolve));
    onShutdown(() => io.server.close());
    const address = io.server.address();
    return typeof address === 'object' && address ? (address as { port: number }).port : 0;
  });

  ipc.handle(
    'geckos-accept',
    ({ stream }: { stream: string }) =>
      new Promise<boolean>((resolve) => waiting.set(stream, () => resolve(true))),
  );

  ipc.handle(
    'geckos-connect',
    async ({ host, port, stream }: { host: string; port: number; stream: string }) => {
      const polyfill = (await import('node-datachannel/polyfill')) as Record<string, unknown>;
      Object.assign(globalThis, {
        RTCPeerConnection: polyfill.RTCPeerConnection,
        RTCSessionDescription: polyfill.RTCSessionDescription,
        RTCIceCandidate: polyfill.RTCIceCandidate,
      });
      const mod = (await import(CLIENT_MODULE)) as { default: (options: object) => GeckosChannel };
      const channel = mod.default({ url: `http://${host}`, port });
      const record = streams.record(stream);
      channel.onRaw((data) => record(data instanceof Uint8Array ? data : new Uint8Array(data)));
      onShutdown(() => channel.close());
      await new Promise<void>((resolve, reject) => {
        channel.onConnect((error) => {
          if (error) {
            reject(new Error(`geckos client: ${String((error as Error).message ?? error)}`));
            return;
          }
          channel.on('ready', () => resolve());
          channel.emit('hello', stream, { reliable: true });
        });
      });
      return true;
    },
  );
}

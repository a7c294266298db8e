// The loss workload over plain WebSocket (ws over TCP): the sender serves, the receiver connects
// once per stream (`?stream=` names it), and states travel as binary messages.
import WebSocket, { WebSocketServer } from 'ws';
import type { WorkerContext } from '../../ipc/worker.js';
import type { StreamEndpoints } from './stream-endpoints.js';

export function registerWs({ ipc, onShutdown }: WorkerContext, streams: StreamEndpoints): void {
  let wsServer: WebSocketServer | undefined;
  const wsWaiting = new Map<string, (ws: WebSocket) => void>();

  ipc.handle('ws-listen', async ({ host }: { host: string }) => {
    const server = new WebSocketServer({ host, port: 0, perMessageDeflate: false });
    wsServer = server;
    server.on('connection', (ws, request) => {
      const name = new URL(request.url ?? '/', 'ws://x').searchParams.get('stream') ?? '';
      wsWaiting.get(name)?.(ws);
    });
    onShutdown(
      () =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    );
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });

  // Sender side of a WebSocket stream: resolves once the receiver has connected.
  ipc.handle('ws-accept', ({ stream }: { stream: string }) => {
    if (!wsServer) throw new Error('ws-listen first');
    return new Promise<boolean>((resolve) => {
      wsWaiting.set(stream, (ws) => {
        streams.senders.set(stream, (bytes) => ws.send(bytes));
        resolve(true);
      });
    });
  });

  ipc.handle('ws-connect', async ({ host, port, stream }: { host: string; port: number; stream: string }) => {
    const ws = new WebSocket(`ws://${host}:${port}/?stream=${encodeURIComponent(stream)}`, {
      perMessageDeflate: false,
    });
    const onBytes = streams.record(stream);
    ws.on('message', (data) => onBytes(data as Buffer));
    onShutdown(() => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return true;
  });
}

// A real Colyseus server (@colyseus/core over @colyseus/ws-transport) listening on an ephemeral
// port of `host` with one room type, shut down with the worker: shared by the compare suite's
// Colyseus paths (the loss stream and the state-sync world).
import { Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { WorkerContext } from '../../ipc/worker.js';

/** Resolves with the port the server listens on. */
export async function listenColyseus(
  host: string,
  name: string,
  room: Parameters<Server['define']>[1],
  onShutdown: WorkerContext['onShutdown'],
): Promise<number> {
  const transport = new WebSocketTransport();
  const server = new Server({ transport, greet: false });
  server.define(name, room);
  await server.listen(0, host);
  onShutdown(() => server.gracefullyShutdown(false));
  const address = (transport as unknown as { server?: { address(): unknown } }).server?.address();
  return typeof address === 'object' && address ? (address as { port: number }).port : 0;
}

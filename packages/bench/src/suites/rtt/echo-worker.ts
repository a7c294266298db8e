// The far end of the rtt suite, in its own process: echoes every message straight back on the path
// it came from (UDP socket, WebSocket, raw node-datachannel channel, tickwire channel). Does
// nothing else between messages, so the measured time is the path's, not the echo's.
import dgram from 'node:dgram';
import { WebSocketServer } from 'ws';
import { startWorker } from '../../ipc/worker.js';
import { createPeer } from '../../peers/factory.js';
import type { PeerImpl } from '../../peers/factory.js';
import { releaseNative } from '../../peers/native.js';

startWorker(({ ipc, onShutdown }) => {
  // Registered first, so it runs last: after every peer below has closed.
  onShutdown(async () => void (await releaseNative()));
  ipc.handle('udp', async () => {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    onShutdown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    return socket.address().port;
  });

  ipc.handle('ws', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    server.on('connection', (ws) =>
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
    );
    await new Promise<void>((resolve) => server.once('listening', resolve));
    onShutdown(
      () =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    );
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });

  ipc.handle('peer', async ({ conn, impl }: { conn: string; impl: PeerImpl }) => {
    const peer = await createPeer(impl, {
      role: 'answerer',
      signaler: ipc.signaler(conn),
      label: `echo-${conn}`,
    });
    peer.onMessage((kind, bytes) => peer.send(kind, bytes));
    onShutdown(() => peer.close());
    await peer.opened;
    return true;
  });
});

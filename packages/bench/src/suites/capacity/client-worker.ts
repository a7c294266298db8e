// A client process of the capacity suite: holds many tickwire connections to the authority and
// counts the snapshots each receives. Does no work per message beyond counting.
import { connect } from '@tickwire/transport';
import type { Connection } from '@tickwire/transport';
import { startWorker } from '../../ipc/worker.js';
import { releaseNative } from '../../peers/native.js';

startWorker(({ ipc, onShutdown }) => {
  onShutdown(async () => void (await releaseNative()));
  const connections: Connection[] = [];
  let received = 0;

  ipc.handle('connect', async ({ conn }: { conn: string }) => {
    const connection = connect({
      role: 'offerer',
      signaler: ipc.signaler(conn),
      label: conn,
      bindAddress: '127.0.0.1',
    });
    connections.push(connection);
    connection.on('message', () => {
      received += 1;
    });
    onShutdown(() => connection.close());
    await connection.opened;
    return true;
  });

  /** Messages received since the last call. */
  ipc.handle('take', () => {
    const n = received;
    received = 0;
    return n;
  });
});

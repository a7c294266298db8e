// A client process of the capacity suite: holds many tickwire connections to the authority, and
// for each, 30 times a second, sends an input with the ack of the newest snapshot tick it had
// 100 ms earlier (acks arrive as late as on a ~100 ms round trip). The first connections of each
// process decode every snapshot with the real sync receiver and count any rejection; the others
// only read the tick from the packet (decoding hundreds of clients' snapshots on the same 2 cores
// would measure the clients, not the server).
import { connect, INPUT_STREAM, SNAPSHOT_STREAM } from '@tickwire/transport';
import { InputSender, SyncReceiver } from '@tickwire/transport/internals';
import type { Connection } from '@tickwire/transport';
import { startWorker } from '../../ipc/worker.js';
import { releaseNative } from '../../peers/native.js';
import { capacityInput, capacitySchema, rng } from './world.js';

const ACK_DELAY_MS = 100;
const DECODING_CLIENTS = 2;
/** Snapshot packet tag of sync wire version 2, then the tick (32 bits, little-endian). */
const SNAPSHOT_TAG = 0xb3;

interface Client {
  connection: Connection;
  sender: InputSender<{ dx: number; dy: number }>;
  receiver: SyncReceiver | undefined;
  /** [arrival ms, newest tick], newest last. */
  seen: [number, number][];
  dx: number;
  dy: number;
}

startWorker(({ ipc, onShutdown }) => {
  onShutdown(async () => void (await releaseNative()));
  const clients: Client[] = [];
  const random = rng(process.pid);
  let received = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  onShutdown(() => clearInterval(timer));

  const sendInputs = () => {
    const now = performance.now();
    for (const c of clients) {
      if (random() < 0.05) {
        c.dx = random() * 2 - 1;
        c.dy = random() * 2 - 1;
      }
      c.sender.push({ dx: c.dx, dy: c.dy });
      let ack: number | undefined;
      while (c.seen.length > 0 && c.seen[0]![0] <= now - ACK_DELAY_MS) ack = c.seen.shift()![1];
      if (ack !== undefined) c.seen.unshift([now - ACK_DELAY_MS, ack]);
      try {
        c.connection.sendRaw('unreliable', c.sender.packet(ack, 0), { stream: INPUT_STREAM });
      } catch {
        // closing: the authority sees the missing input
      }
    }
  };

  ipc.handle('connect', async ({ conn }: { conn: string }) => {
    const connection = connect({
      role: 'offerer',
      signaler: ipc.signaler(conn),
      label: conn,
      bindAddress: '127.0.0.1',
    });
    const client: Client = {
      connection,
      sender: new InputSender(capacityInput, 4),
      receiver:
        clients.length < DECODING_CLIENTS ? new SyncReceiver(capacitySchema, { tickRate: 30 }) : undefined,
      seen: [],
      dx: 0,
      dy: 0,
    };
    clients.push(client);
    // The authority sends snapshots only to a client that joined (sync protocol 3): answer its
    // hello with a join, as createSyncClient does (without it every snapshot was withheld).
    connection.intercept((event) => {
      const message = event.data as { tw?: unknown; k?: unknown } | undefined;
      if (event.raw || event.channel !== 'reliable' || message?.tw !== 'sync') return false;
      if (message.k === 'hello') connection.send('reliable', { tw: 'sync', k: 'join' });
      return true;
    });
    connection.on('message', (event) => {
      if (!event.raw || event.channel !== 'unreliable' || event.stream !== SNAPSHOT_STREAM) return;
      const bytes = event.data as Uint8Array;
      received += 1;
      let tick: number | undefined;
      if (client.receiver) {
        client.receiver.receive(bytes, performance.now(), 1);
        tick = client.receiver.latest?.tick;
      } else if (bytes.length >= 5 && bytes[0] === SNAPSHOT_TAG) {
        tick = (bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24)) >>> 0;
      }
      const newest = client.seen.at(-1)?.[1];
      if (tick !== undefined && (newest === undefined || tick > newest))
        client.seen.push([performance.now(), tick]);
    });
    onShutdown(() => connection.close());
    await connection.opened;
    timer ??= setInterval(sendInputs, 1000 / 30);
    return true;
  });

  /** Snapshot packets received since the last call, and what the decoding clients saw. */
  ipc.handle('take', () => {
    const n = received;
    received = 0;
    let completed = 0;
    let rejected = 0;
    for (const c of clients) {
      if (!c.receiver) continue;
      const s = c.receiver.stats();
      completed += s.snapshotsCompleted;
      rejected += Object.values(s.rejected).reduce((a, b) => a + b, 0);
    }
    return { received: n, completed, rejected };
  });
});

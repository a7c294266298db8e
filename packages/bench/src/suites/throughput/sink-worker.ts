// The receiving end of the throughput suite, in its own process: answers peers and counts what
// arrives per channel (messages, bytes, first and last arrival), nothing else, so the receive
// rate is the path's and not the counter's.
import { startWorker } from '../../ipc/worker.js';
import { createPeer } from '../../peers/factory.js';
import type { PeerImpl } from '../../peers/factory.js';
import { releaseNative } from '../../peers/native.js';
import type { ChannelKind, MessagePeer } from '../../peers/types.js';

export interface SinkCounts {
  messages: number;
  bytes: number;
  /** performance.now() of the first and last arrival since the last reset (0 when none). */
  firstAt: number;
  lastAt: number;
}

const empty = (): SinkCounts => ({ messages: 0, bytes: 0, firstAt: 0, lastAt: 0 });

startWorker(({ ipc, onShutdown }) => {
  onShutdown(async () => void (await releaseNative()));
  const peers = new Map<string, { peer: MessagePeer; counts: Record<ChannelKind, SinkCounts> }>();

  ipc.handle('peer', async ({ conn, impl }: { conn: string; impl: PeerImpl }) => {
    const peer = await createPeer(impl, {
      role: 'answerer',
      signaler: ipc.signaler(conn),
      label: `sink-${conn}`,
    });
    const entry = { peer, counts: { unreliable: empty(), reliable: empty() } };
    peers.set(conn, entry);
    peer.onMessage((kind, bytes) => {
      const c = entry.counts[kind];
      const now = performance.now();
      if (c.messages === 0) c.firstAt = now;
      c.lastAt = now;
      c.messages += 1;
      c.bytes += bytes.byteLength;
    });
    onShutdown(() => peer.close());
    await peer.opened;
    return true;
  });

  ipc.handle('reset', ({ conn }: { conn: string }) => {
    const entry = peers.get(conn);
    if (entry) entry.counts = { unreliable: empty(), reliable: empty() };
    return true;
  });

  ipc.handle(
    'counts',
    ({ conn, kind }: { conn: string; kind: ChannelKind }) => peers.get(conn)?.counts[kind] ?? empty(),
  );
});

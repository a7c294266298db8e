// The authority's side of signaling: one answering connection per player who sends an offer
// through the lobby. When a player offers again (it reconnected, or the network dropped it without
// a goodbye) the old connection is closed and a new one answers the new offer, so a player always
// finds its way back. Used by the browser host and the dedicated server alike.
import type { LobbyClient, SignalData } from '@tickwire/lobby-server/client';
import type { Connection, SignalMessage, Signaler } from '@tickwire/transport';

/** A Signaler whose incoming side we feed ourselves (messages before the first listener are kept). */
class FedSignaler implements Signaler {
  private readonly handlers = new Set<(message: SignalMessage) => void>();
  private readonly backlog: SignalMessage[] = [];

  constructor(private readonly out: Signaler) {}

  send(message: SignalMessage): void | Promise<void> {
    return this.out.send(message);
  }

  onMessage(handler: (message: SignalMessage) => void): () => void {
    this.handlers.add(handler);
    const queued = this.backlog.splice(0);
    queueMicrotask(() => {
      for (const m of queued) if (this.handlers.has(handler)) handler(m);
    });
    return () => this.handlers.delete(handler);
  }

  feed(message: SignalMessage): void {
    if (this.handlers.size === 0) {
      if (this.backlog.length < 256) this.backlog.push(message);
      return;
    }
    for (const handler of [...this.handlers]) handler(message);
  }
}

export class Answerers {
  private readonly peers = new Map<string, { connection: Connection; signaler: FedSignaler }>();
  private readonly off: () => void;

  constructor(
    lobby: LobbyClient,
    /** Whether `peerId` may connect now (e.g. it sits in this room). */
    accepts: (peerId: string) => boolean,
    /** Makes the answering connection for one player and hands it to the game. */
    answer: (signaler: Signaler, peerId: string) => Connection,
  ) {
    this.off = lobby.on('signal', (from: string, data: SignalData) => {
      const message = data as SignalMessage;
      const current = this.peers.get(from);
      if (message.kind === 'description' && message.type === 'offer' && (message.attempt ?? 0) === 0) {
        if (!accepts(from)) return;
        current?.connection.close();
        const signaler = new FedSignaler(lobby.signalerFor(from));
        signaler.feed(message);
        const connection = answer(signaler, from);
        const entry = { connection, signaler };
        this.peers.set(from, entry);
        connection.on('close', () => {
          if (this.peers.get(from) === entry) this.peers.delete(from);
        });
        return;
      }
      current?.signaler.feed(message);
    });
  }

  get size(): number {
    return this.peers.size;
  }

  close(): void {
    this.off();
    for (const { connection } of this.peers.values()) connection.close();
    this.peers.clear();
  }
}

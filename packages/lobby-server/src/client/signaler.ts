// The lobby client's side of the transport's Signaler contract: one Signaler per remote peer,
// carrying description/candidate/bye messages through the lobby (trickle ICE). Messages from a
// peer that arrive before game code asked for its Signaler are kept (bounded) and replayed to
// the first handler, because an offer usually arrives before the answerer set anything up.
import type { RelayPipe, SignalMessage, Signaler } from '@tickwire/transport';

const MAX_BACKLOG_PER_PEER = 256;
const MAX_BACKLOG_PEERS = 64;

type Handler = (message: SignalMessage) => void;

export class SignalRouter {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly backlog = new Map<string, SignalMessage[]>();

  constructor(private readonly onHandlerError: (error: unknown) => void) {}

  deliver(from: string, message: SignalMessage): void {
    const handlers = this.handlers.get(from);
    if (handlers && handlers.size > 0) {
      for (const handler of [...handlers]) {
        try {
          handler(message);
        } catch (error) {
          this.onHandlerError(error);
        }
      }
      return;
    }
    let queue = this.backlog.get(from);
    if (!queue) {
      if (this.backlog.size >= MAX_BACKLOG_PEERS) return;
      queue = [];
      this.backlog.set(from, queue);
    }
    if (queue.length < MAX_BACKLOG_PER_PEER) queue.push(message);
  }

  subscribe(peer: string, handler: Handler): () => void {
    let handlers = this.handlers.get(peer);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(peer, handlers);
    }
    handlers.add(handler);
    const queued = this.backlog.get(peer);
    if (queued) {
      this.backlog.delete(peer);
      // Replayed a microtask later, so the caller holds its unsubscribe function first; socket
      // messages arrive as macrotasks, so nothing can overtake the replay.
      queueMicrotask(() => {
        for (const message of queued) {
          if (!handlers.has(handler)) return;
          try {
            handler(message);
          } catch (error) {
            this.onHandlerError(error);
          }
        }
      });
    }
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0) this.handlers.delete(peer);
    };
  }

  /** Drops messages kept for peers that are no longer around. */
  retainOnly(peers: ReadonlySet<string>): void {
    for (const peer of this.backlog.keys()) if (!peers.has(peer)) this.backlog.delete(peer);
  }

  clear(): void {
    this.backlog.clear();
  }
}

/** A Signaler bound to one remote peer, built by `LobbyClient.signalerFor`. */
export class PeerSignaler implements Signaler {
  constructor(
    readonly peerId: string,
    private readonly sendSignal: (to: string, message: SignalMessage) => void,
    private readonly router: SignalRouter,
    private readonly pipe: () => RelayPipe | undefined = () => undefined,
  ) {}

  /** The lobby relay to this peer (game traffic when WebRTC finds no path); undefined when off. */
  relayPipe(): RelayPipe | undefined {
    return this.pipe();
  }

  send(message: SignalMessage): void {
    this.sendSignal(this.peerId, message);
  }

  onMessage(handler: (message: SignalMessage) => void): () => void {
    return this.router.subscribe(this.peerId, handler);
  }
}

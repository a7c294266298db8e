import type { SignalMessage, Signaler } from './signaler.js';

// Two Signalers wired to each other inside one process, for tests and single-process demos.
// Delivery is asynchronous (a microtask later), like a real network, so handlers never re-enter.
class InProcessSignaler implements Signaler {
  private readonly handlers = new Set<(message: SignalMessage) => void>();
  private readonly backlog: SignalMessage[] = [];
  peer: InProcessSignaler | undefined;
  /** Messages sent through this end, by kind: tests use it to check trickle ICE happened. */
  readonly sent: Record<SignalMessage['kind'], number> = {
    description: 0,
    candidate: 0,
    restart: 0,
    'udp-blocked': 0,
    bye: 0,
  };

  send(message: SignalMessage): void {
    this.sent[message.kind] += 1;
    const peer = this.peer;
    if (!peer) return;
    queueMicrotask(() => peer.deliver(message));
  }

  onMessage(handler: (message: SignalMessage) => void): () => void {
    this.handlers.add(handler);
    // Messages that arrived before anybody listened are replayed to the first listener.
    for (const message of this.backlog.splice(0)) handler(message);
    return () => this.handlers.delete(handler);
  }

  private deliver(message: SignalMessage): void {
    if (this.handlers.size === 0) {
      this.backlog.push(message);
      return;
    }
    for (const handler of [...this.handlers]) handler(message);
  }
}

export type { InProcessSignaler };

/** Creates two connected Signalers: whatever one sends, the other receives. */
export function createSignalerPair(): [InProcessSignaler, InProcessSignaler] {
  const a = new InProcessSignaler();
  const b = new InProcessSignaler();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

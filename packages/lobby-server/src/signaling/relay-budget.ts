// Byte budgets for relayed signaling, so no member of a room can be flooded off the lobby: every
// sender has a budget towards each recipient, and every recipient a budget over all its senders.
// Without them, a few connections sending large offers at one member filled that member's send
// buffer until the lobby dropped the *victim* as a slow reader. Signals over a budget are refused
// (the sender gets `rate_limited`, which counts as a violation); the recipient is never punished.
import { TokenBucket } from '../server/rate-limit.js';

export interface RelayBudgetLimits {
  /** Refill, bytes per second. */
  readonly bytesPerSecond: number;
  /** Bucket size: how much may arrive at once (a full negotiation fits). */
  readonly burstBytes: number;
}

/** One bucket per peer (for the sender's side: per recipient). */
export class PeerBudgets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: RelayBudgetLimits) {}

  take(peer: string, bytes: number, now: number): boolean {
    let bucket = this.buckets.get(peer);
    if (!bucket) {
      bucket = new TokenBucket(this.limits.bytesPerSecond, this.limits.burstBytes, now);
      this.buckets.set(peer, bucket);
    }
    return bucket.take(now, bytes);
  }

  /** Forgets peers that left (the map never outgrows the room). */
  retainOnly(peers: ReadonlySet<string>): void {
    for (const peer of this.buckets.keys()) if (!peers.has(peer)) this.buckets.delete(peer);
  }
}

/** Rough wire size of a relayed signal: what it adds to the recipient's send buffer. */
export function signalBytes(data: unknown): number {
  return JSON.stringify(data).length + 64;
}

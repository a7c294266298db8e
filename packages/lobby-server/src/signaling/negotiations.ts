// Per-connection bookkeeping of WebRTC negotiations with each peer: caps candidates per
// description (an ICE restart is a new description and starts a new count), caps how many offers
// may wait for an answer, and finds offers that were never answered so they can be reaped.
import { LobbyError } from '../errors.js';
import type { SignalData } from '../protocol/schemas.js';

export interface NegotiationLimits {
  readonly maxCandidates: number;
  readonly maxNegotiations: number;
  readonly offerTimeoutMs: number;
}

interface PeerState {
  candidatesSent: number;
  offerSentAt: number | undefined;
}

const NONE: string[] = [];

export class NegotiationTracker {
  private readonly peers = new Map<string, PeerState>();

  constructor(private readonly limits: NegotiationLimits) {}

  private pendingOffers(): number {
    let count = 0;
    for (const state of this.peers.values()) if (state.offerSentAt !== undefined) count += 1;
    return count;
  }

  private state(peer: string): PeerState {
    let state = this.peers.get(peer);
    if (!state) {
      state = { candidatesSent: 0, offerSentAt: undefined };
      this.peers.set(peer, state);
    }
    return state;
  }

  /** Accounts for a message this connection sends to `peer`; throws when it breaks a limit. */
  outgoing(peer: string, data: SignalData, now: number): void {
    switch (data.kind) {
      case 'description': {
        const existing = this.peers.get(peer);
        if (
          data.type === 'offer' &&
          existing?.offerSentAt === undefined &&
          this.pendingOffers() >= this.limits.maxNegotiations
        ) {
          throw new LobbyError('signal_limit', 'too many unanswered offers', {
            details: { limit: this.limits.maxNegotiations },
          });
        }
        const state = this.state(peer);
        state.candidatesSent = 0;
        if (data.type === 'offer') state.offerSentAt = now;
        return;
      }
      case 'candidate': {
        const state = this.state(peer);
        if (state.candidatesSent >= this.limits.maxCandidates) {
          throw new LobbyError('signal_limit', 'too many ICE candidates in this negotiation', {
            details: { limit: this.limits.maxCandidates },
          });
        }
        state.candidatesSent += 1;
        return;
      }
      case 'restart':
        // A request for an offer, not one: the offer that follows is counted like any other.
        return;
      case 'udp-blocked':
        // A hint about the sender's network: no offer, no candidate.
        return;
      case 'bye':
        this.peers.delete(peer);
        return;
    }
  }

  /** Accounts for a message `peer` sent to this connection. */
  incoming(peer: string, data: SignalData): void {
    if (data.kind === 'bye') {
      this.peers.delete(peer);
      return;
    }
    if (data.kind === 'description' && data.type === 'answer') {
      const state = this.peers.get(peer);
      if (state) state.offerSentAt = undefined;
    }
  }

  /** Drops the state of peers that are no longer reachable (left the room). */
  retainOnly(peers: ReadonlySet<string>): void {
    for (const peer of this.peers.keys()) if (!peers.has(peer)) this.peers.delete(peer);
  }

  /** The first moment `takeExpired` finds an expired offer; undefined when none waits. */
  nextExpiry(): number | undefined {
    let first: number | undefined;
    for (const state of this.peers.values()) {
      if (state.offerSentAt !== undefined && (first === undefined || state.offerSentAt < first))
        first = state.offerSentAt;
    }
    return first === undefined ? undefined : first + this.limits.offerTimeoutMs + 1;
  }

  /** Peers whose offer waited longer than the timeout; their state is removed. */
  takeExpired(now: number): string[] {
    if (this.peers.size === 0) return NONE;
    const expired: string[] = [];
    for (const [peer, state] of this.peers) {
      if (state.offerSentAt !== undefined && now - state.offerSentAt > this.limits.offerTimeoutMs) {
        expired.push(peer);
        this.peers.delete(peer);
      }
    }
    return expired;
  }
}

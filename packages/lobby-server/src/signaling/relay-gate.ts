// The lobby relay's rules: who may send relay frames (game traffic for peers WebRTC cannot
// connect) to whom, and how much. A frame goes only to a member of the sender's room (or its
// dedicated server) with whom the sender has a signaling relationship (signal-gate.ts), so the
// lobby is never an open relay; the same two kinds of budget as for signals bound it: every
// sender towards each recipient (refusals are violations: a flooder ends in 4008), and every
// recipient over all its senders (the senders are refused, the recipient is never dropped). It
// never reads the payload.
import { LobbyError } from '../errors.js';
import type { LobbyContext } from '../server/context.js';
import { TokenBucket } from '../server/rate-limit.js';
import { PeerBudgets } from './relay-budget.js';
import type { InboundVerdict, SignalGate } from './signal-gate.js';

export class RelayGate {
  private readonly outgoing: PeerBudgets;
  private readonly inbound: TokenBucket;
  private framesSincePrune = 0;

  constructor(
    private readonly ctx: LobbyContext,
    private readonly signals: SignalGate,
  ) {
    const { config } = ctx;
    this.outgoing = new PeerBudgets({
      bytesPerSecond: config.relayPeerBytesPerSecond,
      burstBytes: config.relayPeerBytesPerSecond,
    });
    this.inbound = new TokenBucket(
      config.relayInboundBytesPerSecond,
      config.relayInboundBytesPerSecond,
      ctx.now(),
    );
  }

  /** Checks a frame this session sends to `to`; throws the typed refusal. */
  outgoingFrame(to: string, payloadBytes: number, cost: number, now: number): void {
    const { config, metrics } = this.ctx;
    if (!config.relayEnabled) {
      metrics.relayFrames.inc({ outcome: 'disabled' });
      throw new LobbyError('relay_disabled', 'this lobby does not relay game traffic');
    }
    if (payloadBytes > config.relayMaxFrameBytes) {
      metrics.relayFrames.inc({ outcome: 'too_large' });
      throw new LobbyError('frame_too_large', 'relay frame too large', {
        details: { limit: config.relayMaxFrameBytes, size: payloadBytes },
      });
    }
    if (!this.signals.mayExchange(to)) {
      metrics.relayFrames.inc({ outcome: 'not_in_room' });
      throw new LobbyError('peer_not_in_room', 'you can only relay to members of your room');
    }
    if (!this.signals.relates(to)) {
      metrics.relayFrames.inc({ outcome: 'unauthorized' });
      throw new LobbyError('relay_unauthorized', 'relay frames need a signaling relationship with that peer');
    }
    if (++this.framesSincePrune >= 256) {
      this.framesSincePrune = 0;
      this.outgoing.retainOnly(this.signals.relatedPeers());
    }
    if (!this.outgoing.take(to, cost, now)) {
      metrics.relayFrames.inc({ outcome: 'sender_budget' });
      throw new LobbyError('rate_limited', 'too much relayed traffic to that peer; slow down', {
        details: { bytesPerSecond: config.relayPeerBytesPerSecond },
      });
    }
  }

  /** A frame for this session from `from`, before it is queued to the client. */
  admit(from: string, cost: number, bufferedBytes: number): InboundVerdict {
    const { config, metrics } = this.ctx;
    if (!this.signals.relates(from)) {
      metrics.relayFrames.inc({ outcome: 'unauthorized' });
      return 'drop';
    }
    if (bufferedBytes + cost > config.sendBufferCap / 2) {
      metrics.relayFrames.inc({ outcome: 'recipient_backlog' });
      return 'throttle';
    }
    if (!this.inbound.take(this.ctx.now(), cost)) {
      metrics.relayFrames.inc({ outcome: 'recipient_budget' });
      return 'throttle';
    }
    return 'deliver';
  }
}

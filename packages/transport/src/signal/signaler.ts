// The transport does not know how descriptions and candidates travel: anything that implements
// Signaler (the in-process pair for tests, the lobby client in production) can carry them.
// Trickle ICE: candidates are sent as they are gathered, not after gathering completes.
import type { RelayPipe } from '../relay/pipe.js';

// `attempt` numbers the negotiations of one connection (absent = 0): a relay fallback negotiates
// again on a new peer connection, and messages of an attempt given up on must not reach the new one;
// an ICE restart is the next attempt too. `via` is the attempt's kind (negotiation/attempts.ts),
// set from attempt 1 on. `restart` names the attempt the answerer found broken; `udp-blocked` the
// attempt in which the answerer found its UDP blocked (negotiation/udp-probe.ts).
export type SignalMessage =
  | {
      readonly kind: 'description';
      readonly type: 'offer' | 'answer';
      readonly sdp: string;
      readonly attempt?: number;
      readonly via?: 'direct' | 'turn' | 'ws-relay';
    }
  | {
      readonly kind: 'candidate';
      readonly candidate: string;
      readonly mid: string;
      readonly attempt?: number;
      readonly via?: 'direct' | 'turn' | 'ws-relay';
    }
  /** The answerer found the path broken: it asks the offerer to negotiate again (ICE restart). */
  | { readonly kind: 'restart'; readonly attempt: number }
  /**
   * The answerer reached no STUN/TURN server over UDP in `attempt` and cannot relay over TCP (a
   * Node peer on a UDP-blocked network): WebRTC has no path from it, the offerer may go straight
   * to the lobby relay. A hint: a peer that does not know it ignores it (today's waits apply).
   */
  | { readonly kind: 'udp-blocked'; readonly attempt: number }
  /** The remote side closed or gave up on this negotiation. */
  | { readonly kind: 'bye'; readonly reason?: string };

export interface Signaler {
  /** Sends one message to the remote peer. May throw or reject when the signaling path is gone. */
  send(message: SignalMessage): void | Promise<void>;
  /** Subscribes to messages from the remote peer; returns an unsubscribe function. */
  onMessage(handler: (message: SignalMessage) => void): () => void;
  /**
   * A last-resort relay to the same peer through the signaling server (the lobby's WebSocket), for
   * when WebRTC finds no path (see ConnectionOptions.wsRelay). Undefined when the server offers
   * none. Called once per connection.
   */
  relayPipe?(): RelayPipe | undefined;
}

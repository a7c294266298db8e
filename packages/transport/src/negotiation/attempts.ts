// The negotiation attempts of one connection, in the order the offerer tries them: 0 direct
// (host and STUN candidates; also TURN when there is no fallback), 1 relay-only through TURN (the
// relay fallback), 2 the last resort: both channels through the lobby's WebSocket (a relay pipe,
// see relay/pipe.ts), for networks where WebRTC finds no path at all (UDP blocked, and
// node-datachannel gathers no relay candidate over TURN-TCP). Attempt numbers travel in signals,
// so they are fixed: an attempt that is skipped keeps its number.
export const AttemptKind = { Direct: 'direct', Turn: 'turn', WsRelay: 'ws-relay' } as const;
export type AttemptKind = (typeof AttemptKind)[keyof typeof AttemptKind];

export const WS_RELAY_ATTEMPT = 2;

export function attemptKind(attempt: number): AttemptKind {
  return attempt === 0 ? AttemptKind.Direct : attempt === 1 ? AttemptKind.Turn : AttemptKind.WsRelay;
}

// The attempt model of one connection. An attempt is one negotiation on its own peer connection;
// attempts are numbered by a counter (0 first, then +1 for each relay fallback and each ICE
// restart, at most MAX_ATTEMPT) and each has a kind: `direct` (host and STUN candidates; also
// TURN when no relay fallback is behind it), `turn` (relay-only through TURN) or `ws-relay` (the
// last resort: both channels through the lobby's WebSocket, see relay/pipe.ts). The number orders
// attempts (messages of an attempt given up on are dropped); the kind travels explicitly in the
// signal (`via`) from attempt 1 on, so the answerer builds the same kind of attempt as the
// offerer. Attempt 0 carries no mark: each side uses its own configuration for it. It must never
// depend on the connection layer.
export const AttemptKind = { Direct: 'direct', Turn: 'turn', WsRelay: 'ws-relay' } as const;
export type AttemptKind = (typeof AttemptKind)[keyof typeof AttemptKind];

/**
 * Highest attempt number a peer may ask for: bounds what a confused peer can make us build. The
 * lobby's signal schema allows the same.
 */
export const MAX_ATTEMPT = 255;

const KINDS: readonly string[] = Object.values(AttemptKind);

export function isAttemptKind(value: unknown): value is AttemptKind {
  return typeof value === 'string' && KINDS.includes(value);
}

/**
 * The kind of a signaled attempt. `via` says it; a message without one comes from a peer that
 * predates the counter, whose fixed numbering was 0 direct, 1 TURN, 2 the lobby relay (any other
 * unmarked number is no attempt such a peer makes: undefined).
 */
export function signaledKind(attempt: number, via: unknown): AttemptKind | undefined {
  if (isAttemptKind(via)) return via;
  return [AttemptKind.Direct, AttemptKind.Turn, AttemptKind.WsRelay][attempt];
}

/** Whether an attempt of this kind runs over a relay (the restart keeps a relayed path relayed). */
export function isRelayKind(kind: AttemptKind): kind is 'turn' | 'ws-relay' {
  return kind !== AttemptKind.Direct;
}

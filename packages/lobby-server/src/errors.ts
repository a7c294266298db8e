// The one error class of the lobby, shared by server and client (browser-safe: no Node imports).
// Every failure a caller can see carries a string `code` that is also the wire code of the
// `error` reply, so a client can switch on the same value the server sent.

export const LobbyErrorCode = {
  /** The message is not valid JSON or does not match the schema of its type. */
  BadRequest: 'bad_request',
  /** The message type is not part of the protocol. */
  UnknownType: 'unknown_type',
  /** The protocol version in `hello` is not supported by this server. */
  UnsupportedVersion: 'unsupported_version',
  /** A message that needs a session arrived before `hello`. */
  NotReady: 'not_ready',
  /** A message that makes no sense in the current state (second `hello`, accept without a match). */
  OutOfOrder: 'out_of_order',
  /** Too many messages; the message was dropped. Repeated floods end in close code 4008. */
  RateLimited: 'rate_limited',
  /** The identity hook, a server key or an Origin was rejected. */
  Unauthorized: 'unauthorized',
  /** A resume token that is forged, malformed or for a session that no longer exists. */
  InvalidToken: 'invalid_token',
  RoomNotFound: 'room_not_found',
  RoomFull: 'room_full',
  /**
   * The room's authority (its host player or dedicated server) cannot be reached right now;
   * `details.status` is `reconnecting` (try again shortly) or `gone`.
   */
  AuthorityUnavailable: 'authority_unavailable',
  AlreadyInRoom: 'already_in_room',
  NotInRoom: 'not_in_room',
  NotHost: 'not_host',
  /** Kicked from this room a moment ago: no rejoining until the ban runs out (`retryAfterMs`). */
  Banned: 'banned',
  /** The session created too many rooms in the current window. */
  RoomLimit: 'room_limit',
  /** A signal addressed to somebody who is not in the sender's room. */
  PeerNotInRoom: 'peer_not_in_room',
  /** The addressee is in the room but not connected right now (e.g. inside its grace period). */
  PeerUnavailable: 'peer_unavailable',
  /** Too many ICE candidates in one negotiation, or too many open negotiations. */
  SignalLimit: 'signal_limit',
  /** Relay frames are off on this lobby (`relayEnabled` false). */
  RelayDisabled: 'relay_disabled',
  /**
   * A relay frame to a member of the room with whom the sender has no signaling relationship (no
   * offer, answer or candidate exchanged since the last `bye`): the relay carries game traffic only
   * for peers that are connecting or connected, never between strangers.
   */
  RelayUnauthorized: 'relay_unauthorized',
  /** A relay frame larger than `relayMaxFrameBytes`. */
  FrameTooLarge: 'frame_too_large',
  AlreadyQueued: 'already_queued',
  NotQueued: 'not_queued',
  UnknownMode: 'unknown_mode',
  MatchNotFound: 'match_not_found',
  /** TURN credentials were requested but the lobby has no TURN secret configured. */
  TurnUnavailable: 'turn_unavailable',
  /** A join token that does not verify or does not bind the expected player/room/authority. */
  InvalidJoinToken: 'invalid_join_token',
  /** A request that only a registered dedicated server (or only a player) may send. */
  WrongRole: 'wrong_role',
  /** Client side: no reply within the request timeout. */
  Timeout: 'timeout',
  /** Client side: the connection closed before a reply arrived, or is not open. */
  Disconnected: 'disconnected',
  /** A bug or a failed dependency (Redis) on the server; details are in the server log only. */
  Internal: 'internal',
} as const;
export type LobbyErrorCode = (typeof LobbyErrorCode)[keyof typeof LobbyErrorCode];

const knownCodes = new Set<string>(Object.values(LobbyErrorCode));

export function isLobbyErrorCode(value: unknown): value is LobbyErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}

/**
 * WebSocket close codes the lobby uses (4000-4999 are the application range). 1008 and 1009 come
 * from `ws` itself when a peer breaks its limits (fragment flood, oversized frame).
 */
export const LobbyCloseCode = {
  Normal: 1000,
  /** The server is shutting down; reconnect (possibly to another lobby process). */
  GoingAway: 1001,
  /** `ws` protocol limits: too many fragments or buffered chunks (CVE-2026-48779 guard). */
  PolicyViolation: 1008,
  /** `ws`: a frame or message larger than `maxPayload`. */
  MessageTooBig: 1009,
  /** No complete message (application `ping` counts) within `idleTimeoutMs`. */
  IdleTimeout: 4000,
  /** No `hello` within `helloTimeoutMs`. */
  HelloTimeout: 4001,
  /** `hello` was rejected (identity hook, server key, bad token). */
  Unauthorized: 4002,
  /** `hello` asked for a protocol version this server does not speak. */
  UnsupportedVersion: 4003,
  /** Message flood or too many protocol errors in a row. */
  Flood: 4008,
  /** The same session was resumed on another connection. */
  SessionTakenOver: 4009,
  /** The client did not read: its send buffer passed `sendBufferCap` (socket is terminated). */
  SlowReader: 4010,
  /** The session's seat was freed (kicked from room does NOT close; this is for server-side ends). */
  SessionEnded: 4011,
} as const;
export type LobbyCloseCode = (typeof LobbyCloseCode)[keyof typeof LobbyCloseCode];

export class LobbyError extends Error {
  override readonly name = 'LobbyError';
  readonly code: LobbyErrorCode;
  /** Extra facts for the caller, e.g. `{ limit }` for limits. Sent on the wire; never secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: LobbyErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /**
   * The one normaliser for catch blocks: a LobbyError passes through unchanged; anything else
   * (a bug, a Redis failure, a non-Error throw) becomes a LobbyError with `code` (default
   * `internal`) that keeps the original as `cause`. `message` replaces the original's message,
   * e.g. so an internal failure never shows its details to a client.
   */
  static from(cause: unknown, code: LobbyErrorCode = 'internal', message?: string): LobbyError {
    if (cause instanceof LobbyError) return cause;
    const text = message ?? (cause instanceof Error ? cause.message : String(cause));
    return new LobbyError(code, text, { cause });
  }
}

export function isLobbyError(value: unknown, code?: LobbyErrorCode): value is LobbyError {
  return value instanceof LobbyError && (code === undefined || value.code === code);
}

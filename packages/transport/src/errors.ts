// Every failure the transport reports is a TransportError with a string code callers can switch on.
// Never log-and-continue where the caller needs to know: errors are thrown (sync API misuse) or
// emitted as an `error` event on the connection (bad input from the network).

export const TransportErrorCode = {
  /** An unreliable message exceeds the safe single-packet payload size. */
  MessageTooLarge: 'MESSAGE_TOO_LARGE',
  /** A reliable message exceeds the negotiated SCTP max-message-size. */
  ReliableTooLarge: 'RELIABLE_TOO_LARGE',
  /** Send or another operation on a connection that is not open. */
  NotOpen: 'NOT_OPEN',
  /** Bytes from the peer that do not decode (bad framing, bad msgpack, hostile payload). */
  Decode: 'DECODE',
  /** A value that cannot be encoded (functions, symbols, cyclic structures). */
  Encode: 'ENCODE',
  /** A network step (gathering, connecting, signaling) did not finish in time. */
  Timeout: 'TIMEOUT',
  /** ICE / DTLS / SCTP failed. */
  ConnectionFailed: 'CONNECTION_FAILED',
  /** The signaling path failed or sent something invalid. */
  Signaling: 'SIGNALING',
  /** Invalid options passed by the caller. */
  InvalidOptions: 'INVALID_OPTIONS',
  /** A sync snapshot/input packet was rejected (unknown baseline, out of range, truncated). */
  SyncRejected: 'SYNC_REJECTED',
  /**
   * Sync events did not fit a queue, and the event of `details.tick` was dropped: on the server,
   * those waiting for a client that has not joined yet (`maxPendingEvents`, default 256); on the
   * client, those waiting for `takeEvents()` (`maxWaitingEvents`, default 1,024; the oldest goes).
   */
  SyncEventOverflow: 'SYNC_EVENT_OVERFLOW',
  /**
   * A sync client broke the authority's rules long enough to be cut off (`details.violation`:
   * 'unacked' or 'flood', see PeerViolation; `details.client`: its id).
   */
  SyncPeerViolation: 'SYNC_PEER_VIOLATION',
  /** SeatGuard refused a connection (`details.reason`: 'invalid-token', 'seat-taken' or 'closed'). */
  SeatRefused: 'SEAT_REFUSED',
} as const;
export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  /** Extra facts about the failure, e.g. `{ limit, size }` for size errors or `{ step }` for timeouts. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: TransportErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /**
   * `cause` itself when it already is a TransportError, otherwise a new one with `code` wrapping
   * it: the one normaliser for catch blocks (`catch (e) { emit(TransportError.from(e, 'ENCODE')) }`).
   * The message defaults to the cause's own.
   */
  static from(
    cause: unknown,
    code: TransportErrorCode,
    options: { message?: string; details?: Record<string, unknown> } = {},
  ): TransportError {
    if (cause instanceof TransportError) return cause;
    const message = options.message ?? (cause instanceof Error ? cause.message : String(cause));
    return new TransportError(code, message, {
      cause,
      ...(options.details === undefined ? {} : { details: options.details }),
    });
  }
}

export function isTransportError(value: unknown, code?: TransportErrorCode): value is TransportError {
  return value instanceof TransportError && (code === undefined || value.code === code);
}

// One connection per seat for an authority (dedicated server or player host): checks the join
// token a connection presents with the application's `verify` (for a tickwire lobby, its
// verifyJoinToken: the seat is the player id the token names) and keeps at most one live
// connection per seat, so a token copied or replayed does not put a second copy of a player in the
// game. A second connection for an occupied seat either replaces the first (default: a player who
// reconnects before its old connection timed out gets back in; the old one is closed) or is
// refused. Pure: no sockets of its own; it closes only the connection it replaces.
import type { Connection } from '../connection/types.js';
import { TransportError } from '../errors.js';
import { Emitter } from '../events/emitter.js';

export interface SeatGuardOptions<K> {
  /**
   * Checks a join token presented on `connection` and resolves with the seat it grants; rejects
   * (any error) to refuse it.
   */
  verify(token: string, connection: Connection): Promise<K>;
  /**
   * A connection for a seat that already has a live one: 'replace' (default) admits it and closes
   * the old one; 'refuse' refuses it until the old one has closed.
   */
  duplicate?: 'replace' | 'refuse';
}

export interface SeatGuardEvents<K> {
  /** `previous` was closed because `next` presented a token for the same seat. */
  replaced: (seat: K, previous: Connection, next: Connection) => void;
  /** A connection was refused (code SEAT_REFUSED, `details.reason`). */
  refused: (connection: Connection, error: TransportError) => void;
}

export interface SeatGuardStats {
  admitted: number;
  replaced: number;
  /** Refused: the token did not verify. */
  invalid: number;
  /** Refused: the seat was taken ('refuse' policy). */
  taken: number;
}

/** Why admission was refused, in the error's `details.reason`. */
export type SeatRefusal = 'invalid-token' | 'seat-taken' | 'closed';

export class SeatGuard<K> {
  private readonly bySeat = new Map<K, Connection>();
  private readonly byConnection = new Map<Connection, { seat: K; off: () => void }>();
  private readonly emitter = new Emitter<SeatGuardEvents<K>>();
  private readonly counters: SeatGuardStats = { admitted: 0, replaced: 0, invalid: 0, taken: 0 };

  constructor(private readonly options: SeatGuardOptions<K>) {}

  /**
   * Verifies `token` for `connection` and gives it the seat. Rejects with a TransportError
   * 'SEAT_REFUSED' (`details.reason`: SeatRefusal) when the token does not verify, the seat is
   * taken under the 'refuse' policy, or the connection closed while the token was checked.
   */
  async admit(connection: Connection, token: string): Promise<K> {
    let seat: K;
    try {
      seat = await this.options.verify(token, connection);
    } catch (cause) {
      this.counters.invalid++;
      throw this.refuse(connection, 'invalid-token', 'join token refused', cause);
    }
    if (connection.state === 'closed' || connection.state === 'failed')
      throw this.refuse(connection, 'closed', 'connection closed during admission');
    const held = this.byConnection.get(connection);
    if (held !== undefined && held.seat === seat) return seat;
    const previous = this.bySeat.get(seat);
    if (previous !== undefined && previous !== connection) {
      if ((this.options.duplicate ?? 'replace') === 'refuse') {
        this.counters.taken++;
        throw this.refuse(connection, 'seat-taken', 'this seat already has a live connection');
      }
      this.release(previous);
      this.counters.replaced++;
      this.emitter.emit('replaced', seat, previous, connection);
      previous.close();
    }
    if (held !== undefined) this.release(connection);
    const off = connection.on('close', () => this.release(connection));
    this.bySeat.set(seat, connection);
    this.byConnection.set(connection, { seat, off });
    this.counters.admitted++;
    return seat;
  }

  /** The seat `connection` holds, if it was admitted and has not closed or been replaced. */
  seatOf(connection: Connection): K | undefined {
    return this.byConnection.get(connection)?.seat;
  }

  /** The live connection of `seat`. */
  connectionOf(seat: K): Connection | undefined {
    return this.bySeat.get(seat);
  }

  /** Frees the seat `connection` holds (without closing it). */
  release(connection: Connection): void {
    const held = this.byConnection.get(connection);
    if (held === undefined) return;
    held.off();
    this.byConnection.delete(connection);
    if (this.bySeat.get(held.seat) === connection) this.bySeat.delete(held.seat);
  }

  get size(): number {
    return this.bySeat.size;
  }

  stats(): SeatGuardStats {
    return { ...this.counters };
  }

  on<E extends keyof SeatGuardEvents<K>>(event: E, handler: SeatGuardEvents<K>[E]): () => void {
    return this.emitter.on(event, handler);
  }

  private refuse(
    connection: Connection,
    reason: SeatRefusal,
    message: string,
    cause?: unknown,
  ): TransportError {
    const error = new TransportError('SEAT_REFUSED', message, { details: { reason }, cause });
    this.emitter.emit('refused', connection, error);
    return error;
  }
}

// What a LobbyClient tells game code, as typed events (every `on` returns an unsubscribe).
import type { LobbyError } from '../errors.js';
import type { SignalData } from '../protocol/schemas.js';
import type { ServerMessageOf, WelcomeMessage } from '../protocol/server-messages.js';
import type { RoomView, TurnCredentials } from '../protocol/views.js';

export interface LobbyClientEvents {
  /** Every accepted hello, including after a reconnect. */
  welcome: (welcome: WelcomeMessage) => void;
  /** The room this client sits in changed (or is now null). */
  room: (room: RoomView | null) => void;
  roomUpdate: (update: ServerMessageOf<'room.update'>) => void;
  roomLeft: (left: ServerMessageOf<'room.left'>) => void;
  signal: (from: string, data: SignalData) => void;
  queueStatus: (status: ServerMessageOf<'queue.status'>) => void;
  queueLeft: (left: ServerMessageOf<'queue.left'>) => void;
  matchFound: (found: ServerMessageOf<'match.found'>) => void;
  matchCancelled: (cancelled: ServerMessageOf<'match.cancelled'>) => void;
  matchReady: (ready: ServerMessageOf<'match.ready'>) => void;
  /** Dedicated servers: a match was assigned to this server. */
  serverAssign: (assign: ServerMessageOf<'server.assign'>) => void;
  /** The TURN credentials were refreshed from the lobby (`client.turn` returns them now). */
  turn: (turn: TurnCredentials) => void;
  /** An error reply that belongs to no request (e.g. a refused fire-and-forget signal). */
  error: (error: LobbyError) => void;
  /** The socket closed; `willReconnect` says whether the client tries again. */
  disconnected: (info: { code: number; reason: string; willReconnect: boolean }) => void;
  /** A reconnect succeeded; `resumed` false means the old session had expired (seat lost). */
  reconnected: (info: { resumed: boolean }) => void;
  /** The client gave up for good (closed by the app, or a close code that forbids retrying). */
  closed: (info: { code: number; reason: string }) => void;
}

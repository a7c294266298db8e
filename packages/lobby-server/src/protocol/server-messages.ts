// Every message the server sends, and what each request's `ok` reply carries. The client's typed
// API is derived from `RequestResults`, so a new request type cannot forget its reply shape.
import type { LobbyErrorCode } from '../errors.js';
import type { MatchCancelReason, QueueWaitReason, RoomLeftReason, RoomUpdateReason } from './codes.js';
import type { SignalData } from './schemas.js';
import type { Authority, RegionLatency, RoomPage, RoomView, TurnCredentials } from './views.js';

/** Public key that verifies join tokens (Ed25519 JWK). */
export interface JoinKeyJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly kid?: string;
  readonly alg?: string;
}

export interface WelcomeMessage {
  readonly t: 'welcome';
  readonly v: number;
  readonly sessionId: string;
  /** Resume token: send it as `hello.resume` to get this session (and its seat) back. */
  readonly token: string;
  readonly resumed: boolean;
  readonly name: string;
  readonly role: 'player' | 'server';
  readonly room: RoomView | null;
  /** Fresh join token for `room` (null when not in a room). */
  readonly joinToken: string | null;
  readonly turn: TurnCredentials | null;
  readonly joinKey: JoinKeyJwk;
  readonly region: string;
  readonly heartbeatMs: number;
  readonly idleTimeoutMs: number;
  readonly graceMs: number;
  /**
   * The last-resort game-traffic relay's budget towards each peer (a frame costs its payload + 64
   * bytes) and largest frame; null when the relay is off. Clients pace themselves to it.
   */
  readonly relay: RelayTerms | null;
  readonly serverTime: number;
}

export interface RelayTerms {
  readonly peerBytesPerSecond: number;
  readonly burstBytes: number;
  readonly maxFrameBytes: number;
}

export interface RequestResults {
  ping: { serverTime: number };
  'room.create': { room: RoomView; joinToken: string };
  'room.join': { room: RoomView; joinToken: string };
  'room.leave': Record<string, never>;
  'room.list': RoomPage;
  'room.kick': Record<string, never>;
  signal: Record<string, never>;
  'turn.refresh': { turn: TurnCredentials };
  'queue.join': { ticketId: string; players: number };
  'queue.leave': Record<string, never>;
  'match.accept': Record<string, never>;
  'match.decline': Record<string, never>;
  'server.register': { serverId: string };
  'server.heartbeat': Record<string, never>;
}
export type RequestType = keyof RequestResults;

export type ServerMessage =
  | WelcomeMessage
  | { readonly t: 'ok'; readonly re: number; readonly data: unknown }
  | {
      readonly t: 'error';
      readonly re?: number;
      readonly code: LobbyErrorCode;
      readonly message: string;
      readonly details?: Record<string, unknown>;
    }
  | {
      readonly t: 'room.update';
      readonly room: RoomView;
      readonly reason: RoomUpdateReason;
      /** The member the update is about (joined, left, kicked, ...). */
      readonly playerId?: string;
      /** A fresh join token, sent when the room's authority changed. */
      readonly joinToken?: string;
    }
  | { readonly t: 'room.left'; readonly roomId: string; readonly reason: RoomLeftReason }
  | { readonly t: 'signal'; readonly from: string; readonly data: SignalData }
  | {
      readonly t: 'queue.status';
      readonly ticketId: string;
      readonly mode: string;
      readonly waitedMs: number;
      readonly ratingWindow: number;
      readonly regions: readonly string[];
      readonly reason: QueueWaitReason;
    }
  | {
      readonly t: 'queue.left';
      readonly ticketId: string;
      /** `left`: a party member left the queue; `expired`: a member's session ended. */
      readonly reason: 'left' | 'expired';
    }
  | {
      readonly t: 'match.found';
      readonly matchId: string;
      readonly mode: string;
      readonly region: string;
      readonly players: number;
      readonly deadline: number;
    }
  | {
      readonly t: 'match.cancelled';
      readonly matchId: string;
      readonly reason: MatchCancelReason;
      /** True when this player's ticket went back into the queue (it did not decline). */
      readonly requeued: boolean;
    }
  | {
      readonly t: 'match.ready';
      readonly matchId: string;
      readonly room: RoomView;
      readonly authority: Authority;
      readonly joinToken: string;
      readonly waitedMs: number;
      /** The last reason this player had to wait, when the wait was not instant. */
      readonly waitReason?: QueueWaitReason;
    }
  | {
      readonly t: 'server.assign';
      readonly matchId: string;
      readonly room: RoomView;
      readonly players: readonly string[];
    };

export type ServerMessageOf<K extends ServerMessage['t']> = Extract<ServerMessage, { t: K }>;
export type { RegionLatency };

// The shapes the server shows to clients: rooms, members, authorities, TURN credentials.
// Plain JSON-safe data shared by server and client; never internal records with secrets.

export type PropValue = string | number | boolean;
export type RoomProps = Readonly<Record<string, PropValue>>;

export interface MemberView {
  readonly id: string;
  readonly name: string;
  /** False while the member is inside its reconnection grace period. */
  readonly connected: boolean;
}

/** Who runs the game for a room: a player (its host) or a registered dedicated server. */
export type Authority =
  | { readonly kind: 'player'; readonly playerId: string }
  | {
      readonly kind: 'server';
      readonly serverId: string;
      readonly address: string;
      readonly region: string;
    };

/**
 * Whether a room's authority can be reached right now: `online`; `reconnecting` (the host player's
 * lobby connection dropped and its grace period runs, or a dedicated server missed heartbeats
 * briefly); `gone` (the host left with nobody connected to take over, or the server is dead).
 * Joining a room that is not `online` fails at once with `authority_unavailable`.
 */
export type AuthorityStatus = 'online' | 'reconnecting' | 'gone';

export interface RoomView {
  readonly id: string;
  /** Short code to share with friends (join by code). */
  readonly code: string;
  readonly mode: string;
  readonly maxPlayers: number;
  readonly public: boolean;
  readonly props: RoomProps;
  readonly hostId: string;
  readonly members: readonly MemberView[];
  readonly authority: Authority;
  readonly authorityStatus: AuthorityStatus;
  /** Set for matchmade rooms. */
  readonly matchId?: string;
  readonly region?: string;
}

/** What `room.list` shows about a public room. */
export interface RoomSummary {
  readonly id: string;
  readonly code: string;
  readonly mode: string;
  readonly players: number;
  readonly maxPlayers: number;
  /** The room's props, cut to a bounded size in listings (`propsTruncated` says so). */
  readonly props: RoomProps;
  readonly propsTruncated?: true;
  readonly authorityStatus: AuthorityStatus;
}

/** One page of `room.list` / `GET /rooms`; pass `next` back as `cursor` for the following page. */
export interface RoomPage {
  readonly rooms: RoomSummary[];
  readonly next?: string;
}

export interface IceServer {
  readonly urls: string | string[];
  readonly username?: string;
  readonly credential?: string;
}

/** coturn REST-API credentials (`use-auth-secret`), valid until `expiresAt` (ms since epoch). */
export interface TurnCredentials {
  readonly username: string;
  readonly credential: string;
  readonly ttlSeconds: number;
  readonly expiresAt: number;
  /** Ready to pass as `iceServers` to the transport or RTCPeerConnection. */
  readonly iceServers: readonly IceServer[];
}

/** A region the client measured, with its round-trip time to that region's ping endpoint. */
export interface RegionLatency {
  readonly region: string;
  readonly rttMs: number;
}

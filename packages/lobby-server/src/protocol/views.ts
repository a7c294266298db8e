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
  readonly props: RoomProps;
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

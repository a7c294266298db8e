// The documents the lobby keeps in its Store, and the keys they live under. Records are internal:
// what clients see is built from them by the view functions in rooms/room-view.ts.
import type { Authority, RoomProps } from '../protocol/views.js';

export interface SessionRecord {
  readonly id: string;
  readonly name: string;
  readonly role: 'player' | 'server';
  readonly userId?: string;
  readonly rating?: number;
  readonly roomId?: string;
  /** The queue ticket this session is part of (its own, or its party leader's). */
  readonly ticketId?: string;
  readonly matchId?: string;
  /** Id of the live connection holding the session; absent while disconnected. */
  readonly conn?: string;
  readonly nodeId?: string;
  readonly disconnectedAt?: number;
  readonly createdAt: number;
  /** When this session created its recent rooms (the per-minute limit survives a resume). */
  readonly roomsCreatedAt?: readonly number[];
}

/** A kicked player kept out of a room until `until`. */
export interface RoomBan {
  readonly sessionId: string;
  readonly userId?: string;
  readonly until: number;
}

export interface MemberRecord {
  readonly id: string;
  readonly name: string;
  readonly connected: boolean;
  readonly rating?: number;
}

export interface RoomRecord {
  readonly id: string;
  readonly code: string;
  readonly mode: string;
  readonly maxPlayers: number;
  readonly public: boolean;
  readonly props: RoomProps;
  readonly hostId: string;
  /** In join order: the host migrates to the first connected member. */
  readonly members: readonly MemberRecord[];
  /** Fixed for dedicated-server rooms; follows the host for player-hosted rooms. */
  readonly authority: Authority;
  readonly matchId?: string;
  readonly region?: string;
  readonly createdAt: number;
  /** Kicked players kept out for a while (see rooms/bans.ts). */
  readonly bans?: readonly RoomBan[];
}

export const keys = {
  session: (id: string) => `session:${id}`,
  room: (id: string) => `room:${id}`,
  code: (code: string) => `code:${code}`,
  ticket: (id: string) => `ticket:${id}`,
  match: (id: string) => `match:${id}`,
  gameServer: (id: string) => `gs:${id}`,
  node: (id: string) => `node:${id}`,
  nodeSessions: (id: string) => `node-sessions:${id}`,
  leader: 'leader',
  /** Ordered index of public rooms (see rooms/listing.ts); `{rooms}` keeps the indexes on one slot. */
  publicRooms: '{rooms}:public',
  publicRoomsByMode: (mode: string) => `{rooms}:public:mode:${mode}`,
  allRooms: 'rooms:all',
  tickets: 'tickets',
  matches: 'matches',
  gameServers: 'gameservers',
  grace: 'grace',
  nodes: 'nodes',
  sessionChannel: (id: string) => `s:${id}`,
} as const;

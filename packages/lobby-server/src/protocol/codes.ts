// Message type codes for both directions. `as const` objects plus derived unions, never enums, so
// the client bundle stays small and `switch` exhaustiveness checks work on the string values.

export const ClientMessageType = {
  Hello: 'hello',
  Ping: 'ping',
  RoomCreate: 'room.create',
  RoomJoin: 'room.join',
  RoomLeave: 'room.leave',
  RoomList: 'room.list',
  RoomKick: 'room.kick',
  Signal: 'signal',
  TurnRefresh: 'turn.refresh',
  QueueJoin: 'queue.join',
  QueueLeave: 'queue.leave',
  MatchAccept: 'match.accept',
  MatchDecline: 'match.decline',
  ServerRegister: 'server.register',
  ServerHeartbeat: 'server.heartbeat',
} as const;
export type ClientMessageType = (typeof ClientMessageType)[keyof typeof ClientMessageType];

export const ServerMessageType = {
  Welcome: 'welcome',
  Ok: 'ok',
  Error: 'error',
  RoomUpdate: 'room.update',
  RoomLeft: 'room.left',
  Signal: 'signal',
  QueueStatus: 'queue.status',
  QueueLeft: 'queue.left',
  MatchFound: 'match.found',
  MatchCancelled: 'match.cancelled',
  MatchReady: 'match.ready',
  ServerAssign: 'server.assign',
} as const;
export type ServerMessageType = (typeof ServerMessageType)[keyof typeof ServerMessageType];

/** Why a `room.update` was sent. */
export const RoomUpdateReason = {
  Created: 'created',
  Joined: 'joined',
  Left: 'left',
  Kicked: 'kicked',
  Disconnected: 'disconnected',
  Reconnected: 'reconnected',
  /** A disconnected member's grace period ran out; its seat is free again. */
  SeatFreed: 'seat_freed',
  HostChanged: 'host_changed',
} as const;
export type RoomUpdateReason = (typeof RoomUpdateReason)[keyof typeof RoomUpdateReason];

/** Why a session is no longer in a room (`room.left`). */
export const RoomLeftReason = {
  Left: 'left',
  Kicked: 'kicked',
  /** The session moved into a matchmade room. */
  Matched: 'matched',
  SeatFreed: 'seat_freed',
} as const;
export type RoomLeftReason = (typeof RoomLeftReason)[keyof typeof RoomLeftReason];

/** Why a ticket is still waiting (`queue.status`), so a client can tell its player. */
export const QueueWaitReason = {
  /** Not enough tickets in this game mode at all. */
  NotEnoughPlayers: 'not_enough_players',
  /** Enough players, but none within the rating window yet (it widens over time). */
  SkillWindow: 'skill_window',
  /** Players exist but not in a region within the latency bound for this ticket. */
  RegionLatency: 'region_latency',
  /** Party sizes do not add up to a full match yet. */
  PartySize: 'party_size',
} as const;
export type QueueWaitReason = (typeof QueueWaitReason)[keyof typeof QueueWaitReason];

export const MatchCancelReason = {
  Declined: 'declined',
  Timeout: 'timeout',
} as const;
export type MatchCancelReason = (typeof MatchCancelReason)[keyof typeof MatchCancelReason];

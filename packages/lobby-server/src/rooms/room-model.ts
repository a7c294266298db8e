// Pure functions over RoomRecord: membership changes, host migration and the views clients see.
// No I/O here, so the rules (who becomes host, when a room is full) are easy to read and test.
import type { AuthorityStatus, RoomProps, RoomView } from '../protocol/views.js';
import type { MemberRecord, RoomRecord } from '../state/records.js';

/**
 * What the room document alone says about its authority. A host player is `online` while its
 * lobby connection is, `reconnecting` during its grace period, and `gone` once its seat is freed
 * with nobody connected to take over. A dedicated server's liveness lives in the game-server
 * registry: the caller passes it (`serverAlive`), and without it the room says `online`.
 */
export function authorityStatus(room: RoomRecord, serverAlive = true): AuthorityStatus {
  if (room.authority.kind === 'server') return serverAlive ? 'online' : 'gone';
  const hostId = room.authority.playerId;
  const host = room.members.find((member) => member.id === hostId);
  if (!host) return 'gone';
  return host.connected ? 'online' : 'reconnecting';
}

export function toRoomView(room: RoomRecord, status: AuthorityStatus = authorityStatus(room)): RoomView {
  return {
    id: room.id,
    code: room.code,
    mode: room.mode,
    maxPlayers: room.maxPlayers,
    public: room.public,
    props: room.props,
    hostId: room.hostId,
    members: room.members.map(({ id, name, connected }) => ({ id, name, connected })),
    authority: room.authority,
    authorityStatus: status,
    ...(room.matchId ? { matchId: room.matchId } : {}),
    ...(room.region ? { region: room.region } : {}),
  };
}

export function isMember(room: RoomRecord, sessionId: string): boolean {
  return room.members.some((member) => member.id === sessionId);
}

export function withMember(room: RoomRecord, member: MemberRecord): RoomRecord {
  return { ...room, members: [...room.members, member] };
}

/**
 * The member who should host next: the earliest connected one. Never one who is only reconnecting:
 * nobody could reach its authority. With nobody connected the host seat stays vacant (`hostId`
 * names no member, the authority is `gone`) until a member is back (see `withConnected`).
 */
function nextHost(members: readonly MemberRecord[]): string | undefined {
  return members.find((member) => member.connected)?.id;
}

function withHost(room: RoomRecord, hostId: string): RoomRecord {
  const authority =
    room.authority.kind === 'player' ? { kind: 'player' as const, playerId: hostId } : room.authority;
  return { ...room, hostId, authority };
}

/** True when the host left and nobody connected could take over yet. */
export function hostVacant(room: RoomRecord): boolean {
  return !isMember(room, room.hostId);
}

/**
 * Removes a member. Returns the room (undefined when it is now empty and must close) and whether
 * the host changed; a player-hosted room's authority follows its host.
 */
export function withoutMember(
  room: RoomRecord,
  sessionId: string,
): { room: RoomRecord | undefined; hostChanged: boolean } {
  const members = room.members.filter((member) => member.id !== sessionId);
  if (members.length === 0) return { room: undefined, hostChanged: false };
  if (room.hostId !== sessionId) return { room: { ...room, members }, hostChanged: false };
  const hostId = nextHost(members);
  // Vacant: the departed host stays named (so the room says `gone`) until somebody is back.
  if (hostId === undefined) return { room: { ...room, members }, hostChanged: false };
  return { room: withHost({ ...room, members }, hostId), hostChanged: true };
}

/**
 * Marks a member (dis)connected. A member who is back in a room whose host seat is vacant takes
 * it: it is connected now, so its authority can be reached.
 */
export function withConnected(
  room: RoomRecord,
  sessionId: string,
  connected: boolean,
): { room: RoomRecord; hostChanged: boolean } {
  const next = {
    ...room,
    members: room.members.map((member) => (member.id === sessionId ? { ...member, connected } : member)),
  };
  if (connected && hostVacant(next)) return { room: withHost(next, sessionId), hostChanged: true };
  return { room: next, hostChanged: false };
}

export interface RoomFilter {
  readonly mode?: string;
  readonly props?: RoomProps;
  readonly notFull?: boolean;
  /** Also list rooms whose authority is reconnecting or gone (flagged by `authorityStatus`). */
  readonly includeUnavailable?: boolean;
}

export function matchesFilter(room: RoomRecord, filter: RoomFilter): boolean {
  if (filter.mode !== undefined && room.mode !== filter.mode) return false;
  if (filter.notFull && room.members.length >= room.maxPlayers) return false;
  for (const [key, value] of Object.entries(filter.props ?? {})) {
    if (!Object.hasOwn(room.props, key) || room.props[key] !== value) return false;
  }
  return true;
}

/** The id the join tokens of this room are minted for. */
export function authorityId(room: RoomRecord | RoomView): string {
  return room.authority.kind === 'player' ? room.authority.playerId : room.authority.serverId;
}

// Pure functions over RoomRecord: membership changes, host migration and the views clients see.
// No I/O here, so the rules (who becomes host, when a room is full) are easy to read and test.
import type { RoomProps, RoomSummary, RoomView } from '../protocol/views.js';
import type { MemberRecord, RoomRecord } from '../state/records.js';

export function toRoomView(room: RoomRecord): RoomView {
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
    ...(room.matchId ? { matchId: room.matchId } : {}),
    ...(room.region ? { region: room.region } : {}),
  };
}

export function toRoomSummary(room: RoomRecord): RoomSummary {
  return {
    id: room.id,
    code: room.code,
    mode: room.mode,
    players: room.members.length,
    maxPlayers: room.maxPlayers,
    props: room.props,
  };
}

export function isMember(room: RoomRecord, sessionId: string): boolean {
  return room.members.some((member) => member.id === sessionId);
}

export function withMember(room: RoomRecord, member: MemberRecord): RoomRecord {
  return { ...room, members: [...room.members, member] };
}

/** The member who should host next: the earliest connected one, else the earliest at all. */
function nextHost(members: readonly MemberRecord[]): string | undefined {
  return (members.find((member) => member.connected) ?? members[0])?.id;
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
  const hostId = nextHost(members) ?? room.hostId;
  const authority =
    room.authority.kind === 'player' ? { kind: 'player' as const, playerId: hostId } : room.authority;
  return { room: { ...room, members, hostId, authority }, hostChanged: true };
}

export function withConnected(room: RoomRecord, sessionId: string, connected: boolean): RoomRecord {
  return {
    ...room,
    members: room.members.map((member) => (member.id === sessionId ? { ...member, connected } : member)),
  };
}

export interface RoomFilter {
  readonly mode?: string;
  readonly props?: RoomProps;
  readonly notFull?: boolean;
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

// Room lifecycle over the Store: create, join (by id or code), leave, kick, list, and presence
// (connected/disconnected). Every change is an atomic update of the room document, then the
// members are told through the hub. A session claims its seat in its own record first, so two
// concurrent joins can never put one session into two rooms.
import { LobbyError } from '../errors.js';
import { newId } from '../auth/session-token.js';
import type { RoomLeftReason, RoomUpdateReason } from '../protocol/codes.js';
import type { ServerMessage } from '../protocol/server-messages.js';
import type { Authority, AuthorityStatus, RoomPage, RoomProps, RoomSummary } from '../protocol/views.js';
import type { GameServerRecord } from '../matchmaking/records.js';
import type { LobbyContext } from '../server/context.js';
import { keys } from '../state/records.js';
import type { MemberRecord, RoomRecord, SessionRecord } from '../state/records.js';
import type { RoomFilter } from './room-model.js';
import {
  authorityId,
  authorityStatus,
  isMember,
  matchesFilter,
  toRoomView,
  withConnected,
  withMember,
  withoutMember,
} from './room-model.js';
import { LISTING_SCAN_SLACK, listingEntry, roomIdOfEntry, toListedRoom } from './listing.js';
import { banOf, withBan } from './bans.js';
import { newShortCode, normalizeCode } from './short-code.js';

export interface CreateRoomInput {
  readonly mode: string;
  readonly maxPlayers: number;
  readonly public: boolean;
  readonly props?: RoomProps;
}

export interface MatchRoomInput {
  readonly members: readonly MemberRecord[];
  readonly mode: string;
  readonly authority: Authority;
  readonly matchId: string;
  readonly region: string;
}

export class RoomService {
  constructor(private readonly ctx: LobbyContext) {}

  get(roomId: string): Promise<RoomRecord | undefined> {
    return this.ctx.store.get<RoomRecord>(keys.room(roomId));
  }

  joinToken(room: RoomRecord, playerId: string): Promise<string> {
    return this.ctx.joinSigner.sign({ playerId, roomId: room.id, authorityId: authorityId(room) });
  }

  private async session(sessionId: string): Promise<SessionRecord> {
    const session = await this.ctx.store.get<SessionRecord>(keys.session(sessionId));
    if (!session) throw new LobbyError('invalid_token', 'session no longer exists');
    return session;
  }

  /** Claims the seat in the session record; throws when the session already sits somewhere. */
  private claimSeat(sessionId: string, roomId: string): Promise<SessionRecord> {
    return this.ctx.store.update<SessionRecord, SessionRecord>(keys.session(sessionId), (session) => {
      if (!session) throw new LobbyError('invalid_token', 'session no longer exists');
      if (session.roomId !== undefined && session.roomId !== roomId) {
        throw new LobbyError('already_in_room', 'leave your room first', {
          details: { roomId: session.roomId },
        });
      }
      if (session.ticketId !== undefined) throw new LobbyError('already_queued', 'leave the queue first');
      return { next: { ...session, roomId }, result: session };
    });
  }

  private releaseSeat(sessionId: string, roomId: string): Promise<void> {
    return this.ctx.store.update<SessionRecord, void>(keys.session(sessionId), (session) => ({
      next: session && session.roomId === roomId ? { ...session, roomId: undefined } : undefined,
      result: undefined,
    }));
  }

  private async claimCode(roomId: string): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const code = newShortCode();
      if (await this.ctx.store.putIfAbsent(keys.code(code), roomId)) return code;
    }
    throw new LobbyError('internal', 'could not allocate a room code');
  }

  private async insert(room: RoomRecord): Promise<void> {
    await this.ctx.store.put(keys.room(room.id), room);
    await this.ctx.store.setAdd(keys.allRooms, room.id);
    if (room.public) {
      await this.ctx.store.indexAdd(
        [keys.publicRooms, keys.publicRoomsByMode(room.mode)],
        listingEntry(room),
      );
    }
  }

  /**
   * The player's game in this room is over: its relayed TURN allocations end now, not when their
   * lifetime runs out (coturn-admin.ts). Not awaited: the room change never waits on coturn.
   */
  private endTurnAllocations(sessionId: string): void {
    const admin = this.ctx.turnAdmin;
    if (admin === undefined) return;
    admin.endSessionsOf([sessionId]).then(
      (ended) => {
        if (ended > 0) this.ctx.log.debug({ sessionId, ended }, 'TURN allocations ended');
      },
      (error: unknown) => this.ctx.log.warn({ err: error, sessionId }, 'could not end TURN allocations'),
    );
  }

  private async remove(room: RoomRecord): Promise<void> {
    await this.ctx.store.delete(keys.code(room.code));
    if (room.public) {
      await this.ctx.store.indexRemove(
        [keys.publicRooms, keys.publicRoomsByMode(room.mode)],
        listingEntry(room),
      );
    }
    await this.ctx.store.setRemove(keys.allRooms, room.id);
  }

  /** Dedicated servers that sent a heartbeat within `serverTtlMs`, among `serverIds`. */
  private async liveServers(serverIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(serverIds)];
    if (unique.length === 0) return new Set();
    const records = await this.ctx.store.getMany<GameServerRecord>(unique.map((id) => keys.gameServer(id)));
    const now = this.ctx.now();
    return new Set(
      unique.filter((_, i) => {
        const record = records[i];
        return record !== undefined && now - record.lastHeartbeat <= this.ctx.config.serverTtlMs;
      }),
    );
  }

  /** The room's authority status, asking the game-server registry for a dedicated server's. */
  async statusOf(room: RoomRecord): Promise<AuthorityStatus> {
    if (room.authority.kind !== 'server') return authorityStatus(room);
    const live = await this.liveServers([room.authority.serverId]);
    return authorityStatus(room, live.has(room.authority.serverId));
  }

  async create(sessionId: string, input: CreateRoomInput): Promise<RoomRecord> {
    const roomId = newId(12);
    const session = await this.claimSeat(sessionId, roomId);
    try {
      const code = await this.claimCode(roomId);
      const room: RoomRecord = {
        id: roomId,
        code,
        mode: input.mode,
        maxPlayers: input.maxPlayers,
        public: input.public,
        props: input.props ?? {},
        hostId: sessionId,
        members: [
          {
            id: sessionId,
            name: session.name,
            connected: true,
            ...(session.rating === undefined ? {} : { rating: session.rating }),
          },
        ],
        authority: { kind: 'player', playerId: sessionId },
        createdAt: this.ctx.now(),
      };
      await this.insert(room);
      return room;
    } catch (error) {
      await this.releaseSeat(sessionId, roomId);
      throw error;
    }
  }

  /** A matchmade room; members must have been taken out of any room and queue beforehand. */
  async createForMatch(input: MatchRoomInput): Promise<RoomRecord> {
    const roomId = newId(12);
    const code = await this.claimCode(roomId);
    const hostId =
      input.authority.kind === 'player' ? input.authority.playerId : (input.members[0]?.id ?? '');
    const room: RoomRecord = {
      id: roomId,
      code,
      mode: input.mode,
      maxPlayers: input.members.length,
      public: false,
      props: {},
      hostId,
      members: input.members,
      authority: input.authority,
      matchId: input.matchId,
      region: input.region,
      createdAt: this.ctx.now(),
    };
    await this.insert(room);
    for (const member of input.members) {
      await this.ctx.store.update<SessionRecord, void>(keys.session(member.id), (session) => ({
        next: session ? { ...session, roomId, ticketId: undefined, matchId: undefined } : undefined,
        result: undefined,
      }));
    }
    return room;
  }

  async resolve(target: { roomId?: string; code?: string }): Promise<string> {
    if (target.roomId !== undefined) return target.roomId;
    if (target.code !== undefined) {
      const roomId = await this.ctx.store.get<string>(keys.code(normalizeCode(target.code)));
      if (roomId !== undefined) return roomId;
    }
    throw new LobbyError('room_not_found', 'no room with that id or code');
  }

  async join(sessionId: string, target: { roomId?: string; code?: string }): Promise<RoomRecord> {
    if ((target.roomId === undefined) === (target.code === undefined)) {
      throw new LobbyError('bad_request', 'give exactly one of roomId and code');
    }
    const roomId = await this.resolve(target);
    // A dedicated server's liveness is read once up front; a host player's is in the document.
    const before = await this.get(roomId);
    if (!before) throw new LobbyError('room_not_found', 'no room with that id or code');
    const serverAlive =
      before.authority.kind !== 'server' ||
      (await this.liveServers([before.authority.serverId])).has(before.authority.serverId);
    const session = await this.claimSeat(sessionId, roomId);
    let room: RoomRecord;
    try {
      room = await this.ctx.store.update<RoomRecord, RoomRecord>(keys.room(roomId), (current) => {
        if (!current) throw new LobbyError('room_not_found', 'no room with that id or code');
        if (isMember(current, sessionId)) return { next: undefined, result: current };
        // Fail now, not after a joiner's WebRTC negotiation times out against nobody.
        const status = authorityStatus(current, serverAlive);
        if (status !== 'online') {
          throw new LobbyError('authority_unavailable', `the room's authority is ${status}`, {
            details: { status },
          });
        }
        const ban = banOf(current, session, this.ctx.now());
        if (ban) {
          throw new LobbyError('banned', 'you were kicked from this room', {
            details: { retryAfterMs: ban.until - this.ctx.now() },
          });
        }
        if (current.members.length >= current.maxPlayers) {
          throw new LobbyError('room_full', 'the room is full', {
            details: { maxPlayers: current.maxPlayers },
          });
        }
        const member: MemberRecord = {
          id: sessionId,
          name: session.name,
          connected: true,
          ...(session.rating === undefined ? {} : { rating: session.rating }),
        };
        const next = withMember(current, member);
        return { next, result: next };
      });
    } catch (error) {
      await this.releaseSeat(sessionId, roomId);
      throw error;
    }
    await this.notify(room, 'joined', sessionId, [sessionId]);
    return room;
  }

  /** Takes a session out of its room (if any): leave, kick, seat freed, or moving into a match. */
  async leave(sessionId: string, reason: RoomLeftReason, knownRoomId?: string): Promise<boolean> {
    const session = await this.ctx.store.get<SessionRecord>(keys.session(sessionId));
    const roomId = session ? session.roomId : knownRoomId;
    if (roomId === undefined) return false;
    const outcome = await this.ctx.store.update<
      RoomRecord,
      { room: RoomRecord | undefined; before: RoomRecord | undefined; hostChanged: boolean }
    >(keys.room(roomId), (current) => {
      if (!current || !isMember(current, sessionId))
        return { next: undefined, result: { room: current, before: undefined, hostChanged: false } };
      const { room, hostChanged } = withoutMember(current, sessionId);
      return { next: room ?? null, result: { room, before: current, hostChanged } };
    });
    await this.releaseSeat(sessionId, roomId);
    if (!outcome.before) return false;
    this.endTurnAllocations(sessionId);
    if (!outcome.room) await this.remove(outcome.before);
    await this.ctx.hub.send(sessionId, { t: 'room.left', roomId, reason });
    if (outcome.room) {
      const updateReason: RoomUpdateReason =
        reason === 'kicked' ? 'kicked' : reason === 'seat_freed' ? 'seat_freed' : 'left';
      await this.notify(outcome.room, updateReason, sessionId, [], outcome.hostChanged);
      if (outcome.hostChanged)
        await this.notify(outcome.room, 'host_changed', outcome.room.hostId, [], false);
    }
    return true;
  }

  /** `beforeRemoval` runs once the kick is allowed (e.g. to take a party out of the queue). */
  async kick(
    hostId: string,
    playerId: string,
    beforeRemoval: () => Promise<void> = () => Promise.resolve(),
  ): Promise<void> {
    const session = await this.session(hostId);
    const room = session.roomId === undefined ? undefined : await this.get(session.roomId);
    if (!room) throw new LobbyError('not_in_room', 'you are not in a room');
    if (room.hostId !== hostId) throw new LobbyError('not_host', 'only the host can kick');
    if (playerId === hostId || !isMember(room, playerId)) {
      throw new LobbyError('peer_not_in_room', 'that player is not a guest in your room');
    }
    await beforeRemoval();
    const kicked = await this.ctx.store.get<SessionRecord>(keys.session(playerId));
    const now = this.ctx.now();
    await this.ctx.store.update<RoomRecord, void>(keys.room(room.id), (current) => ({
      next: current ? withBan(current, kicked, playerId, now + this.ctx.config.kickBanMs, now) : undefined,
      result: undefined,
    }));
    await this.leave(playerId, 'kicked');
  }

  /**
   * Marks a member (dis)connected and returns the room as it is now. A member back in a room whose
   * host seat was vacant becomes its host; the others get fresh join tokens. The member itself is
   * not told here: it learns the room from its `welcome`, which is sent after this.
   */
  async setConnected(sessionId: string, roomId: string, connected: boolean): Promise<RoomRecord | undefined> {
    const outcome = await this.ctx.store.update<
      RoomRecord,
      { room: RoomRecord; hostChanged: boolean } | undefined
    >(keys.room(roomId), (current) => {
      if (!current || !isMember(current, sessionId)) return { next: undefined, result: undefined };
      const next = withConnected(current, sessionId, connected);
      return { next: next.room, result: next };
    });
    if (!outcome) return undefined;
    const { room, hostChanged } = outcome;
    await this.notify(room, connected ? 'reconnected' : 'disconnected', sessionId, [sessionId], hostChanged);
    if (hostChanged) await this.notify(room, 'host_changed', sessionId, [sessionId], false);
    return room;
  }

  /**
   * One page of public rooms, oldest first. Reads one index page of at most `limit` +
   * LISTING_SCAN_SLACK entries and those rooms, whatever the number of rooms: a page may hold
   * fewer than `limit` rooms when entries did not match, and `next` continues after the last
   * entry read. Unless `includeUnavailable`, rooms whose authority is not online are left out.
   */
  async list(filter: RoomFilter, limit: number, cursor?: string): Promise<RoomPage> {
    const index = filter.mode === undefined ? keys.publicRooms : keys.publicRoomsByMode(filter.mode);
    const budget = limit + LISTING_SCAN_SLACK;
    const entries = await this.ctx.store.indexPage(index, cursor, budget);
    const rooms = await this.ctx.store.getMany<RoomRecord>(entries.map((e) => keys.room(roomIdOfEntry(e))));
    const live = await this.liveServers(
      rooms.flatMap((room) => (room?.authority.kind === 'server' ? [room.authority.serverId] : [])),
    );
    const result: RoomSummary[] = [];
    for (const [i, entry] of entries.entries()) {
      const room = rooms[i];
      if (!room) {
        // Left behind by a process that died between deleting a room and unlisting it.
        await this.ctx.store.indexRemove([index], entry);
        continue;
      }
      const status = authorityStatus(
        room,
        room.authority.kind !== 'server' || live.has(room.authority.serverId),
      );
      if (!matchesFilter(room, filter)) continue;
      if (status !== 'online' && !filter.includeUnavailable) continue;
      result.push(toListedRoom(room, status));
      if (result.length >= limit) {
        return i < entries.length - 1 || entries.length === budget
          ? { rooms: result, next: entry }
          : { rooms: result };
      }
    }
    const last = entries.at(-1);
    return entries.length === budget && last !== undefined
      ? { rooms: result, next: last }
      : { rooms: result };
  }

  count(): Promise<number> {
    return this.ctx.store.setSize(keys.allRooms);
  }

  /**
   * Tells every member (except `skip`) about a change. When the authority changed, each member
   * gets its own fresh join token, since tokens name the authority.
   */
  async notify(
    room: RoomRecord,
    reason: RoomUpdateReason,
    playerId: string,
    skip: readonly string[],
    withTokens = false,
  ): Promise<void> {
    const view = toRoomView(room);
    const targets = room.members.filter((member) => !skip.includes(member.id));
    // Tokens are signed before anybody is told, so all members learn of the change together.
    const messages = await Promise.all(
      targets.map(async (member): Promise<readonly [string, ServerMessage]> => [
        member.id,
        withTokens
          ? {
              t: 'room.update',
              room: view,
              reason,
              playerId,
              joinToken: await this.joinToken(room, member.id),
            }
          : { t: 'room.update', room: view, reason, playerId },
      ]),
    );
    await Promise.all(messages.map(([id, message]) => this.ctx.hub.send(id, message)));
  }
}

// Pending matches: every player gets `match.found` and must accept before the deadline. When the
// last one accepts, the match becomes a room with an authority (the least-loaded fitting dedicated
// server, else a player host). A decline or the deadline cancels it: tickets with a decliner (or
// a player who never answered) are dropped, the others go back into the queue at their old place.
import { LobbyError } from '../errors.js';
import { newId } from '../auth/session-token.js';
import type { MatchCancelReason } from '../protocol/codes.js';
import type { ServerMessage } from '../protocol/server-messages.js';
import type { Authority } from '../protocol/views.js';
import { toRoomView } from '../rooms/room-model.js';
import type { RoomService } from '../rooms/room-service.js';
import type { LobbyContext } from '../server/context.js';
import { keys } from '../state/records.js';
import type { MemberRecord, SessionRecord } from '../state/records.js';
import type { GameServerRegistry } from './game-servers.js';
import type { QueueService } from './queue-service.js';
import { playersOf } from './records.js';
import type { MatchRecord, TicketRecord } from './records.js';

export class MatchService {
  constructor(
    private readonly ctx: LobbyContext,
    private readonly queues: QueueService,
    private readonly rooms: RoomService,
    private readonly servers: GameServerRegistry,
  ) {}

  /** Turns claimed tickets into a pending match and asks everybody to accept. */
  async propose(tickets: readonly TicketRecord[], mode: string, region: string): Promise<MatchRecord> {
    const now = this.ctx.now();
    const match: MatchRecord = {
      id: newId(12),
      mode,
      region,
      tickets,
      accepted: [],
      status: 'pending',
      deadline: now + this.ctx.config.acceptTimeoutMs,
      createdAt: now,
    };
    await this.ctx.store.put(keys.match(match.id), match);
    await this.ctx.store.setAdd(keys.matches, match.id);
    const players = playersOf(match);
    for (const id of players) {
      await this.ctx.store.update<SessionRecord, void>(keys.session(id), (session) => ({
        next: session ? { ...session, matchId: match.id } : undefined,
        result: undefined,
      }));
    }
    await this.ctx.hub.sendMany(players, {
      t: 'match.found',
      matchId: match.id,
      mode,
      region,
      players: players.length,
      deadline: match.deadline,
    });
    return match;
  }

  private async pendingFor(sessionId: string, matchId: string): Promise<void> {
    const session = await this.ctx.store.get<SessionRecord>(keys.session(sessionId));
    if (session?.matchId !== matchId)
      throw new LobbyError('match_not_found', 'no pending match with that id for you');
  }

  async accept(sessionId: string, matchId: string): Promise<void> {
    await this.pendingFor(sessionId, matchId);
    const complete = await this.ctx.store.update<MatchRecord, MatchRecord | undefined>(
      keys.match(matchId),
      (match) => {
        if (match?.status !== 'pending')
          throw new LobbyError('match_not_found', 'the match is no longer pending');
        if (match.accepted.includes(sessionId)) return { next: undefined, result: undefined };
        const accepted = [...match.accepted, sessionId];
        const done = accepted.length === playersOf(match).length;
        const next: MatchRecord = { ...match, accepted, status: done ? 'done' : 'pending' };
        return { next, result: done ? next : undefined };
      },
    );
    if (complete) await this.finalize(complete);
  }

  async decline(sessionId: string, matchId: string): Promise<void> {
    await this.pendingFor(sessionId, matchId);
    const match = await this.close(matchId);
    if (match) await this.cancel(match, 'declined', [sessionId]);
  }

  /** A player's session ended while a match waited for it: counts as a decline. */
  async abandon(sessionId: string, matchId: string): Promise<void> {
    const match = await this.close(matchId);
    if (match) await this.cancel(match, 'declined', [sessionId]);
  }

  /** Marks a pending match done; returns it when this caller is the one that closed it. */
  private close(matchId: string): Promise<MatchRecord | undefined> {
    return this.ctx.store.update<MatchRecord, MatchRecord | undefined>(keys.match(matchId), (match) => {
      if (match?.status !== 'pending') return { next: undefined, result: undefined };
      const next: MatchRecord = { ...match, status: 'done' };
      return { next, result: next };
    });
  }

  /** Leader task: cancels matches whose deadline passed; non-responders count as decliners. */
  async sweep(): Promise<void> {
    const ids = await this.ctx.store.setMembers(keys.matches);
    const matches = await this.ctx.store.getMany<MatchRecord>(ids.map((id) => keys.match(id)));
    const now = this.ctx.now();
    for (const [i, match] of matches.entries()) {
      if (!match) {
        await this.ctx.store.setRemove(keys.matches, ids[i] ?? '');
        continue;
      }
      if (match.status !== 'pending' || now <= match.deadline) continue;
      const closed = await this.close(match.id);
      if (!closed) continue;
      const silent = playersOf(closed).filter((id) => !closed.accepted.includes(id));
      await this.cancel(closed, 'timeout', silent);
    }
  }

  private async forget(match: MatchRecord): Promise<void> {
    await this.ctx.store.delete(keys.match(match.id));
    await this.ctx.store.setRemove(keys.matches, match.id);
  }

  private async cancel(
    match: MatchRecord,
    reason: MatchCancelReason,
    dropped: readonly string[],
  ): Promise<void> {
    await this.forget(match);
    this.ctx.metrics.matches.inc({ outcome: reason });
    for (const ticket of match.tickets) {
      const ids = ticket.members.map((m) => m.id);
      const requeued = !ids.some((id) => dropped.includes(id));
      for (const id of ids) {
        await this.ctx.store.update<SessionRecord, void>(keys.session(id), (session) => ({
          next:
            session && session.matchId === match.id
              ? { ...session, matchId: undefined, ticketId: requeued ? session.ticketId : undefined }
              : undefined,
          result: undefined,
        }));
      }
      if (requeued) await this.queues.requeue(ticket);
      await this.ctx.hub.sendMany(ids, { t: 'match.cancelled', matchId: match.id, reason, requeued });
    }
  }

  private async authorityFor(match: MatchRecord, players: number): Promise<Authority> {
    const server = await this.servers.reserve(match.region, match.mode, players);
    if (server)
      return { kind: 'server', serverId: server.id, address: server.address, region: server.region };
    // No dedicated server fits: the leader of the longest-waiting ticket hosts.
    const oldest = [...match.tickets].sort((a, b) => a.enqueuedAt - b.enqueuedAt)[0];
    return { kind: 'player', playerId: oldest?.leaderId ?? playersOf(match)[0] ?? '' };
  }

  private async finalize(match: MatchRecord): Promise<void> {
    await this.forget(match);
    const players = playersOf(match);
    const authority = await this.authorityFor(match, players.length);
    // Party rooms are left behind: each player moves into the match room.
    for (const id of players) await this.rooms.leave(id, 'matched');
    const members: MemberRecord[] = match.tickets.flatMap((ticket) =>
      ticket.members.map((m) => ({ id: m.id, name: m.name, connected: true, rating: m.rating })),
    );
    const room = await this.rooms.createForMatch({
      members,
      mode: match.mode,
      authority,
      matchId: match.id,
      region: match.region,
    });
    const view = toRoomView(room);
    const now = this.ctx.now();
    this.ctx.metrics.matches.inc({ outcome: 'ready' });
    // The server hears first and every token is signed before anybody is told: a player who
    // starts signaling the instant it hears must find every peer already knowing the room.
    if (authority.kind === 'server') {
      await this.ctx.hub.send(authority.serverId, {
        t: 'server.assign',
        matchId: match.id,
        room: view,
        players,
      });
    }
    const messages = await Promise.all(
      match.tickets.flatMap((ticket) =>
        ticket.members.map(async (member) => {
          const waitedMs = now - ticket.enqueuedAt;
          this.ctx.metrics.waitSeconds.observe({ mode: match.mode }, waitedMs / 1000);
          const message: ServerMessage = {
            t: 'match.ready',
            matchId: match.id,
            room: view,
            authority,
            joinToken: await this.rooms.joinToken(room, member.id),
            waitedMs,
            ...(ticket.lastReason ? { waitReason: ticket.lastReason } : {}),
          };
          return [member.id, message] as const;
        }),
      ),
    );
    await Promise.all(messages.map(([id, message]) => this.ctx.hub.send(id, message)));
  }
}

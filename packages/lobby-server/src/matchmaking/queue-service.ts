// Joining and leaving matchmaking queues. A player queues alone; the host of a room queues the
// whole room as a party, which stays together in one ticket. Each member's session names the
// ticket, so nobody can be in two queues, or in a queue and a private room's lobby at once.
import { LobbyError } from '../errors.js';
import { newId } from '../auth/session-token.js';
import type { RegionLatency } from '../protocol/views.js';
import type { LobbyContext } from '../server/context.js';
import { keys } from '../state/records.js';
import type { RoomRecord, SessionRecord } from '../state/records.js';
import type { TicketMember, TicketRecord } from './records.js';

export interface QueueJoinInput {
  readonly mode: string;
  readonly regions?: readonly RegionLatency[];
  readonly rating?: number;
}

export class QueueService {
  constructor(private readonly ctx: LobbyContext) {}

  matchSizeOf(mode: string): number {
    const size = this.ctx.config.matchSizes.get(mode) ?? this.ctx.config.defaultMatchSize;
    if (size <= 0) throw new LobbyError('unknown_mode', `no matchmaking for mode "${mode}"`);
    return size;
  }

  private ratingOf(session: SessionRecord, requested: number | undefined): number {
    if (session.rating !== undefined) return session.rating;
    if (requested !== undefined && this.ctx.config.trustClientRating) return requested;
    return this.ctx.config.defaultRating;
  }

  async join(sessionId: string, input: QueueJoinInput): Promise<TicketRecord> {
    const matchSize = this.matchSizeOf(input.mode);
    const leader = await this.ctx.store.get<SessionRecord>(keys.session(sessionId));
    if (!leader) throw new LobbyError('invalid_token', 'session no longer exists');
    if (leader.role !== 'player') throw new LobbyError('wrong_role', 'game servers do not queue');
    if (leader.ticketId !== undefined || leader.matchId !== undefined)
      throw new LobbyError('already_queued', 'already in a queue');
    let party: SessionRecord[] = [leader];
    if (leader.roomId !== undefined) {
      const room = await this.ctx.store.get<RoomRecord>(keys.room(leader.roomId));
      if (room) {
        if (room.matchId !== undefined)
          throw new LobbyError('already_in_room', 'leave the match room before queueing');
        if (room.hostId !== sessionId)
          throw new LobbyError('not_host', 'only the party host can queue the party');
        const others = await this.ctx.store.getMany<SessionRecord>(
          room.members.filter((m) => m.id !== sessionId).map((m) => keys.session(m.id)),
        );
        party = [leader, ...others.filter((s): s is SessionRecord => s !== undefined)];
      }
    }
    if (party.length > matchSize) {
      throw new LobbyError('bad_request', 'party is larger than a match', {
        details: { matchSize, party: party.length },
      });
    }
    const ticketId = newId(12);
    const members: TicketMember[] = party.map((session) => ({
      id: session.id,
      name: session.name,
      rating: this.ratingOf(session, session.id === sessionId ? input.rating : undefined),
    }));
    const claimed: string[] = [];
    try {
      for (const member of members) {
        await this.ctx.store.update<SessionRecord, void>(keys.session(member.id), (session) => {
          if (!session) throw new LobbyError('invalid_token', 'a party member has left');
          if (session.ticketId !== undefined || session.matchId !== undefined) {
            throw new LobbyError('already_queued', 'a party member is already queued');
          }
          return { next: { ...session, ticketId }, result: undefined };
        });
        claimed.push(member.id);
      }
    } catch (error) {
      await this.releaseMembers(claimed, ticketId);
      throw error;
    }
    const ticket: TicketRecord = {
      id: ticketId,
      leaderId: sessionId,
      members,
      mode: input.mode,
      matchSize,
      rating: members.reduce((sum, m) => sum + m.rating, 0) / members.length,
      regions: input.regions ?? [],
      enqueuedAt: this.ctx.now(),
    };
    await this.ctx.store.put(keys.ticket(ticketId), ticket);
    await this.ctx.store.setAdd(keys.tickets, ticketId);
    return ticket;
  }

  async releaseMembers(sessionIds: readonly string[], ticketId: string): Promise<void> {
    for (const id of sessionIds) {
      await this.ctx.store.update<SessionRecord, void>(keys.session(id), (session) => ({
        next:
          session && session.ticketId === ticketId
            ? { ...session, ticketId: undefined, matchId: undefined }
            : undefined,
        result: undefined,
      }));
    }
  }

  /** Removes a waiting ticket; true when it was still waiting (not already taken into a match). */
  async removeTicket(ticketId: string, reason: 'left' | 'expired'): Promise<boolean> {
    const ticket = await this.ctx.store.update<TicketRecord, TicketRecord | undefined>(
      keys.ticket(ticketId),
      (current) => ({
        next: current ? null : undefined,
        result: current,
      }),
    );
    await this.ctx.store.setRemove(keys.tickets, ticketId);
    if (!ticket) return false;
    const ids = ticket.members.map((m) => m.id);
    await this.releaseMembers(ids, ticketId);
    await this.ctx.hub.sendMany(ids, { t: 'queue.left', ticketId, reason });
    return true;
  }

  /**
   * A party changes (a member leaves or is kicked): its ticket no longer describes it, so the
   * whole ticket leaves the queue and every member is told (`queue.left`).
   */
  async dropTicketOf(sessionId: string): Promise<void> {
    const session = await this.ctx.store.get<SessionRecord>(keys.session(sessionId));
    if (session?.ticketId !== undefined && session.matchId === undefined)
      await this.removeTicket(session.ticketId, 'left');
  }

  /** Puts a ticket back after a cancelled match, keeping its place (original enqueue time). */
  async requeue(ticket: TicketRecord): Promise<void> {
    await this.ctx.store.put(keys.ticket(ticket.id), { ...ticket, statusAt: undefined });
    await this.ctx.store.setAdd(keys.tickets, ticket.id);
  }

  async waiting(): Promise<TicketRecord[]> {
    const ids = await this.ctx.store.setMembers(keys.tickets);
    const tickets = await this.ctx.store.getMany<TicketRecord>(ids.map((id) => keys.ticket(id)));
    return tickets.filter((t): t is TicketRecord => t !== undefined);
  }

  async sizes(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for (const ticket of await this.waiting())
      sizes.set(ticket.mode, (sizes.get(ticket.mode) ?? 0) + ticket.members.length);
    return sizes;
  }
}

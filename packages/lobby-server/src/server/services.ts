// Builds the lobby's services over one context and wires what happens when a session ends
// (grace expired) or goes quiet (its process died), so every module sees the same rules.
import { GraceSweeper } from '../cluster/grace.js';
import { GameServerRegistry } from '../matchmaking/game-servers.js';
import { MatchService } from '../matchmaking/match-service.js';
import { Matchmaker } from '../matchmaking/matchmaker.js';
import { QueueService } from '../matchmaking/queue-service.js';
import { RoomService } from '../rooms/room-service.js';
import { SessionService } from '../sessions/session-service.js';
import type { SessionRecord } from '../state/records.js';
import type { LobbyContext } from './context.js';

export interface Services {
  readonly sessions: SessionService;
  readonly rooms: RoomService;
  readonly queues: QueueService;
  readonly matches: MatchService;
  readonly matchmaker: Matchmaker;
  readonly gameServers: GameServerRegistry;
  readonly grace: GraceSweeper;
  /** Session ended for good: seat, ticket, pending match and server registration are released. */
  endSession(session: SessionRecord): Promise<void>;
}

export function createServices(ctx: LobbyContext): Services {
  const sessions = new SessionService(ctx);
  const rooms = new RoomService(ctx);
  const queues = new QueueService(ctx);
  const gameServers = new GameServerRegistry(ctx);
  const matches = new MatchService(ctx, queues, rooms, gameServers);
  const matchmaker = new Matchmaker(ctx, queues, matches);
  const endSession = async (session: SessionRecord): Promise<void> => {
    ctx.log.debug({ session: session.id }, 'session ended');
    if (session.role === 'server') await gameServers.unregister(session.id);
    if (session.matchId !== undefined) await matches.abandon(session.id, session.matchId);
    else if (session.ticketId !== undefined) await queues.removeTicket(session.ticketId, 'expired');
    if (session.roomId !== undefined) await rooms.leave(session.id, 'seat_freed', session.roomId);
    await sessions.remove(session.id);
  };
  const grace = new GraceSweeper(ctx, sessions, {
    expire: endSession,
    disconnected: async (session) => {
      if (session.roomId !== undefined) await rooms.setConnected(session.id, session.roomId, false);
    },
  });
  return { sessions, rooms, queues, matches, matchmaker, gameServers, grace, endSession };
}

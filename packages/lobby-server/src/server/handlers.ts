// Maps each validated client message to the service that handles it and returns the data of
// its `ok` reply. Role and state checks live here; the rules themselves live in the services.
import { LobbyError, isLobbyError } from '../errors.js';
import type { ClientMessage } from '../protocol/schemas.js';
import type { RequestResults } from '../protocol/server-messages.js';
import { toRoomView } from '../rooms/room-model.js';
import { listRooms } from '../rooms/list-request.js';
import type { ConnectionPort } from './connection-port.js';
import { hello, turnFor } from './hello.js';

function player(conn: ConnectionPort): string {
  if (conn.role !== 'player' || conn.sessionId === undefined)
    throw new LobbyError('wrong_role', 'players only');
  return conn.sessionId;
}

function server(conn: ConnectionPort): string {
  if (conn.role !== 'server' || conn.sessionId === undefined)
    throw new LobbyError('wrong_role', 'dedicated servers only');
  return conn.sessionId;
}

/** Joins by code are refused while the address is locked out for guessing codes. */
function checkCodeLockout(conn: ConnectionPort): void {
  const waitMs = conn.env.ipTable.codeLockout(conn.env.ipKey, conn.ctx.now());
  if (waitMs > 0) {
    conn.violation(conn.ctx.now());
    throw new LobbyError('rate_limited', 'too many wrong room codes; try again later', {
      details: { retryAfterMs: waitMs },
    });
  }
}

/** A wrong code is a violation, and counts against the address's code budget. */
function codeFailed(conn: ConnectionPort): void {
  const now = conn.ctx.now();
  conn.violation(now);
  if (conn.env.ipTable.codeFailed(conn.env.ipKey, now)) {
    conn.ctx.metrics.codeLockouts.inc();
    conn.ctx.log.info({ ip: conn.env.ip }, 'address locked out of joins by code');
  }
}

type Reply = RequestResults[keyof RequestResults] | undefined;

export async function dispatch(conn: ConnectionPort, message: ClientMessage): Promise<Reply> {
  const { services, ctx } = conn.env;
  switch (message.t) {
    case 'hello':
      await hello(conn, message);
      return undefined;
    case 'ping':
      return { serverTime: ctx.now() };
    case 'room.create': {
      const id = player(conn);
      if (!(await services.sessions.takeRoomCreation(id, ctx.config.roomsPerMinute))) {
        throw new LobbyError('room_limit', 'too many rooms created; wait a minute', {
          details: { perMinute: ctx.config.roomsPerMinute },
        });
      }
      const room = await services.rooms.create(id, {
        mode: message.mode,
        maxPlayers: message.maxPlayers,
        public: message.public,
        ...(message.props ? { props: message.props } : {}),
      });
      const view = toRoomView(room);
      conn.signals.setRoom(view);
      return { room: view, joinToken: await services.rooms.joinToken(room, id) };
    }
    case 'room.join': {
      const id = player(conn);
      if (message.code !== undefined) checkCodeLockout(conn);
      const room = await services.rooms
        .join(id, {
          ...(message.roomId === undefined ? {} : { roomId: message.roomId }),
          ...(message.code === undefined ? {} : { code: message.code }),
        })
        .catch((error: unknown) => {
          if (message.code !== undefined && isLobbyError(error, 'room_not_found')) codeFailed(conn);
          throw error;
        });
      const view = toRoomView(room);
      conn.signals.setRoom(view);
      return { room: view, joinToken: await services.rooms.joinToken(room, id) };
    }
    case 'room.leave': {
      const id = player(conn);
      await services.queues.dropTicketOf(id);
      if (!(await services.rooms.leave(id, 'left')))
        throw new LobbyError('not_in_room', 'you are not in a room');
      return {};
    }
    case 'room.list':
      return listRooms(services.rooms, message);
    case 'room.kick':
      await services.rooms.kick(player(conn), message.playerId, () =>
        services.queues.dropTicketOf(message.playerId),
      );
      return {};
    case 'signal':
      await conn.signals.relay(message.to, message.data);
      return {};
    case 'turn.refresh': {
      const turn = turnFor(conn, conn.sessionId ?? '');
      if (!turn) throw new LobbyError('turn_unavailable', 'this lobby has no TURN server configured');
      return { turn };
    }
    case 'queue.join': {
      const ticket = await services.queues.join(player(conn), {
        mode: message.mode,
        ...(message.regions ? { regions: message.regions } : {}),
        ...(message.rating === undefined ? {} : { rating: message.rating }),
      });
      return { ticketId: ticket.id, players: ticket.members.length };
    }
    case 'queue.leave': {
      const id = player(conn);
      const session = await services.sessions.get(id);
      if (session?.matchId !== undefined) await services.matches.decline(id, session.matchId);
      else if (
        session?.ticketId === undefined ||
        !(await services.queues.removeTicket(session.ticketId, 'left'))
      ) {
        throw new LobbyError('not_queued', 'you are not in a queue');
      }
      return {};
    }
    case 'match.accept':
      await services.matches.accept(player(conn), message.matchId);
      return {};
    case 'match.decline':
      await services.matches.decline(player(conn), message.matchId);
      return {};
    case 'server.register':
      await services.gameServers.register(server(conn), {
        region: message.region,
        address: message.address,
        capacity: message.capacity,
        ...(message.modes ? { modes: message.modes } : {}),
      });
      return { serverId: server(conn) };
    case 'server.heartbeat':
      await services.gameServers.heartbeat(server(conn), message.load);
      return {};
  }
}

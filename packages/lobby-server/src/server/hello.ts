// The first message of every connection: checks the protocol version and who is connecting
// (guest, operator-verified player, or dedicated server with a server key), then creates a new
// session or resumes one with its token, seat included, and answers with `welcome`.
import { timingSafeEqual } from 'node:crypto';
import { LobbyCloseCode, LobbyError } from '../errors.js';
import type { VerifiedIdentity } from '../auth/identity.js';
import { createTurnCredentials } from '../auth/turn.js';
import { PROTOCOL_VERSION, SUPPORTED_VERSIONS } from '../protocol/version.js';
import type { ClientMessageOf } from '../protocol/schemas.js';
import type { TurnCredentials } from '../protocol/views.js';
import { isMember, toRoomView, withConnected } from '../rooms/room-model.js';
import type { SessionRecord } from '../state/records.js';
import type { ConnectionPort } from './connection-port.js';

function keyMatches(given: string | undefined, keys: readonly string[]): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  return keys.some((key) => {
    const b = Buffer.from(key);
    return a.length === b.length && timingSafeEqual(a, b);
  });
}

export function turnFor(conn: ConnectionPort, sessionId: string): TurnCredentials | null {
  const { config } = conn.ctx;
  if (!config.turnSecret) return null;
  return createTurnCredentials(
    {
      secret: config.turnSecret,
      ttlSeconds: config.turnTtlSeconds,
      turnUrls: config.turnUrls,
      stunUrls: config.stunUrls,
    },
    sessionId,
    conn.ctx.now(),
  );
}

function refuse(conn: ConnectionPort, error: LobbyError, code: number): Promise<void> {
  conn.sendError(error);
  conn.close(code, error.code);
  return Promise.resolve();
}

export async function hello(conn: ConnectionPort, message: ClientMessageOf<'hello'>): Promise<void> {
  if (conn.isReady) throw new LobbyError('out_of_order', 'hello was already accepted');
  const { ctx, services } = conn.env;
  if (!SUPPORTED_VERSIONS.includes(message.v)) {
    return refuse(
      conn,
      new LobbyError('unsupported_version', `protocol version ${message.v} is not supported`, {
        details: { supported: [...SUPPORTED_VERSIONS] },
      }),
      LobbyCloseCode.UnsupportedVersion,
    );
  }
  const role = message.role ?? 'player';
  let identity: VerifiedIdentity = {};
  if (role === 'server') {
    if (!keyMatches(message.serverKey, ctx.config.serverKeys)) {
      return refuse(conn, new LobbyError('unauthorized', 'server key rejected'), LobbyCloseCode.Unauthorized);
    }
  } else if (ctx.identity && message.resume === undefined) {
    try {
      identity = await ctx.identity(message.auth, { ip: conn.env.ip, origin: conn.env.origin });
    } catch (cause) {
      return refuse(
        conn,
        new LobbyError('unauthorized', 'identity rejected', { cause }),
        LobbyCloseCode.Unauthorized,
      );
    }
  }

  let session: SessionRecord;
  let resumed = false;
  let wasDisconnected = false;
  if (message.resume !== undefined) {
    // An unknown or expired token is answered with `invalid_token`; the client may then say a
    // plain hello and start over (the connection stays open for that).
    ({ session, wasDisconnected } = await services.sessions.resume(message.resume, conn.connId));
    resumed = true;
  } else {
    session = await services.sessions.create(identity, message.name, role, conn.connId);
  }
  await ctx.hub.attach(session.id, conn, !resumed);
  conn.becomeReady(session.id, session.role);

  let room = session.roomId === undefined ? undefined : await services.rooms.get(session.roomId);
  if (room && !isMember(room, session.id)) room = undefined;
  if (room && wasDisconnected) {
    room =
      (await services.rooms.setConnected(session.id, room.id, true)) ??
      withConnected(room, session.id, true).room;
  }
  const view = room ? toRoomView(room) : null;
  conn.signals.setRoom(view);
  conn.send({
    t: 'welcome',
    v: PROTOCOL_VERSION,
    sessionId: session.id,
    token: services.sessions.token(session.id),
    resumed,
    name: session.name,
    role: session.role,
    room: view,
    joinToken: room ? await services.rooms.joinToken(room, session.id) : null,
    turn: turnFor(conn, session.id),
    joinKey: ctx.joinSigner.publicJwk,
    region: ctx.config.region,
    heartbeatMs: ctx.config.heartbeatMs,
    idleTimeoutMs: ctx.config.idleTimeoutMs,
    graceMs: ctx.config.graceMs,
    relay: ctx.config.relayEnabled
      ? {
          peerBytesPerSecond: ctx.config.relayPeerBytesPerSecond,
          burstBytes: ctx.config.relayPeerBytesPerSecond,
          maxFrameBytes: ctx.config.relayMaxFrameBytes,
        }
      : null,
    serverTime: ctx.now(),
  });
}

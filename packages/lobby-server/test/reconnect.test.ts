// Join tokens and reconnection: tokens bind player, room and authority and verify with the
// lobby's public key only; a dropped player who comes back within the grace period keeps its
// seat, and after it the seat is freed and the room told.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultSettings, verifyJoinToken } from '../src/index.js';
import type { JoinKeyJwk } from '../src/index.js';
import { isLobbyError } from '../src/client/index.js';
import type { WebSocketLike } from '../src/client/index.js';
import { cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

/** A socket factory that remembers the sockets, so a test can cut one like a network failure. */
function cuttable() {
  const sockets: WebSocket[] = [];
  return {
    createSocket: (url: string) => {
      const ws = new WebSocket(url);
      sockets.push(ws);
      return ws as unknown as WebSocketLike;
    },
    cut: () => sockets.at(-1)?.terminate(),
  };
}

describe('join tokens', () => {
  it('bind player, room and authority, and verify with the public key only', async () => {
    const server = await startLobby();
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 3, public: true });
    const guest = await connect(server);
    await guest.joinRoom({ roomId: room.id });
    const key = guest.joinKey!;
    const token = guest.joinToken!;
    const claims = await verifyJoinToken(token, key, {
      authorityId: host.sessionId,
      roomId: room.id,
      playerId: guest.sessionId,
    });
    expect(claims).toMatchObject({ playerId: guest.sessionId, roomId: room.id, authorityId: host.sessionId });

    const refused = async (p: Promise<unknown>) =>
      expect(isLobbyError(await p.catch((e: unknown) => e), 'invalid_join_token')).toBe(true);
    await refused(verifyJoinToken(token, key, { authorityId: guest.sessionId }));
    await refused(verifyJoinToken(token, key, { authorityId: host.sessionId, roomId: 'another-room' }));
    await refused(verifyJoinToken(token, key, { authorityId: host.sessionId, playerId: host.sessionId }));
    const [head, body, signature] = token.split('.');
    const forgedBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), sub: 'intruder' }),
    ).toString('base64url');
    await refused(
      verifyJoinToken(`${head}.${forgedBody}.${signature}`, key, { authorityId: host.sessionId }),
    );
    const later = new Date(Date.now() + (defaultSettings.joinTokenTtlSeconds + 5) * 1000);
    await refused(verifyJoinToken(token, key, { authorityId: host.sessionId, at: later }));

    // Another lobby (another secret) has another key: its tokens do not verify here.
    const other = await startLobby({ secret: 'a-completely-different-secret-123' });
    const stranger = await connect(other);
    await stranger.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
    await refused(verifyJoinToken(stranger.joinToken!, key, { authorityId: stranger.sessionId }));
  });

  it('are verifiable by a dedicated server with the key from /join-key', async () => {
    const server = await startLobby();
    const client = await connect(server);
    await client.createRoom({ mode: 'duel', maxPlayers: 2, public: false });
    const { keys } = (await (await fetch(`${server.httpUrl}/join-key`)).json()) as { keys: JoinKeyJwk[] };
    const claims = await verifyJoinToken(client.joinToken!, keys[0]!, { authorityId: client.sessionId });
    expect(claims.playerId).toBe(client.sessionId);
  });

  it('are the same key on two lobby processes that share a secret', async () => {
    const a = await startLobby({ secret: 'shared-secret-for-two-lobbies' });
    const b = await startLobby({ secret: 'shared-secret-for-two-lobbies' });
    const ca = await connect(a);
    const cb = await connect(b);
    expect(ca.joinKey).toEqual(cb.joinKey);
  });
});

describe('reconnection', () => {
  it('defaults to a 30 s grace period', () => {
    expect(defaultSettings.graceMs).toBe(30_000);
  });

  it('gives a dropped player its session, seat and room back within the grace period', async () => {
    const server = await startLobby({ graceMs: 5_000 });
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
    const net = cuttable();
    const player = await connect(server, { createSocket: net.createSocket });
    await player.joinRoom({ code: room.code });
    const sessionId = player.sessionId;

    const away = host.waitFor('roomUpdate', { predicate: (u) => u.reason === 'disconnected' });
    const back = host.waitFor('roomUpdate', { predicate: (u) => u.reason === 'reconnected' });
    const reconnected = player.waitFor('reconnected');
    net.cut();
    const [gone] = await away;
    expect(gone.room.members.find((m) => m.id === sessionId)?.connected).toBe(false);
    expect((await reconnected)[0]).toEqual({ resumed: true });
    expect((await back)[0].playerId).toBe(sessionId);
    expect(player.sessionId).toBe(sessionId);
    expect(player.room?.id).toBe(room.id);
    expect(player.room?.members.every((m) => m.connected)).toBe(true);
    // The seat was kept: the full room still refuses newcomers.
    const late = await connect(server);
    await expect(late.joinRoom({ roomId: room.id })).rejects.toMatchObject({ code: 'room_full' });
    // And signaling works again after the reconnect.
    const signal = host.waitFor('signal');
    player.signalerFor(host.sessionId).send({ kind: 'bye' });
    expect((await signal)[0]).toBe(sessionId);
  });

  it('frees the seat after the grace period, tells the room, and migrates the host', async () => {
    const server = await startLobby({ graceMs: 300 });
    const host = await connect(server, { reconnect: false });
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
    const guest = await connect(server);
    await guest.joinRoom({ roomId: room.id });
    const hostId = host.sessionId;
    const token = host.token!;

    const freed = guest.waitFor('roomUpdate', { predicate: (u) => u.reason === 'seat_freed' });
    const started = Date.now();
    host.close();
    const [update] = await freed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(update.playerId).toBe(hostId);
    expect(update.room.members.map((m) => m.id)).toEqual([guest.sessionId]);
    expect(update.room.hostId).toBe(guest.sessionId);
    expect(update.room.authority).toEqual({ kind: 'player', playerId: guest.sessionId });
    // The seat is really free: a newcomer fits.
    const newcomer = await connect(server);
    await newcomer.joinRoom({ roomId: room.id });

    // Coming back too late starts a fresh session without the seat.
    const late = await connect(server, { resumeToken: token });
    expect(late.sessionId).not.toBe(hostId);
    expect(late.room).toBeNull();
  });
});

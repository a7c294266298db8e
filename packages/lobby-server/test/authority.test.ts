// Rooms tell the truth about their authority (issue 11): real lobby processes (the bin), a host
// whose process dies or who drops out, and what the room, its listings and its joiners see. A room
// whose host is reconnecting or gone is not listed as joinable, joining it fails at once with a
// typed error (instead of a WebRTC negotiation timing out against nobody), and the host seat goes
// only to a member who is connected.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { LobbyClient } from '../src/client/index.js';
import type { RoomPage } from '../src/index.js';
import { RawClient, cleanup, connect, eventually } from './helpers.js';
import { startLobbyProcesses } from './support/lobby-process.js';
import type { LobbyProcess } from './support/lobby-process.js';
import { startRedis } from './support/redis.js';
import type { RedisServer } from './support/redis.js';

let redis: RedisServer;
let prefix = 0;
const processes: LobbyProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await cleanup();
  await Promise.all(processes.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await redis.stop();
});

async function lobbies(count: number, extra: Record<string, string>): Promise<LobbyProcess[]> {
  prefix += 1;
  const env = {
    REDIS_URL: redis.url,
    LOBBY_REDIS_PREFIX: `authority${prefix}:`,
    LOBBY_SECRET: 'authority-shared-secret-0123456789',
    LOBBY_TICK_MS: '50',
    ...extra,
  };
  const started = await startLobbyProcesses(count, env);
  processes.push(...started);
  return started;
}

async function listed(lobby: LobbyProcess): Promise<RoomPage> {
  return (await (await fetch(`${lobby.httpUrl}/rooms`)).json()) as RoomPage;
}

/** Time a join takes to be refused: a bound on a hang, not a benchmark (it takes milliseconds). */
async function refusedJoin(client: LobbyClient, roomId: string): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await client.joinRoom({ roomId }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

describe('a room whose host is unreachable', () => {
  it('is unlisted and refuses joiners at once while its host process is dead, then moves to a connected member', async () => {
    const graceMs = 3_000;
    const [one, two] = await lobbies(2, { LOBBY_NODE_TTL_MS: '1500', LOBBY_GRACE_MS: String(graceMs) });
    const host = await connect(one!.url, { name: 'host', reconnect: false });
    const guest = await connect(two!.url, { name: 'guest' });
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 4, public: true });
    expect(room.authorityStatus).toBe('online');
    await guest.joinRoom({ roomId: room.id });
    expect((await listed(two!)).rooms.map((r) => [r.id, r.authorityStatus])).toEqual([[room.id, 'online']]);

    const hostAway = guest.waitFor('roomUpdate', {
      predicate: (u) => u.reason === 'disconnected',
      timeoutMs: 15_000,
    });
    await one!.kill(); // the host's lobby process dies without a word
    const [away] = await hostAway;
    expect(away.playerId).toBe(host.sessionId);
    expect(away.room.authorityStatus).toBe('reconnecting');

    // Listings tell the truth: not offered as joinable, flagged when asked for everything.
    expect((await listed(two!)).rooms).toEqual([]);
    const everything = await guest.listRoomsPage({ includeUnavailable: true });
    expect(everything.rooms.map((r) => [r.id, r.authorityStatus])).toEqual([[room.id, 'reconnecting']]);
    // A newcomer learns at once, with a typed error, instead of waiting out a signaling timeout.
    const newcomer = await connect(two!.url, { name: 'newcomer' });
    const refused = await refusedJoin(newcomer, room.id);
    expect(refused.error).toMatchObject({
      code: 'authority_unavailable',
      details: { status: 'reconnecting' },
    });
    expect(refused.ms).toBeLessThan(2_000);
    expect(newcomer.room).toBeNull();

    // The host's grace period runs out: the connected guest takes the seat and the authority.
    const [handover] = await guest.waitFor('roomUpdate', {
      predicate: (u) => u.reason === 'host_changed',
      timeoutMs: graceMs + 10_000,
    });
    expect(handover.room.hostId).toBe(guest.sessionId);
    expect(handover.room.authority).toEqual({ kind: 'player', playerId: guest.sessionId });
    expect(handover.room.authorityStatus).toBe('online');
    expect((await listed(two!)).rooms.map((r) => r.id)).toEqual([room.id]);
    await newcomer.joinRoom({ roomId: room.id });
    expect(decodeJwt(newcomer.joinToken!)).toMatchObject({ aud: guest.sessionId });
  }, 60_000);

  it('never hands the host seat to a member who is only reconnecting; it waits for one to be back', async () => {
    const graceMs = 3_000;
    const [lobby] = await lobbies(1, { LOBBY_NODE_TTL_MS: '5000', LOBBY_GRACE_MS: String(graceMs) });
    const host = await connect(lobby!.url, { name: 'host', reconnect: false });
    const guest = await connect(lobby!.url, { name: 'guest', reconnect: false });
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 4, public: true });
    await guest.joinRoom({ roomId: room.id });
    const guestToken = guest.token!;
    const guestId = guest.sessionId;
    const newcomer = await connect(lobby!.url, { name: 'newcomer' });
    const statusOf = async () =>
      (await newcomer.listRoomsPage({ includeUnavailable: true })).rooms.find((r) => r.id === room.id)
        ?.authorityStatus;

    const hostGone = guest.waitFor('roomUpdate', { predicate: (u) => u.reason === 'disconnected' });
    host.close();
    await hostGone;
    // The guest drops out too, half a grace period later: when the host's seat is freed, the only
    // member left is reconnecting.
    await new Promise((resolve) => setTimeout(resolve, graceMs / 2));
    guest.close();
    await eventually(async () => (await statusOf()) === 'gone', graceMs + 5_000, 'the host seat freed');
    const refused = await refusedJoin(newcomer, room.id);
    expect(refused.error).toMatchObject({ code: 'authority_unavailable', details: { status: 'gone' } });
    expect((await listed(lobby!)).rooms).toEqual([]);

    // The guest comes back within its own grace period: it is connected now, so it hosts.
    const back = await RawClient.open(lobby!.url);
    const welcome = await back.hello({ resume: guestToken });
    expect(welcome.resumed).toBe(true);
    expect(welcome.room?.hostId).toBe(guestId);
    expect(welcome.room?.authority).toEqual({ kind: 'player', playerId: guestId });
    expect(welcome.room?.authorityStatus).toBe('online');
    expect(decodeJwt(welcome.joinToken!)).toMatchObject({ aud: guestId });
    expect(await statusOf()).toBe('online');
    const joined = await newcomer.joinRoom({ roomId: room.id });
    expect(joined.members.map((m) => m.id)).toEqual([guestId, newcomer.sessionId]);
  }, 60_000);
});

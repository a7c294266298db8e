// Matchmaking against a real lobby: queue, accept, decline and timeout, parties, skill windows,
// regions measured over HTTP, dedicated game servers (least loaded wins, heartbeats), and a player
// host when no server fits.
import { afterEach, describe, expect, it } from 'vitest';
import { verifyJoinToken } from '../src/index.js';
import { measureRegions } from '../src/client/index.js';
import type { LobbyClient } from '../src/client/index.js';
import type { LobbyServer } from '../src/index.js';
import { cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

/** Accepts every match this client is offered; call before queueing (no race with the tick). */
function autoAccept(...clients: LobbyClient[]): void {
  for (const client of clients) {
    client.on('matchFound', (found) => {
      client.acceptMatch(found.matchId).catch(() => undefined);
    });
  }
}

async function players(server: LobbyServer, count: number): Promise<LobbyClient[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => connect(server, { name: `p${i}` })));
}

describe('matchmaking', () => {
  it('matches two players, and after both accept puts them in a room with a player authority', async () => {
    const server = await startLobby();
    const [a, b] = await players(server, 2);
    const readyA = a!.waitFor('matchReady');
    const readyB = b!.waitFor('matchReady');
    autoAccept(a!, b!);
    expect(await a!.queue({ mode: 'duel' })).toMatchObject({ players: 1 });
    await b!.queue({ mode: 'duel' });
    const [[ready], [readyOther]] = await Promise.all([readyA, readyB]);
    expect(ready.matchId).toBe(readyOther.matchId);
    expect(ready.room.id).toBe(readyOther.room.id);
    expect(ready.room.members.map((m) => m.id).sort()).toEqual([a!.sessionId, b!.sessionId].sort());
    expect(ready.room.matchId).toBe(ready.matchId);
    expect(ready.authority).toEqual({ kind: 'player', playerId: a!.sessionId });
    const claims = await verifyJoinToken(readyOther.joinToken, b!.joinKey!, {
      authorityId: a!.sessionId,
      roomId: ready.room.id,
    });
    expect(claims.playerId).toBe(b!.sessionId);
    expect(a!.room?.id).toBe(ready.room.id);
    // Members of a matchmade room can signal each other.
    const got = a!.waitFor('signal');
    b!.signalerFor(a!.sessionId).send({ kind: 'bye' });
    expect((await got)[0]).toBe(b!.sessionId);
  });

  it('drops a decliner and requeues the others at their old place', async () => {
    const server = await startLobby();
    const [a, b, c] = await players(server, 3);
    const found = Promise.all([a!.waitFor('matchFound'), b!.waitFor('matchFound')]);
    await a!.queue({ mode: 'duel' });
    await b!.queue({ mode: 'duel' });
    const [[foundA], [foundB]] = await found;
    const cancelledA = a!.waitFor('matchCancelled');
    const cancelledB = b!.waitFor('matchCancelled');
    await a!.acceptMatch(foundA.matchId);
    await b!.declineMatch(foundB.matchId);
    expect((await cancelledA)[0]).toMatchObject({ reason: 'declined', requeued: true });
    expect((await cancelledB)[0]).toMatchObject({ reason: 'declined', requeued: false });
    await expect(b!.leaveQueue()).rejects.toMatchObject({ code: 'not_queued' });
    // a is still queued: the next player is matched with it.
    const readyA = a!.waitFor('matchReady');
    autoAccept(a!, c!);
    await c!.queue({ mode: 'duel' });
    expect((await readyA)[0].room.members.map((m) => m.id).sort()).toEqual(
      [a!.sessionId, c!.sessionId].sort(),
    );
  });

  it('cancels on timeout: silent players are dropped, those who accepted are requeued', async () => {
    const server = await startLobby({ acceptTimeoutMs: 200 });
    const [a, b] = await players(server, 2);
    const foundA = a!.waitFor('matchFound');
    await a!.queue({ mode: 'duel' });
    await b!.queue({ mode: 'duel' });
    const cancelledA = a!.waitFor('matchCancelled');
    const cancelledB = b!.waitFor('matchCancelled');
    await a!.acceptMatch((await foundA)[0].matchId);
    expect((await cancelledA)[0]).toMatchObject({ reason: 'timeout', requeued: true });
    expect((await cancelledB)[0]).toMatchObject({ reason: 'timeout', requeued: false });
    await a!.leaveQueue();
    await expect(a!.leaveQueue()).rejects.toMatchObject({ code: 'not_queued' });
  });

  it('keeps a party together: the room host queues the whole room', async () => {
    const server = await startLobby({ modes: ['squad=4'], defaultMatchSize: 0 });
    const [host, friend, solo1, solo2] = await players(server, 4);
    const party = await host!.createRoom({ mode: 'squad', maxPlayers: 4, public: false });
    await friend!.joinRoom({ code: party.code });
    await expect(friend!.queue({ mode: 'squad' })).rejects.toMatchObject({ code: 'not_host' });
    await expect(host!.queue({ mode: 'nope' })).rejects.toMatchObject({ code: 'unknown_mode' });
    expect(await host!.queue({ mode: 'squad' })).toMatchObject({ players: 2 });
    await expect(friend!.queue({ mode: 'squad' })).rejects.toMatchObject({ code: 'already_queued' });
    const all = [host!, friend!, solo1!, solo2!];
    const ready = all.map((c) => c.waitFor('matchReady'));
    autoAccept(...all);
    await solo1!.queue({ mode: 'squad' });
    await solo2!.queue({ mode: 'squad' });
    const rooms = (await Promise.all(ready)).map(([r]) => r.room);
    expect(new Set(rooms.map((r) => r.id)).size).toBe(1);
    expect(rooms[0]!.members).toHaveLength(4);
    // The party room was left behind and closed.
    expect(host!.room?.id).toBe(rooms[0]!.id);
    await expect(solo1!.joinRoom({ code: party.code })).rejects.toMatchObject({ code: 'room_not_found' });
  });

  it('takes a party out of the queue when a member leaves its room', async () => {
    const server = await startLobby({ modes: ['squad=4'] });
    const [host, friend] = await players(server, 2);
    const party = await host!.createRoom({ mode: 'squad', maxPlayers: 4, public: false });
    await friend!.joinRoom({ roomId: party.id });
    const left = host!.waitFor('queueLeft');
    await host!.queue({ mode: 'squad' });
    await friend!.leaveRoom();
    expect((await left)[0].reason).toBe('left');
    await expect(host!.leaveQueue()).rejects.toMatchObject({ code: 'not_queued' });
    expect(await host!.queue({ mode: 'squad' })).toMatchObject({ players: 1 });
  });

  it('reports why a player waits, and matches distant ratings once the window widened', async () => {
    const server = await startLobby({ ratingWindow: 50, ratingWidenPerSecond: 1_000, queueStatusMs: 100 });
    const [low, high] = await players(server, 2);
    const status = low!.waitFor('queueStatus', { predicate: (s) => s.reason === 'skill_window' });
    const readyLow = low!.waitFor('matchReady');
    autoAccept(low!, high!);
    await low!.queue({ mode: 'duel', rating: 1000 });
    await high!.queue({ mode: 'duel', rating: 1500 });
    const [waiting] = await status;
    expect(waiting.ratingWindow).toBeLessThan(500);
    const [ready] = await readyLow;
    expect(ready.waitReason).toBe('skill_window');
    expect(ready.waitedMs).toBeGreaterThanOrEqual(300);
  });

  it('picks regions by measured latency to each region ping endpoint', async () => {
    const eu = await startLobby({ region: 'eu' });
    const us = await startLobby({ region: 'us' });
    const measured = await measureRegions(
      [
        { region: 'eu', url: eu.httpUrl },
        { region: 'us', url: us.httpUrl },
        { region: 'down', url: 'http://127.0.0.1:9' },
      ],
      { samples: 2, timeoutMs: 500 },
    );
    expect(measured.map((m) => m.region).sort()).toEqual(['eu', 'us']);
    expect(measured.every((m) => m.rttMs >= 0)).toBe(true);

    const server = await startLobby({ regionSlackMs: 10, queueStatusMs: 50, regionWidenAfterMs: 60_000 });
    const [a, b, c] = await players(server, 3);
    const regionWait = a!.waitFor('queueStatus', { predicate: (s) => s.reason === 'region_latency' });
    const readyA = a!.waitFor('matchReady');
    autoAccept(a!, c!);
    await a!.queue({
      mode: 'duel',
      regions: [
        { region: 'eu', rttMs: 20 },
        { region: 'us', rttMs: 110 },
      ],
    });
    await b!.queue({
      mode: 'duel',
      regions: [
        { region: 'us', rttMs: 15 },
        { region: 'eu', rttMs: 120 },
      ],
    });
    expect((await regionWait)[0].regions).toEqual(['eu']);
    await c!.queue({
      mode: 'duel',
      regions: [
        { region: 'eu', rttMs: 25 },
        { region: 'us', rttMs: 100 },
      ],
    });
    expect((await readyA)[0].room.region).toBe('eu');
  });

  it('assigns matches to the least-loaded fitting dedicated server, which the players may signal', async () => {
    const server = await startLobby({ serverKeys: ['gs-key'] });
    const busy = await connect(server, { role: 'server', serverKey: 'gs-key' });
    const idle = await connect(server, { role: 'server', serverKey: 'gs-key' });
    const elsewhere = await connect(server, { role: 'server', serverKey: 'gs-key' });
    await busy.registerServer({ region: 'eu', address: '10.0.0.1:4000', capacity: 10 });
    await busy.serverHeartbeat(7);
    await idle.registerServer({ region: 'eu', address: '10.0.0.2:4000', capacity: 10 });
    await idle.serverHeartbeat(1);
    await elsewhere.registerServer({ region: 'us', address: '10.0.0.3:4000', capacity: 100 });
    const assigned = idle.waitFor('serverAssign');
    const [a, b] = await players(server, 2);
    const readyA = a!.waitFor('matchReady');
    autoAccept(a!, b!);
    await a!.queue({ mode: 'duel', regions: [{ region: 'eu', rttMs: 10 }] });
    await b!.queue({ mode: 'duel', regions: [{ region: 'eu', rttMs: 12 }] });
    const [ready] = await readyA;
    expect(ready.authority).toEqual({
      kind: 'server',
      serverId: idle.sessionId,
      address: '10.0.0.2:4000',
      region: 'eu',
    });
    const [assign] = await assigned;
    expect([...assign.players].sort()).toEqual([a!.sessionId, b!.sessionId].sort());
    await verifyJoinToken(ready.joinToken, idle.joinKey!, {
      authorityId: idle.sessionId,
      roomId: assign.room.id,
      playerId: a!.sessionId,
    });
    // Player and server exchange signaling (the server is the room's authority, not a member).
    const atServer = idle.waitFor('signal');
    a!.signalerFor(idle.sessionId).send({ kind: 'description', type: 'offer', sdp: 'v=0' });
    expect((await atServer)[0]).toBe(a!.sessionId);
    const atPlayer = a!.waitFor('signal');
    idle.signalerFor(a!.sessionId).send({ kind: 'description', type: 'answer', sdp: 'v=0' });
    expect((await atPlayer)[0]).toBe(idle.sessionId);
    await expect(busy.request('signal', { to: a!.sessionId, data: { kind: 'bye' } })).rejects.toMatchObject({
      code: 'peer_not_in_room',
    });
  });

  it('falls back to a player host when no server fits or heartbeats stopped', async () => {
    const server = await startLobby({ serverKeys: ['gs-key'], serverTtlMs: 150 });
    const gs = await connect(server, { role: 'server', serverKey: 'gs-key' });
    await gs.registerServer({ region: server.config.region, address: '10.0.0.9:4000', capacity: 4 });
    // No heartbeat within serverTtlMs: wait for it to lapse (a poll on the server's clock).
    await new Promise((resolve) => setTimeout(resolve, 250));
    const [a, b] = await players(server, 2);
    const readyA = a!.waitFor('matchReady');
    autoAccept(a!, b!);
    await a!.queue({ mode: 'duel' });
    await b!.queue({ mode: 'duel' });
    expect((await readyA)[0].authority.kind).toBe('player');
  });

  it('exports queue sizes and wait times as metrics', async () => {
    const server = await startLobby();
    const [a, b] = await players(server, 2);
    autoAccept(a!, b!);
    await a!.queue({ mode: 'duel' });
    const before = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(before).toMatch(/lobby_queue_players\{mode="duel"\} 1/);
    const ready = a!.waitFor('matchReady');
    await b!.queue({ mode: 'duel' });
    await ready;
    const after = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(after).toMatch(/lobby_queue_wait_seconds_count\{mode="duel"\} 2/);
    expect(after).toMatch(/lobby_matches_total\{outcome="ready"\} 1/);
    expect(after).toMatch(/lobby_rooms 1/);
  });
});

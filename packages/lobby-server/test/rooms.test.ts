// Rooms against a real lobby: create, join by id and code, list and filter, leave, kick, host
// migration, closing when empty, and the limits (full rooms, one room at a time, creation rate).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, connect, startLobby } from './helpers.js';

afterEach(cleanup);

describe('rooms', () => {
  it('creates public and private rooms, joins by id and by code, and lists only public ones', async () => {
    const server = await startLobby();
    const host = await connect(server, { name: 'host' });
    const pub = await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true, props: { map: 'dust' } });
    expect(pub).toMatchObject({
      mode: 'duel',
      maxPlayers: 2,
      public: true,
      hostId: host.sessionId,
      props: { map: 'dust' },
    });
    expect(pub.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(pub.authority).toEqual({ kind: 'player', playerId: host.sessionId });

    const other = await connect(server, { name: 'other' });
    const priv = await other.createRoom({ mode: 'ffa', maxPlayers: 4, public: false });
    const lister = await connect(server);
    const listed = await lister.listRooms();
    expect(listed.map((r) => r.id)).toEqual([pub.id]);

    const byId = await lister.joinRoom({ roomId: pub.id });
    expect(byId.members.map((m) => m.name)).toEqual(['host', expect.stringMatching(/^guest-/)]);
    const friend = await connect(server, { name: 'friend' });
    const byCode = await friend.joinRoom({ code: priv.code.toLowerCase() });
    expect(byCode.id).toBe(priv.id);
    expect(byCode.members.map((m) => m.name)).toEqual(['other', 'friend']);
  });

  it('filters the list by mode, properties and free seats', async () => {
    const server = await startLobby();
    const a = await connect(server);
    await a.createRoom({ mode: 'duel', maxPlayers: 1, public: true, props: { map: 'dust', ranked: true } });
    const b = await connect(server);
    const open = await b.createRoom({
      mode: 'duel',
      maxPlayers: 4,
      public: true,
      props: { map: 'nuke', ranked: true },
    });
    const c = await connect(server);
    const ffa = await c.createRoom({ mode: 'ffa', maxPlayers: 8, public: true, props: { map: 'dust' } });
    const q = await connect(server);
    expect((await q.listRooms({ mode: 'ffa' })).map((r) => r.id)).toEqual([ffa.id]);
    expect((await q.listRooms({ mode: 'duel', notFull: true })).map((r) => r.id)).toEqual([open.id]);
    expect((await q.listRooms({ props: { map: 'dust', ranked: true } })).length).toBe(1);
    expect((await q.listRooms({ limit: 2 })).length).toBe(2);
  });

  it('tells members who joined and left, and closes the room when the last one leaves', async () => {
    const server = await startLobby();
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 3, public: true });
    const guest = await connect(server);
    const joined = host.waitFor('roomUpdate', { predicate: (u) => u.reason === 'joined' });
    await guest.joinRoom({ roomId: room.id });
    expect((await joined)[0]).toMatchObject({ reason: 'joined', playerId: guest.sessionId });
    const left = host.waitFor('roomUpdate', { predicate: (u) => u.reason === 'left' });
    await guest.leaveRoom();
    expect((await left)[0].room.members.map((m) => m.id)).toEqual([host.sessionId]);
    expect(guest.room).toBeNull();
    await host.leaveRoom();
    expect(await guest.listRooms()).toEqual([]);
    await expect(guest.joinRoom({ roomId: room.id })).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(guest.joinRoom({ code: room.code })).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(guest.leaveRoom()).rejects.toMatchObject({ code: 'not_in_room' });
  });

  it('migrates the host (and a player authority) when the host leaves, with fresh join tokens', async () => {
    const server = await startLobby();
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 3, public: true });
    const second = await connect(server);
    await second.joinRoom({ roomId: room.id });
    const third = await connect(server);
    await third.joinRoom({ roomId: room.id });
    const migrated = third.waitFor('roomUpdate', { predicate: (u) => u.reason === 'left' });
    const hostChanged = third.waitFor('roomUpdate', { predicate: (u) => u.reason === 'host_changed' });
    await host.leaveRoom();
    const [update] = await migrated;
    expect((await hostChanged)[0].playerId).toBe(second.sessionId);
    expect(update.room.hostId).toBe(second.sessionId);
    expect(update.room.authority).toEqual({ kind: 'player', playerId: second.sessionId });
    expect(update.joinToken).toBeTypeOf('string');
    expect(third.joinToken).toBe(update.joinToken);
    // The new host can kick.
    const kicked = third.waitFor('roomLeft');
    await second.kick(third.sessionId);
    expect((await kicked)[0]).toMatchObject({ roomId: room.id, reason: 'kicked' });
    expect(third.room).toBeNull();
  });

  it('lets only the host kick, and never the host itself', async () => {
    const server = await startLobby();
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 3, public: true });
    const guest = await connect(server);
    await guest.joinRoom({ roomId: room.id });
    await expect(guest.kick(host.sessionId)).rejects.toMatchObject({ code: 'not_host' });
    await expect(host.kick(host.sessionId)).rejects.toMatchObject({ code: 'peer_not_in_room' });
    await expect(host.kick('nobody')).rejects.toMatchObject({ code: 'peer_not_in_room' });
  });

  it('enforces max players, one room per session, and the room creation rate', async () => {
    const server = await startLobby({ roomsPerMinute: 4 });
    const host = await connect(server);
    const room = await host.createRoom({ mode: 'duel', maxPlayers: 1, public: true });
    const late = await connect(server);
    await expect(late.joinRoom({ roomId: room.id })).rejects.toMatchObject({
      code: 'room_full',
      details: { maxPlayers: 1 },
    });
    await expect(host.createRoom({ mode: 'duel', maxPlayers: 2, public: true })).rejects.toMatchObject({
      code: 'already_in_room',
    });
    await host.leaveRoom();
    await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
    await host.leaveRoom();
    await host.createRoom({ mode: 'duel', maxPlayers: 2, public: true });
    await host.leaveRoom();
    // Four attempts per minute (the refused one counted too): the fifth is refused.
    await expect(host.createRoom({ mode: 'duel', maxPlayers: 2, public: true })).rejects.toMatchObject({
      code: 'room_limit',
    });
    expect(host.room).toBeNull();
  });

  it('keeps one seat per session when joins race', async () => {
    const server = await startLobby();
    const hosts = await Promise.all([connect(server), connect(server)]);
    const rooms = await Promise.all(
      hosts.map((h) => h.createRoom({ mode: 'duel', maxPlayers: 4, public: true })),
    );
    const racer = await connect(server);
    const results = await Promise.allSettled(rooms.map((r) => racer.joinRoom({ roomId: r.id })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const listed = await racer.listRooms();
    expect(listed.reduce((sum, r) => sum + r.players, 0)).toBe(3);
  });
});

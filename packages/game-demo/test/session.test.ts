// The lobby journey with real parts: a real lobby, real node-datachannel peers. One player creates
// a private room (and hosts), another joins by code, both play; the joiner drops its connection
// and gets its seat back; when the host leaves, the other is told and hosts the next round.
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer } from '@tickwire/lobby-server';
import type { LobbyServer } from '@tickwire/lobby-server';
import { connect } from '@tickwire/transport';
import { ArenaSession } from '../src/net/session.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function lobby(): Promise<LobbyServer> {
  const server = await createLobbyServer({ host: '127.0.0.1', port: 0, logLevel: 'silent' });
  cleanups.push(() => server.close());
  return server;
}

async function player(url: string, name: string, botsAfterMs = 0): Promise<ArenaSession> {
  const session = await ArenaSession.start({ lobbyUrl: url, name, connect, botsAfterMs });
  cleanups.push(() => session.close());
  return session;
}

function drive(session: ArenaSession, control: { mx: number; my: number; aim: number; fire: boolean }) {
  const timer = setInterval(() => session.client?.step(control), 1000 / 60);
  cleanups.push(() => clearInterval(timer));
  return () => clearInterval(timer);
}

const shipOf = (viewer: ArenaSession, slot: number | undefined) =>
  viewer.client?.view().ships.find((s) => s.player === slot);

describe('arena session through the lobby', () => {
  it('create, join by code, play, drop and reconnect, host leaves', async () => {
    const server = await lobby();
    const ann = await player(server.url, 'ann');
    const bob = await player(server.url, 'bob');
    const room = await ann.createRoom();
    await bob.joinRoom(room.code);
    await until(() => ann.state === 'playing' && bob.state === 'playing', 'both playing');
    expect(ann.isHost).toBe(true);
    expect(bob.isHost).toBe(false);
    await until(() => (bob.client?.view().ships.length ?? 0) === 2, 'bob sees two ships');

    const annSlot = ann.client!.slot;
    const startX = shipOf(bob, annSlot)!.x;
    const stop = drive(ann, { mx: startX > 800 ? -1 : 1, my: 0, aim: 0, fire: false });
    await until(() => Math.abs(shipOf(bob, annSlot)!.x - startX) > 40, 'bob sees ann move');
    stop();

    // Bob's connection drops; he comes back to the same seat.
    const bobSlot = bob.client!.slot;
    const connectsBefore = bob.connects;
    bob.dropConnection();
    await until(() => bob.state === 'reconnecting', 'bob reconnecting');
    await until(() => bob.state === 'playing' && bob.connects > connectsBefore, 'bob back', 30_000);
    expect(bob.client!.slot).toBe(bobSlot);
    expect(ann.host!.seats.size).toBe(2);

    // The host leaves: Bob is told and becomes the host.
    const told = new Promise<string>((resolve) =>
      bob.on('message', (text) => {
        if (/host left/.test(text)) resolve(text);
      }),
    );
    await ann.leave();
    expect(await told).toMatch(/the host left: you host now/);
    await until(() => bob.isHost && bob.state === 'playing', 'bob hosts', 30_000);
  }, 90_000);

  it('host migration carries on the match: scores, deaths, round clock and bots survive', async () => {
    const server = await lobby();
    const ann = await player(server.url, 'ann');
    const bob = await player(server.url, 'bob');
    const cat = await player(server.url, 'cat');
    const room = await ann.createRoom();
    await bob.joinRoom(room.code);
    await cat.joinRoom(room.code);
    ann.addBots(1);
    const all = [ann, bob, cat];
    await until(() => all.every((s) => s.state === 'playing'), 'all playing');
    await until(() => all.every((s) => (s.client?.view().ships.length ?? 0) === 4), 'four ships each');
    for (const s of all) s.setReady(true);
    await until(() => all.every((s) => s.client?.view().match.phase === 'playing'), 'round running');

    // A scoreboard worth keeping: the authority's own sim says who scored what.
    const host = ann.host!;
    const slotOf = (s: ArenaSession) => s.client!.slot!;
    const seed = new Map([
      [slotOf(bob), { score: 3, deaths: 1 }],
      [slotOf(cat), { score: 5, deaths: 2 }],
      [slotOf(ann), { score: 1, deaths: 4 }],
    ]);
    const botSlot = [...host.seats.all()].find((seat) => seat.bot)!.slot;
    seed.set(botSlot, { score: 2, deaths: 3 });
    for (const [slot, values] of seed) Object.assign(host.game.ships.get(slot)!, values);
    const scoreOf = (viewer: ArenaSession, name: string) => {
      const ship = viewer.client?.view().ships.find((s) => s.name === name);
      return ship === undefined ? undefined : { score: ship.score, deaths: ship.deaths };
    };
    await until(
      () => [bob, cat].every((s) => scoreOf(s, 'cat')?.score === 5 && scoreOf(s, 'bot 1')?.score === 2),
      'scores seen',
    );
    // Roster (1 Hz) names every seat before the host goes.
    await until(() => [bob, cat].every((s) => s.client!.roster.length === 4), 'roster of four');
    const clockBefore = bob.client!.view().match;

    const told = (s: ArenaSession) =>
      new Promise<string>((resolve) =>
        s.on('message', (text) => {
          if (/host left/.test(text)) resolve(text);
        }),
      );
    const bobTold = told(bob);
    const catTold = told(cat);
    await ann.leave();
    const messages = await Promise.all([bobTold, catTold]);
    for (const text of messages) expect(text).toMatch(/the match goes on/);
    const newHost = bob.isHost ? bob : cat;
    const other = newHost === bob ? cat : bob;
    expect(messages.some((m) => /you host now/.test(m))).toBe(true);
    await until(
      () => [bob, cat].every((s) => s.state === 'playing' && (s.client?.view().ships.length ?? 0) === 3),
      'both playing on the new host (two players and the bot)',
      30_000,
    );

    // Same scoreboard on both, from the new host: the leaver is gone, the bot came along.
    for (const viewer of [bob, cat]) {
      expect(scoreOf(viewer, 'bob')).toEqual({ score: 3, deaths: 1 });
      expect(scoreOf(viewer, 'cat')).toEqual({ score: 5, deaths: 2 });
      expect(scoreOf(viewer, 'bot 1')).toEqual({ score: 2, deaths: 3 });
      expect(scoreOf(viewer, 'ann')).toBeUndefined();
    }
    // The round goes on where it was (same round, still running, the clock did not restart).
    const clockAfter = other.client!.view().match;
    expect(clockAfter.round).toBe(clockBefore.round);
    expect(clockAfter.phase).toBe('playing');
    expect(clockAfter.secondsLeft).toBeLessThanOrEqual(clockBefore.secondsLeft);
    expect(clockAfter.secondsLeft).toBeGreaterThan(clockBefore.secondsLeft - 30);
    expect(newHost.host!.game.phase).toBe('playing');

    // And they keep playing: the other player's ship moves on the new host's screen.
    const otherSlot = other.client!.slot;
    const startX = shipOf(newHost, otherSlot)!.x;
    drive(other, { mx: startX > 800 ? -1 : 1, my: 0, aim: 0, fire: false });
    await until(
      () => Math.abs(shipOf(newHost, otherSlot)!.x - startX) > 40,
      'the new host sees the other move',
    );
  }, 120_000);

  it('quick match alone gets bots after a short wait', async () => {
    const server = await lobby();
    const solo = await player(server.url, 'solo', 300);
    await solo.quickMatch();
    expect(solo.state).toBe('queue');
    await until(() => solo.state === 'playing' && solo.isHost, 'playing in a private room');
    await until(() => (solo.client?.view().ships.length ?? 0) === 4, 'three bot ships');
    expect(solo.room?.public).toBe(false);
    expect(solo.message).toMatch(/playing bots in room/);
  }, 60_000);
});

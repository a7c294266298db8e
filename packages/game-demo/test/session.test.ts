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

// Players in headless Chromium contexts, through a real lobby, over WebRTC, with one of the
// browsers as the authority (P2P star): create a room, join by code, see each other move, shoot
// until the score changes on both, drop a connection with the lab's button and come back to the
// same seat, and leave (the host is told). With three players, the host leaves and the two others
// carry on the match on the new host with their scores.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@tickwire/testkit';
import { hostedSeat, ships, startArena, tw, waitFor } from './helpers.js';
import type { ArenaFixture } from './helpers.js';
import { reconnectsToSameSeat, scoreOn, scoreSeenBy, seesMove, startRound } from './play.js';

describe('arena in browsers, one of them hosting', () => {
  let arena: ArenaFixture;
  beforeAll(async () => {
    arena = await startArena();
  });
  afterEach(async () => {
    await arena?.closePlayers();
  });
  afterAll(async () => {
    await arena?.close();
  });

  it('create, join by code, move, hit, score, drop and reconnect, leave', async () => {
    const ann = await arena.open('ann');
    const bob = await arena.open('bob');
    await ann.click('#create-room');
    await waitFor(ann, (t) => t.room?.code !== undefined && t.state === 'playing');
    const code = await tw(ann, (t) => t.room.code as string);
    await bob.fill('#join-code', code);
    await bob.click('#join-room');
    await waitFor(bob, (t) => t.state === 'playing' && t.ships.length === 2);
    await waitFor(ann, (t) => t.ships.length === 2);
    expect(await tw(ann, (t) => t.isHost)).toBe(true);
    expect(await tw(bob, (t) => t.isHost)).toBe(false);
    const annSlot = await tw(ann, (t) => t.slot as number);
    const bobSlot = await tw(bob, (t) => t.slot as number);

    // Each sees the other's ship move after the other presses keys.
    await seesMove(bob, ann, bobSlot);
    await seesMove(ann, bob, annSlot);

    // Both ready: the round starts; Ann closes in on Bob and shoots until she scores.
    await startRound([ann, bob], ann);
    const target = (await ships(ann)).find((s) => s.player === bobSlot)!;
    await scoreOn(ann, target, { timeoutMs: 40_000, authority: hostedSeat([ann]) });
    await scoreSeenBy(bob, annSlot);
    expect(await tw(bob, (t) => t.counters.hits)).toBeGreaterThanOrEqual(4);
    expect(await tw(ann, (t) => t.counters.kills)).toBeGreaterThanOrEqual(1);

    // The canvas shows the game on both; a screenshot per player.
    expect(await tw(ann, (t) => t.canvasPainted())).toBe(true);
    expect(await tw(bob, (t) => t.canvasPainted())).toBe(true);
    await arena.screenshots('p2p');

    // Bob's connection drops (the lab's button): his page says it is reconnecting, then he is back
    // in the same seat with the same ship, score and deaths (Bob died at least once).
    await waitFor(bob, (t) => (t.me?.deaths ?? 0) >= 1 && t.me?.alive === true, 20_000);
    await reconnectsToSameSeat(bob);
    expect(await tw(ann, (t) => t.host.players)).toBe(2);
    expect(await tw(ann, (t, s) => t.roster.find((p: any) => p.slot === s)?.connected, bobSlot)).toBe(true);
    await arena.screenshots('p2p-reconnected');

    // Bob leaves: Ann (the host) is told and his ship goes.
    await bob.click('#leave');
    await waitFor(ann, (t) => t.messages.some((m: string) => /bob left/.test(m)) && t.ships.length === 1);
  }, 240_000);

  it('host migration: the host leaves, the two others carry on the match with their scores', async () => {
    // Three pages render at once: smaller windows keep the software renderer's load down.
    const small = { viewport: { width: 720, height: 450 } };
    const ann = await arena.open('ann', small);
    const bob = await arena.open('bob', small);
    const cat = await arena.open('cat', small);
    await ann.click('#create-room');
    await waitFor(ann, (t) => t.room?.code !== undefined && t.state === 'playing');
    const code = await tw(ann, (t) => t.room.code as string);
    for (const page of [bob, cat]) {
      await page.fill('#join-code', code);
      await page.click('#join-room');
    }
    for (const page of [ann, bob, cat])
      await waitFor(page, (t) => t.state === 'playing' && t.ships.length === 3);
    await startRound([ann, bob, cat], bob);
    const catSlot = await tw(cat, (t) => t.slot as number);

    // Bob scores on Cat.
    const target = (await ships(bob)).find((s) => s.player === catSlot)!;
    await scoreOn(bob, target, { timeoutMs: 60_000, authority: hostedSeat([ann]) });
    const board = (page: Page) =>
      tw(page, (t) =>
        Object.fromEntries(
          t.ships.map((s: { name: string; score: number; deaths: number }) => [s.name, [s.score, s.deaths]]),
        ),
      );
    await waitFor(cat, (t) => (t.me?.deaths ?? 0) >= 1 && t.roster.length === 3);
    await waitFor(bob, (t) => t.roster.length === 3);
    const before = await board(bob);
    const clockBefore = await tw(bob, (t) => t.view.match);
    expect(before['bob']![0]).toBeGreaterThanOrEqual(1);
    expect(before['cat']![1]).toBeGreaterThanOrEqual(1);

    // Ann (the host) leaves: both others are told, one of them hosts, the match goes on.
    await ann.click('#leave');
    for (const page of [bob, cat])
      await waitFor(page, (t) => t.messages.some((m: string) => /the host left: .*match goes on/.test(m)));
    for (const page of [bob, cat])
      await waitFor(
        page,
        (t) => t.state === 'playing' && t.ships.length === 2 && t.roster.length === 2,
        30_000,
      );
    const hosts = [await tw(bob, (t) => t.isHost), await tw(cat, (t) => t.isHost)];
    expect(hosts.filter(Boolean)).toHaveLength(1);
    for (const page of [bob, cat]) {
      const after = await board(page);
      expect(after['bob']).toEqual(before['bob']);
      expect(after['cat']).toEqual(before['cat']);
      expect(after['ann']).toBeUndefined();
      const clock = await tw(page, (t) => t.view.match);
      expect(clock.round).toBe(clockBefore.round);
      expect(clock.phase).toBe('playing');
      expect(clock.secondsLeft).toBeLessThanOrEqual(clockBefore.secondsLeft);
      expect(clock.secondsLeft).toBeGreaterThan(clockBefore.secondsLeft - 30);
    }

    // They keep playing: Cat moves and Bob sees it on the new host's match.
    const catBefore = (await ships(bob)).find((s) => s.name === 'cat')!;
    const key = catBefore.x > 800 ? 'a' : 'd';
    await cat.keyboard.down(key);
    await bob.waitForFunction(
      (x0) =>
        Math.abs(((window as any).__tickwire.ships.find((s: any) => s.name === 'cat')?.x ?? x0) - x0) > 60,
      catBefore.x,
      { timeout: 20_000 },
    );
    await cat.keyboard.up(key);
    expect(await tw(bob, (t) => t.canvasPainted())).toBe(true);
    await arena.screenshots('migration');
  }, 240_000);
});

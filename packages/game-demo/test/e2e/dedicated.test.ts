// Two players in two headless Chromium contexts press "Quick match" and meet on the dedicated
// Node game server (node-datachannel, one UDP port) the lobby assigns: they see each other move,
// shots at a ship parked under the room panel land (the aim follows the mouse over HUD panels) and
// the score changes on both, a player's connection drops (the lab's button) and
// it comes back to the same seat, and when one leaves the other is told. Then a player hosts a
// private room in the browser and two headless bots join it by code and play.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBots } from '../../src/server/bots.js';
import { flyTo, serverSeat, ships, startArena, tw, waitFor } from './helpers.js';
import type { ArenaFixture } from './helpers.js';
import { reconnectsToSameSeat, scoreOn, scoreSeenBy, seesMove, startRound } from './play.js';

describe('arena in browsers with a dedicated server, and with bots', () => {
  let arena: ArenaFixture;
  beforeAll(async () => {
    arena = await startArena({ dedicated: true });
  });
  afterEach(async () => {
    await arena?.closePlayers();
  });
  afterAll(async () => {
    await arena?.close();
  });

  it(
    'quick match on the dedicated server: move, hit, score, drop and reconnect, leave',
    { timeout: 180_000 },
    async () => {
      const ann = await arena.open('ann');
      const bob = await arena.open('bob');
      await ann.click('#quick-match');
      await bob.click('#quick-match');
      for (const page of [ann, bob])
        await waitFor(page, (t) => t.state === 'playing' && t.ships.length === 2, 45_000);
      expect(await tw(ann, (t) => t.room.authority)).toBe('server');
      expect(await tw(ann, (t) => t.isHost)).toBe(false);
      const annSlot = await tw(ann, (t) => t.slot as number);
      const bobSlot = await tw(bob, (t) => t.slot as number);

      await seesMove(bob, ann, bobSlot);

      await startRound([ann, bob], ann);
      // Bob parks under the room panel (the arena's top-right corner): the page must aim at a ship
      // the mouse reaches over a HUD panel. (When the aim followed the canvas only, shots at a ship
      // spawned there flew off at the last aim: score 0 after 40 s, a CI flake.)
      await flyTo(bob, 1350, 120, 60, 45_000);
      const target = (await ships(ann)).find((s) => s.player === bobSlot)!;
      const under = await tw(
        ann,
        (t, xy) => {
          const at = t.toScreen(xy[0], xy[1]);
          return document.elementFromPoint(at.x, at.y)?.closest('#room') !== null;
        },
        [target.x, target.y],
      );
      expect(under).toBe(true);
      await scoreOn(ann, target, { timeoutMs: 40_000, authority: serverSeat(arena.game!) });
      // The authority applied Ann's fire inputs and her shots hit; the sync guard dropped none of
      // this honest page's inputs or packets.
      const seat = [...arena.game!.matches.values()][0]!.stats().seats.find((s) => s.slot === annSlot)!;
      expect(seat.played.hits).toBeGreaterThanOrEqual(4);
      expect(seat.sync).toMatchObject({ overBudget: 0, packetsOverBudget: 0, seqJumps: 0 });
      await scoreSeenBy(bob, annSlot);
      // A direct path on loopback: host, or srflx since the transport merge (the server's candidates
      // now come once connected, so the pair first shows peer-reflexive); never relayed. The page
      // asks Chromium for the selected pair each second until it has one.
      await waitFor(ann, (t) => t.net !== undefined && t.net.path !== 'unknown');
      expect(['host', 'srflx']).toContain(await tw(ann, (t) => t.net?.path));
      expect(await tw(ann, (t) => t.canvasPainted())).toBe(true);
      expect(await tw(bob, (t) => t.canvasPainted())).toBe(true);
      await arena.screenshots('dedicated');

      // Ann's connection to the server drops (the lab's button): her page says it is reconnecting,
      // and she is back in her seat with the same ship and score; the server kept one seat for her.
      await reconnectsToSameSeat(ann, (seat) => expect(seat.score).toBeGreaterThanOrEqual(1));
      expect([...arena.game!.matches.values()][0]!.seats.size).toBe(2);
      await arena.screenshots('dedicated-reconnected');

      await bob.click('#leave');
      await waitFor(ann, (t) => t.messages.some((m: string) => /bob (lost connection|left)/.test(m)));
    },
  );

  it('headless bots join a browser-hosted room by code and play', async () => {
    const cat = await arena.open('cat');
    await cat.click('#create-room');
    await waitFor(cat, (t) => t.state === 'playing' && t.room?.code !== undefined);
    const code = await tw(cat, (t) => t.room.code as string);
    const bots = await startBots({ lobbyUrl: arena.lobby.url, count: 2, room: code });
    try {
      await waitFor(cat, (t) => t.ships.length === 3, 45_000);
      await cat.click('#ready');
      await waitFor(cat, (t) => t.view?.match.phase === 'playing');
      await waitFor(cat, (t) => t.counters.hits > 0, 60_000);
      expect(await tw(cat, (t) => t.canvasPainted())).toBe(true);
      await arena.screenshots('bots');
    } finally {
      bots.close();
    }
  }, 180_000);
});

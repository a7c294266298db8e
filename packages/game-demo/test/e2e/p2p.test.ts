// Two players in two headless Chromium contexts, through a real lobby, over WebRTC, with one of
// the browsers as the authority (P2P star): create a room, join by code, see each other move,
// shoot until the score changes on both, and the host is told when the other player leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLobbyServer } from '@tickwire/lobby-server';
import type { LobbyServer } from '@tickwire/lobby-server';
import { launchChromium } from '@tickwire/testkit';
import type { Browser } from '@tickwire/testkit';
import { startDemoServer } from '../../src/serve.js';
import type { DemoServer } from '../../src/serve.js';
import { flyTo, openPlayer, screenshot, ships, shootAt, tw, waitFor } from './helpers.js';

const webRoot = new URL('../../dist/web', import.meta.url).pathname;

describe('arena in two browsers, one of them hosting', () => {
  let lobby: LobbyServer;
  let demo: DemoServer;
  let browser: Browser;
  beforeAll(async () => {
    lobby = await createLobbyServer({ host: '127.0.0.1', port: 0, logLevel: 'silent' });
    demo = await startDemoServer({ port: 0, webRoot, lobbyUrl: lobby.url });
    browser = await launchChromium({ exposeLocalIps: true });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await lobby?.close();
  });

  it('create, join by code, move, hit, score, leave', async () => {
    const ann = await openPlayer(browser, demo.url, 'ann');
    const bob = await openPlayer(browser, demo.url, 'bob');
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
    for (const [mover, watcher, slot] of [
      [bob, ann, bobSlot],
      [ann, bob, annSlot],
    ] as const) {
      const before = (await ships(watcher)).find((s) => s.player === slot)!;
      const key = before.x > 800 ? 'a' : 'd';
      await mover.keyboard.down(key);
      await watcher.waitForFunction(
        ([s, x0]) => {
          const ship = (window as any).__tickwire.ships.find((x: { player: number }) => x.player === s);
          return ship !== undefined && Math.abs(ship.x - x0) > 60;
        },
        [slot, before.x] as const,
        { timeout: 20_000 },
      );
      await mover.keyboard.up(key);
    }

    // Both ready: the round starts; Ann closes in on Bob and shoots until she scores.
    await ann.click('#ready');
    await bob.click('#ready');
    await waitFor(ann, (t) => t.view?.match.phase === 'playing');
    const target = (await ships(ann)).find((s) => s.player === bobSlot)!;
    await flyTo(ann, target.x, target.y, 350);
    await shootAt(ann, bobSlot, async () => (await tw(ann, (t) => t.me?.score ?? 0)) >= 1, 40_000);
    await bob.waitForFunction(
      (s) => ((window as any).__tickwire.ships.find((x: any) => x.player === s)?.score ?? 0) >= 1,
      annSlot,
      { timeout: 20_000 },
    );
    expect(await tw(bob, (t) => t.counters.hits)).toBeGreaterThanOrEqual(4);
    expect(await tw(ann, (t) => t.counters.kills)).toBeGreaterThanOrEqual(1);

    // The canvas shows the game on both; a screenshot per player.
    expect(await tw(ann, (t) => t.canvasPainted())).toBe(true);
    expect(await tw(bob, (t) => t.canvasPainted())).toBe(true);
    await screenshot(ann, 'p2p-ann');
    await screenshot(bob, 'p2p-bob');

    // Bob leaves: Ann (the host) is told and his ship goes.
    await bob.click('#leave');
    await waitFor(ann, (t) => t.messages.some((m: string) => /bob left/.test(m)) && t.ships.length === 1);
  }, 180_000);
});

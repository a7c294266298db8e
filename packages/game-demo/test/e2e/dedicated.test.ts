// Two players in two headless Chromium contexts press "Quick match" and meet on the dedicated
// Node game server (node-datachannel, one UDP port) the lobby assigns: they see each other move,
// a shot lands and the score changes on both, and when one leaves the other is told. Then a
// player hosts a private room in the browser and two headless bots join it by code and play.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLobbyServer } from '@tickwire/lobby-server';
import type { LobbyServer } from '@tickwire/lobby-server';
import { launchChromium, pickFreePort } from '@tickwire/testkit';
import type { Browser } from '@tickwire/testkit';
import { startDemoServer } from '../../src/serve.js';
import type { DemoServer } from '../../src/serve.js';
import { startBots } from '../../src/server/bots.js';
import { startGameServer } from '../../src/server/game-server.js';
import type { GameServer } from '../../src/server/game-server.js';
import { flyTo, openPlayer, screenshot, ships, shootAt, tw, waitFor } from './helpers.js';

const webRoot = new URL('../../dist/web', import.meta.url).pathname;

describe('arena in browsers with a dedicated server, and with bots', () => {
  let lobby: LobbyServer;
  let demo: DemoServer;
  let game: GameServer;
  let browser: Browser;
  beforeAll(async () => {
    lobby = await createLobbyServer({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      serverKeys: ['k'],
      modes: ['arena=2'],
    });
    game = await startGameServer({ lobbyUrl: lobby.url, serverKey: 'k', udpPort: await pickFreePort() });
    demo = await startDemoServer({ port: 0, webRoot, lobbyUrl: lobby.url });
    browser = await launchChromium({ exposeLocalIps: true });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await game?.close();
    await lobby?.close();
  });

  it('quick match on the dedicated server: move, hit, score, leave', async () => {
    const ann = await openPlayer(browser, demo.url, 'ann');
    const bob = await openPlayer(browser, demo.url, 'bob');
    await ann.click('#quick-match');
    await bob.click('#quick-match');
    for (const page of [ann, bob])
      await waitFor(page, (t) => t.state === 'playing' && t.ships.length === 2, 45_000);
    expect(await tw(ann, (t) => t.room.authority)).toBe('server');
    expect(await tw(ann, (t) => t.isHost)).toBe(false);
    const annSlot = await tw(ann, (t) => t.slot as number);
    const bobSlot = await tw(bob, (t) => t.slot as number);

    const before = (await ships(ann)).find((s) => s.player === bobSlot)!;
    const key = before.x > 800 ? 'a' : 'd';
    await bob.keyboard.down(key);
    await ann.waitForFunction(
      ([s, x0]) => Math.abs((window as any).__tickwire.ships.find((x: any) => x.player === s).x - x0) > 60,
      [bobSlot, before.x] as const,
      { timeout: 20_000 },
    );
    await bob.keyboard.up(key);

    await ann.click('#ready');
    await bob.click('#ready');
    await waitFor(ann, (t) => t.view?.match.phase === 'playing');
    const target = (await ships(ann)).find((s) => s.player === bobSlot)!;
    await flyTo(ann, target.x, target.y, 350);
    await shootAt(ann, bobSlot, async () => (await tw(ann, (t) => t.me?.score ?? 0)) >= 1, 40_000);
    await bob.waitForFunction(
      (s) => ((window as any).__tickwire.ships.find((x: any) => x.player === s)?.score ?? 0) >= 1,
      annSlot,
      {
        timeout: 20_000,
      },
    );
    expect(await tw(ann, (t) => t.net?.path)).toBe('host');
    expect(await tw(ann, (t) => t.canvasPainted())).toBe(true);
    expect(await tw(bob, (t) => t.canvasPainted())).toBe(true);
    await screenshot(ann, 'dedicated-ann');
    await screenshot(bob, 'dedicated-bob');

    await bob.click('#leave');
    await waitFor(ann, (t) => t.messages.some((m: string) => /bob (lost connection|left)/.test(m)));
    await ann.context().close();
    await bob.context().close();
  }, 180_000);

  it('headless bots join a browser-hosted room by code and play', async () => {
    const cat = await openPlayer(browser, demo.url, 'cat');
    await cat.click('#create-room');
    await waitFor(cat, (t) => t.state === 'playing' && t.room?.code !== undefined);
    const code = await tw(cat, (t) => t.room.code as string);
    const bots = await startBots({ lobbyUrl: lobby.url, count: 2, room: code });
    try {
      await waitFor(cat, (t) => t.ships.length === 3, 45_000);
      await cat.click('#ready');
      await waitFor(cat, (t) => t.view?.match.phase === 'playing');
      await waitFor(cat, (t) => t.counters.hits > 0, 60_000);
      expect(await tw(cat, (t) => t.canvasPainted())).toBe(true);
      await screenshot(cat, 'bots-cat');
    } finally {
      bots.close();
    }
  }, 180_000);
});

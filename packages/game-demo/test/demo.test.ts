// The demo page, served by the demo server, in a real headless Chromium: the two tickwire peers
// in the page connect over WebRTC, state flows and Pixi renders frames.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLobbyServer } from '@tickwire/lobby-server';
import type { LobbyServer } from '@tickwire/lobby-server';
import { hasChromium, launchChromium } from '@tickwire/testkit';
import { startDemoServer } from '../src/serve.js';
import type { DemoServer } from '../src/serve.js';

const webRoot = new URL('../dist/web', import.meta.url).pathname;

describe('demo server', () => {
  let demo: DemoServer;
  let lobby: LobbyServer;
  beforeAll(async () => {
    lobby = await createLobbyServer({ host: '127.0.0.1', port: 0, logLevel: 'silent' });
    demo = await startDemoServer({ port: 0, webRoot, lobbyUrl: lobby.url });
  });
  afterAll(async () => {
    await demo.close();
    await lobby.close();
  });

  it('serves the page and refuses paths outside the web root', async () => {
    const page = await fetch(demo.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="hud">');
    const config = (await (await fetch(new URL('/config.json', demo.url))).json()) as { lobbyUrl: string };
    expect(config.lobbyUrl).toBe(lobby.url);
    const escape = await fetch(new URL('/..%2f..%2fpackage.json', demo.url));
    expect([403, 404]).toContain(escape.status);
    expect((await fetch(new URL('/nope.js', demo.url))).status).toBe(404);
  });

  it.skipIf(!hasChromium)(
    'runs in Chromium: peers connect, state flows, frames render',
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
        await page.goto(demo.url);
        await page.waitForFunction(() => document.body.dataset['state'] === 'open', undefined, {
          timeout: 20_000,
        });
        await page.waitForFunction(() => Number(document.body.dataset['rtt']) > 0, undefined, {
          timeout: 20_000,
        });
        await page.waitForFunction(() => document.body.dataset['lobby'] === 'connected', undefined, {
          timeout: 20_000,
        });
        await page.mouse.move(100, 100);
        const hud = await page.textContent('#hud');
        expect(hud).toMatch(/rtt \d+\.\d+ ms/);
        expect(hud).toMatch(/\(([1-9]\d*) frames\)/);
        // Session ids are base64url: '-' and '_' belong to them (about one run in four has one).
        expect(hud).toMatch(/lobby: connected as [0-9a-z_-]{8}/i);
        expect(lobby.connectionCount()).toBe(1);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

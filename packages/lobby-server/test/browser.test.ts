// The lobby client in a real headless Chromium (bundled by vite, native WebSocket, WebCrypto for
// join tokens): it talks to a real lobby (Origin checked), hosts a room, and opens tickwire data
// channels with a Node peer whose signaling goes through the lobby.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '@tickwire/testkit';
import type { Browser } from '@tickwire/testkit';
import { connect as connectPeer } from '@tickwire/transport';
import type { MessageEvent } from '@tickwire/transport';
import { cleanup, connect, onCleanup, startLobby } from './helpers.js';

async function bundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('..', import.meta.url)),
    build: {
      write: false,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL('./fixtures/browser-entry.ts', import.meta.url)),
        formats: ['es'],
        fileName: 'lobby',
      },
    },
  });
  for (const out of Array.isArray(result) ? result : [result]) {
    if ('output' in out) {
      const chunk = out.output.find((o) => o.type === 'chunk');
      if (chunk?.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('vite produced no bundle');
}

// Runs in the page: connect to the lobby, host a room, and when a guest joins open data channels
// to it, check its join token, and echo. The browser offers here: with node-datachannel offering
// to a Chromium answerer, a CPU-starved run sometimes saw the Node side's ICE transport fail before
// its candidates went out ("Got a remote candidate without ICE transport"), reported to the
// transport owner; the lobby relayed every message in both cases.
const PAGE_SCRIPT = (origin: string, lobbyUrl: string) => `(async () => {
  const m = await import('${origin}/lobby.js');
  const client = await m.LobbyClient.connect({ url: '${lobbyUrl}', name: 'browser-host' });
  const room = await client.createRoom({ mode: 'duel', maxPlayers: 2, public: false });
  globalThis.__log = [];
  client.on('roomUpdate', (update) => {
    if (update.reason !== 'joined') return;
    const guestId = update.playerId;
    const conn = m.connect({ role: 'offerer', signaler: client.signalerFor(guestId) });
    conn.on('message', async (event) => {
      if (event.data && event.data.joinToken) {
        try {
          const claims = await m.verifyJoinToken(event.data.joinToken, client.joinKey, {
            authorityId: client.sessionId, roomId: room.id, playerId: guestId,
          });
          conn.send('reliable', { seated: claims.playerId });
        } catch (error) {
          conn.send('reliable', { refused: String(error && error.code) });
        }
        return;
      }
      globalThis.__log.push(event.data);
      conn.send(event.channel, { echo: event.data });
    });
    globalThis.__conn = conn;
  });
  return { sessionId: client.sessionId, code: room.code };
})()`;

describe.skipIf(!hasChromium)('lobby client in Chromium', () => {
  let browser: Browser;
  let code: string;

  beforeAll(async () => {
    code = await bundle();
    // The page talks WebRTC to node-datachannel, which cannot resolve mDNS host candidates.
    browser = await launchChromium({ exposeLocalIps: true });
  }, 60_000);

  afterAll(async () => {
    await cleanup();
    await browser?.close();
  });

  it('bundles for the browser without Node modules', () => {
    expect(code).not.toMatch(/from ['"](node:|ws['"])/);
    expect(code).not.toContain('node-datachannel');
    expect(code).toContain('LobbyClient');
  });

  it('hosts a room from the browser and opens data channels with a Node guest through the lobby', async () => {
    // The game page comes from a real HTTP server on loopback, like a local dev server (Chromium's
    // local-network-access checks refuse a page of unknown address space reaching 127.0.0.1).
    const site = createServer((req, res) => {
      const js = req.url === '/lobby.js';
      res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
      res.end(js ? code : '<!doctype html><title>lobby test</title>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    onCleanup(
      () =>
        new Promise<void>((resolve) => {
          site.close(() => resolve());
          site.closeAllConnections();
        }),
    );
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const server = await startLobby({ allowedOrigins: [origin] });
    const page = await browser.newPage();
    onCleanup(() => page.close());
    await page.goto(`${origin}/`);
    const hosted = (await page.evaluate(PAGE_SCRIPT(origin, server.url))) as {
      sessionId: string;
      code: string;
    };

    const guest = await connect(server, { name: 'node-guest' });
    await guest.joinRoom({ code: hosted.code });
    expect(guest.room?.authority).toEqual({ kind: 'player', playerId: hosted.sessionId });
    // What crossed the lobby, shown if the connection fails (to tell signaling from ICE trouble).
    const trace: string[] = [];
    guest.on('signal', (_from, data) =>
      trace.push(`in:${data.kind}${data.kind === 'description' ? `:${data.type}` : ''}`),
    );
    guest.on('error', (error) => trace.push(`error:${error.code}`));
    const peer = connectPeer({ role: 'answerer', signaler: guest.signalerFor(hosted.sessionId) });
    onCleanup(() => peer.close());
    await peer.opened.catch((error: unknown) => {
      throw new Error(`data channels did not open (${String(error)}); signaling seen: ${trace.join(' ')}`);
    });
    const replies: unknown[] = [];
    const got = (n: number) =>
      new Promise<void>((resolve) => {
        const off = peer.on('message', (event: MessageEvent) => {
          replies.push(event.data);
          if (replies.length >= n) {
            off();
            resolve();
          }
        });
      });
    const first = got(1);
    peer.send('reliable', { joinToken: guest.joinToken });
    await first;
    expect(replies[0]).toEqual({ seated: guest.sessionId });
    const second = got(2);
    peer.send('reliable', { hello: 'from node' });
    await second;
    expect(replies[1]).toEqual({ echo: { hello: 'from node' } });
    expect(await page.evaluate(() => (globalThis as unknown as { __log: unknown[] }).__log)).toEqual([
      { hello: 'from node' },
    ]);
  });
});

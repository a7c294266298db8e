// The browser build of the transport, in a real headless Chromium, opens both channels to a real
// node-datachannel peer in this process and exchanges messages both ways. Signaling crosses the
// page boundary through Playwright (exposeFunction one way, evaluate the other).
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, hasTurnserver, launchChromium, startCoturn } from '@tickwire/testkit';
import type { Browser, Page } from '@tickwire/testkit';
import { connect } from '../src/index.js';
import type { SignalMessage, Signaler } from '../src/index.js';
import { nextMessages, onCleanup } from './helpers.js';

const ORIGIN = 'http://tickwire.test';

// Runs in the page (kept as a string so the test runner's module transform never touches it):
// loads the browser bundle, builds a Signaler over the exposed functions, connects (as offerer
// unless globalThis.__twRole says otherwise) and echoes every message back on the channel it came
// from.
const PAGE_SETUP = `(async () => {
  const tw = await import('${ORIGIN}/tw.js');
  const listeners = new Set();
  const backlog = [];
  globalThis.__twDeliver = (m) => {
    if (listeners.size === 0) backlog.push(m);
    for (const l of listeners) l(m);
  };
  const signaler = {
    send: (m) => globalThis.__twToNode(m),
    onMessage: (h) => {
      listeners.add(h);
      for (const m of backlog.splice(0)) h(m);
      return () => listeners.delete(h);
    },
  };
  const conn = tw.connect({ role: globalThis.__twRole ?? 'offerer', signaler });
  globalThis.__twReceived = [];
  conn.on('message', (e) => {
    globalThis.__twReceived.push({ channel: e.channel, data: e.raw ? Array.from(e.data) : e.data });
    conn.send(e.channel, { echo: e.raw ? 'raw' : e.data });
  });
  globalThis.__tw = conn;
})()`;

async function bundleBrowserEntry(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('..', import.meta.url)),
    build: {
      write: false,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL('../src/browser.ts', import.meta.url)),
        formats: ['es'],
        fileName: 'tw',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const out of outputs) {
    if ('output' in out) {
      const chunk = out.output.find((o) => o.type === 'chunk');
      if (chunk && chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('vite produced no bundle');
}

describe.skipIf(!hasChromium)('browser transport against a Node peer', () => {
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    bundle = await bundleBrowserEntry();
    // The page talks WebRTC to node-datachannel, which cannot resolve mDNS host candidates.
    browser = await launchChromium({ exposeLocalIps: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('bundles without Node modules', () => {
    expect(bundle).not.toContain('node-datachannel');
    expect(bundle).not.toMatch(/from ['"]node:/);
    expect(bundle).toContain('RTCPeerConnection');
  });

  async function openPage(): Promise<Page> {
    const page = await browser.newPage();
    onCleanup(() => page.close());
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = route.request().url();
      if (url.endsWith('/tw.js')) {
        return route.fulfill({ contentType: 'text/javascript', body: bundle });
      }
      return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>tickwire test</title>' });
    });
    await page.goto(`${ORIGIN}/`);
    return page;
  }

  /** A page running the browser build as `role`, and the Node side of its signaling. */
  async function browserPeer(
    role: 'offerer' | 'answerer',
  ): Promise<{ page: Page; nodeSignaler: Signaler; fromPage: SignalMessage[] }> {
    const page = await openPage();
    // Node side signaler: outgoing messages are delivered into the page, incoming come from it.
    const handlers = new Set<(m: SignalMessage) => void>();
    const backlog: SignalMessage[] = []; // the page may offer before the Node side listens
    const fromPage: SignalMessage[] = [];
    const nodeSignaler: Signaler = {
      send: (message) =>
        page.evaluate((m) => (globalThis as any).__twDeliver(m), message as never).then(() => undefined),
      onMessage: (handler) => {
        handlers.add(handler);
        for (const m of backlog.splice(0)) handler(m);
        return () => handlers.delete(handler);
      },
    };
    await page.exposeFunction('__twToNode', (m: SignalMessage) => {
      fromPage.push(m);
      if (handlers.size === 0) backlog.push(m);
      for (const h of handlers) h(m);
    });
    await page.evaluate((r) => ((globalThis as any).__twRole = r), role);
    await page.evaluate(PAGE_SETUP);
    await page.waitForFunction(() => (globalThis as any).__tw !== undefined);
    return { page, nodeSignaler, fromPage };
  }

  it('opens both channels and exchanges messages both ways', async () => {
    const { page, nodeSignaler } = await browserPeer('offerer');
    const node = connect({ role: 'answerer', signaler: nodeSignaler });
    onCleanup(() => node.close());
    await node.opened;
    await page.waitForFunction(() => (globalThis as any).__tw.state === 'open');
    expect(await page.evaluate(() => (globalThis as any).__tw.state)).toBe('open');

    const echoes = nextMessages(node, 3);
    node.send('reliable', { hello: 'browser', list: [1, 2, { deep: true }] });
    node.send('unreliable', { tick: 42 });
    node.sendRaw('unreliable', new Uint8Array([9, 8, 7]));
    const got = await echoes;
    const byChannelData = got.map((m) => [m.channel, m.data]);
    expect(byChannelData).toContainEqual([
      'reliable',
      { echo: { hello: 'browser', list: [1, 2, { deep: true }] } },
    ]);
    expect(byChannelData).toContainEqual(['unreliable', { echo: { tick: 42 } }]);
    expect(byChannelData).toContainEqual(['unreliable', { echo: 'raw' }]);
    const inPage = await page.evaluate(() => (globalThis as any).__twReceived);
    expect(inPage).toContainEqual({ channel: 'unreliable', data: [9, 8, 7] });

    const stats = await page.evaluate(() => (globalThis as any).__tw.stats());
    expect(stats.unreliable.messagesReceived).toBeGreaterThanOrEqual(2);
    expect(stats.reliable.messagesSent).toBe(1);
    await page.evaluate(() => (globalThis as any).__tw.close());
  });

  it.skipIf(!hasTurnserver)(
    'answers a passive Node offer that names its host addresses (a Node offerer behind a NAT)',
    async () => {
      // With a STUN server on loopback the Node offerer's reflexive address (127.0.0.1) is none of
      // its host addresses: it asks to be the DTLS server and adds its `a=x-tickwire-hosts` hint,
      // which Chromium must ignore; Chromium answers as the client.
      const turn = await startCoturn({ auth: { user: 'tickwire', password: 'turn-password-for-tests' } });
      onCleanup(() => turn.stop());
      const { nodeSignaler, fromPage } = await browserPeer('answerer');
      const sent: SignalMessage[] = [];
      const node = connect({
        role: 'offerer',
        iceServers: [{ urls: turn.stunUrl }],
        signaler: { ...nodeSignaler, send: (m) => (sent.push(m), nodeSignaler.send(m)) },
      });
      onCleanup(() => node.close());
      await node.opened;
      const offer = sent.find((m) => m.kind === 'description') as { sdp: string } | undefined;
      expect(offer?.sdp).toMatch(/^a=setup:passive\r?$/m);
      expect(offer?.sdp).toMatch(/^a=x-tickwire-hosts:\S+/m);
      const answer = fromPage.find((m) => m.kind === 'description') as { sdp: string } | undefined;
      expect(answer?.sdp).toMatch(/^a=setup:active\r?$/m);
      const echo = nextMessages(node, 1);
      node.send('reliable', { hello: 1 });
      expect((await echo).map((m) => m.data)).toEqual([{ echo: { hello: 1 } }]);
    },
    60_000,
  );

  it('answers a Node offer: the other topology (an authority offering to browser clients)', async () => {
    // A Node offerer without STUN/TURN servers asks for the client role (`a=setup:active`, no NAT
    // to tell of), so Chromium is the DTLS server here. 20 pairs in a row (when Chromium answered
    // an open role as the client), idle and with two busy loops on the 2 cores, all opened in
    // 36-187 ms: no stall.
    for (let i = 0; i < 3; i++) {
      const { page, nodeSignaler, fromPage } = await browserPeer('answerer');
      const node = connect({ role: 'offerer', signaler: nodeSignaler });
      onCleanup(() => node.close());
      await node.opened;
      await page.waitForFunction(() => (globalThis as any).__tw.state === 'open');
      const answer = fromPage.find((m) => m.kind === 'description');
      expect(answer).toMatchObject({ kind: 'description', type: 'answer' });
      const echo = nextMessages(node, 2);
      node.send('reliable', { i });
      node.send('unreliable', { u: i });
      const got = (await echo).map((m) => [m.channel, m.data]);
      expect(got).toContainEqual(['reliable', { echo: { i } }]);
      expect(got).toContainEqual(['unreliable', { echo: { u: i } }]);
      node.close();
      await page.close();
    }
  }, 60_000);
});

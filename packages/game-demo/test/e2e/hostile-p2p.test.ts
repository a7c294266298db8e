// A hostile player against a browser host (P2P): a player hosts a room in headless Chromium, a Node
// player (the game's own ArenaSession, node-datachannel) joins it by code through the real lobby
// and then floods the host with input packets (20 packets of 63 new inputs every 16 ms). The host's
// sync layer budgets the flood, counts it and cuts the player off, and the browser host keeps
// ticking and moving its own player's ship all the while.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLobbyServer } from '@tickwire/lobby-server';
import type { LobbyServer } from '@tickwire/lobby-server';
import { connect, INPUT_STREAM } from '@tickwire/transport';
import type { Connection, ConnectionOptions } from '@tickwire/transport';
import { encodeInputPacket, quantizeInput } from '@tickwire/transport/internals';
import { launchChromium } from '@tickwire/testkit';
import type { Browser } from '@tickwire/testkit';
import { startDemoServer } from '../../src/serve.js';
import type { DemoServer } from '../../src/serve.js';
import { ArenaSession } from '../../src/net/session.js';
import { arenaInput } from '../../src/net/schema.js';
import { openPlayer, tw, waitFor } from './helpers.js';

const webRoot = new URL('../../dist/web', import.meta.url).pathname;

describe('a browser host under a flooding player', () => {
  let lobby: LobbyServer;
  let demo: DemoServer;
  let browser: Browser;
  let eve: ArenaSession | undefined;
  beforeAll(async () => {
    lobby = await createLobbyServer({ host: '127.0.0.1', port: 0, logLevel: 'silent' });
    demo = await startDemoServer({ port: 0, webRoot, lobbyUrl: lobby.url });
    browser = await launchChromium({ exposeLocalIps: true });
  });
  afterAll(async () => {
    eve?.close();
    await browser?.close();
    await demo?.close();
    await lobby?.close();
  });

  it('keeps ticking and cuts the flooder off', async () => {
    const ann = await openPlayer(browser, demo.url, 'ann');
    await ann.click('#create-room');
    await waitFor(ann, (t) => t.room?.code !== undefined && t.state === 'playing');
    const code = await tw(ann, (t) => t.room.code as string);

    const connections: Connection[] = [];
    eve = await ArenaSession.start({
      lobbyUrl: lobby.url,
      name: 'eve',
      botsAfterMs: 0,
      connect: (options: ConnectionOptions) => {
        const connection = connect(options);
        connections.push(connection);
        return connection;
      },
    });
    await eve.joinRoom(code);
    await waitFor(ann, (t) => t.host?.players === 2 && t.ships.length === 2);
    const toHost = connections.find((c) => c.state === 'open')!;
    expect(toHost).toBeDefined();

    const q = quantizeInput(arenaInput.type, { mx: 1, my: 0, aim: 0, fire: true, view: 0, rewind: false });
    let seq = 1_000_000;
    const flood = setInterval(() => {
      if (toHost.state !== 'open') return;
      for (let i = 0; i < 20; i++) {
        const bytes = encodeInputPacket(arenaInput, {
          ackTick: undefined,
          loss: 0,
          newestSeq: (seq += 63),
          inputs: Array.from({ length: 63 }, () => q),
        });
        toHost.sendRaw('unreliable', bytes, { stream: INPUT_STREAM, latestOnly: false });
      }
    }, 16);
    try {
      const before = await tw(ann, (t) => ({ tick: t.host.tick as number, x: t.me?.x as number }));
      const started = Date.now();
      await ann.keyboard.down('d');
      await waitFor(ann, (t) => t.host.violations >= 1, 20_000);
      const floodedMs = Date.now() - started;
      await ann.keyboard.up('d');
      const after = await tw(ann, (t) => ({
        tick: t.host.tick as number,
        x: t.me?.x as number,
        host: t.host,
      }));
      // The host simulated on (60 Hz) through the flood: at least a third of real time, on a busy machine.
      expect(after.tick - before.tick).toBeGreaterThan((floodedMs / 1000) * 20);
      expect(Math.abs(after.x - before.x)).toBeGreaterThan(20);
      expect(after.host.packetsOverBudget + after.host.inputOverflow).toBeGreaterThan(100);
      console.log(
        `browser host: flooded ${floodedMs} ms, host ticks ${after.tick - before.tick}, ` +
          `last tick ${after.host.tickMs.toFixed(2)} ms, stats ${JSON.stringify(after.host)}`,
      );
    } finally {
      clearInterval(flood);
    }
  }, 120_000);
});

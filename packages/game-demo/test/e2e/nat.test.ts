// The arena between two Chromium players on different NATed networks, through a lobby on the lab's
// public host: each browser runs inside its own netlab namespace (Ann behind a symmetric NAT, Bob
// behind a port-restricted cone NAT), loads the page from the lab's server, and meets the other
// through the lobby, with the lobby's coturn credentials. Ann hosts the room; Bob's connection to
// her can only go through the TURN relay (a symmetric NAT and an address-and-port-filtering one do
// not hole-punch), and each sees the other's ship move. A screenshot per player.
import { randomBytes } from 'node:crypto';
import { createInternetLab, isNetlabSupported, nextMessage } from '@tickwire/netlab';
import type { InternetLab, NetHost } from '@tickwire/netlab';
import { hasChromium, hasTurnserver, launchChromium, startCoturn } from '@tickwire/testkit';
import type { Browser, Coturn, CoturnSecretAuth } from '@tickwire/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlayer, screenshot, tw, waitFor } from './helpers.js';
import { seesMove } from './play.js';

const support = isNetlabSupported();
const webRoot = new URL('../../dist/web', import.meta.url).pathname;
const SERVER = new URL('./fixtures/lab-arena-server.mjs', import.meta.url);

describe.skipIf(!support.ok || !hasTurnserver || !hasChromium)('arena between two NATed browsers', () => {
  let lab: InternetLab;
  let turn: Coturn<CoturnSecretAuth> | undefined;
  let pageUrl = '';
  const browsers: Browser[] = [];

  const browserIn = async (host: NetHost): Promise<Browser> => {
    const browser = await launchChromium({
      namespace: host.namespace,
      // The page is plain http on the lab's server; join tokens use WebCrypto (secure contexts only).
      args: [`--unsafely-treat-insecure-origin-as-secure=${new URL(pageUrl).origin}`],
    });
    browsers.push(browser);
    return browser;
  };

  beforeAll(async () => {
    lab = await createInternetLab({ sites: { sym: 'symmetric', cone: 'restricted-cone' } });
    turn = await startCoturn({
      auth: { secret: randomBytes(24).toString('hex') },
      listeningIp: lab.server.ip,
      relayIp: lab.server.ip,
      port: 3478,
      spawn: (command, args, options) => lab.server.spawn(command, args, options),
    });
    const server = lab.server.spawnNode(SERVER, {
      args: [
        lab.server.ip,
        lab.serverAltIp,
        turn.auth.secret,
        [turn.url, turn.tcpUrl].join(','),
        turn.stunUrl,
        webRoot,
      ],
    });
    ({ pageUrl } = await nextMessage<{ pageUrl: string }>(server, (m: any) => m.ev === 'listening', 30_000));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
    await turn?.stop();
    await lab?.close(); // also kills the lobby and page server
  }, 60_000);

  it(
    'Ann (symmetric NAT) hosts, Bob (cone NAT) joins by code over TURN; each sees the other move',
    { timeout: 240_000 },
    async () => {
      const [annBrowser, bobBrowser] = await Promise.all([
        browserIn(lab.site('sym').host),
        browserIn(lab.site('cone').host),
      ]);
      const ann = await openPlayer(annBrowser, pageUrl, 'ann');
      const bob = await openPlayer(bobBrowser, pageUrl, 'bob');
      await ann.click('#create-room');
      await waitFor(ann, (t) => t.room?.code !== undefined && t.state === 'playing');
      const code = await tw(ann, (t) => t.room.code as string);
      await bob.fill('#join-code', code);
      await bob.click('#join-room');
      await waitFor(bob, (t) => t.state === 'playing' && t.ships.length === 2, 60_000);
      await waitFor(ann, (t) => t.ships.length === 2);
      expect(await tw(ann, (t) => t.isHost)).toBe(true);

      // Bob's connection to Ann's browser crosses both NATs: only the relay on the lab's server works.
      // The page asks Chromium for the selected pair once a second until it names one (it asked only
      // once, when the connection opened, before: a CI run then saw Bob's path unknown for 30 s);
      // after a relay fallback Chromium has been seen without a selected pair for a while (bench
      // nat-browser), so this waits longer.
      await waitFor(bob, (t) => t.net !== undefined && t.net.path !== 'unknown', 60_000);
      expect(await tw(bob, (t) => t.net.path as string)).toBe('relay');

      const annSlot = await tw(ann, (t) => t.slot as number);
      const bobSlot = await tw(bob, (t) => t.slot as number);
      for (const [mover, watcher, slot] of [
        [bob, ann, bobSlot],
        [ann, bob, annSlot],
      ] as const) {
        await seesMove(mover, watcher, slot);
      }
      expect(await tw(ann, (t) => t.canvasPainted())).toBe(true);
      expect(await tw(bob, (t) => t.canvasPainted())).toBe(true);
      await screenshot(ann, 'nat-ann-symmetric');
      await screenshot(bob, 'nat-bob-cone');
      // One screenshot at load 19 caught Bob "reconnecting" right after the moves (not seen again in
      // 45 s of play at load 4-9): say in the log whether and why a connection ended during the test.
      for (const [name, page] of [
        ['ann', ann],
        ['bob', bob],
      ] as const)
        console.log(
          `nat: ${name} ${JSON.stringify(await tw(page, (t) => ({ states: t.states, closes: t.closes })))}`,
        );
    },
  );
});

// Shared parts of the browser tests: the fixture every e2e file starts from (a real lobby, the
// page server, optionally the dedicated game server, one Chromium; a browser context per player,
// a screenshot per player), and the steps they share: wait on window.__tickwire, steer a ship
// with real key presses toward a target, shoot at another ship.
import { mkdir } from 'node:fs/promises';
import { createLobbyServer } from '@tickwire/lobby-server';
import type { LobbyServer } from '@tickwire/lobby-server';
import { launchChromium, pickFreePort } from '@tickwire/testkit';
import type { Browser, Page } from '@tickwire/testkit';
import { startDemoServer } from '../../src/serve.js';
import type { DemoServer } from '../../src/serve.js';
import { startGameServer } from '../../src/server/game-server.js';
import type { GameServer } from '../../src/server/game-server.js';

export const artifacts = new URL('../../test-artifacts/', import.meta.url).pathname;
const webRoot = new URL('../../dist/web', import.meta.url).pathname;

export type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>;

export interface ArenaFixtureOptions {
  /** Also run the dedicated game server (quick match lands on it). */
  dedicated?: boolean;
  /** Round length on the dedicated server, s. */
  roundSeconds?: number;
}

export interface ArenaFixture {
  readonly lobby: LobbyServer;
  readonly demo: DemoServer;
  /** The dedicated game server, when asked for. */
  readonly game: GameServer | undefined;
  readonly browser: Browser;
  /** A player's page in a browser context of its own, booted to the menu. */
  open(name: string, context?: ContextOptions): Promise<Page>;
  /** Saves one screenshot per player opened since the last `closePlayers`: `<prefix>-<name>.png`. */
  screenshots(prefix: string): Promise<void>;
  /** Closes the players' browser contexts (between tests). */
  closePlayers(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts what a browser test plays against. Call in beforeAll; `close` in afterAll stops all of
 * it, whatever started (a part that failed to start leaves nothing behind).
 */
export async function startArena(options: ArenaFixtureOptions = {}): Promise<ArenaFixture> {
  const stops: (() => Promise<void>)[] = [];
  const players = new Map<string, Page>();
  const closePlayers = async () => {
    const pages = [...players.values()];
    players.clear();
    await Promise.all(
      pages.map((page) =>
        page
          .context()
          .close()
          .catch(() => {}),
      ),
    );
  };
  const close = async () => {
    await closePlayers();
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
  };
  try {
    const lobby = await createLobbyServer({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      ...(options.dedicated === true ? { serverKeys: ['k'], modes: ['arena=2'] } : {}),
    });
    stops.push(() => lobby.close());
    let game: GameServer | undefined;
    if (options.dedicated === true) {
      const started = await startGameServer({
        lobbyUrl: lobby.url,
        serverKey: 'k',
        udpPort: await pickFreePort(),
        ...(options.roundSeconds === undefined ? {} : { roundSeconds: options.roundSeconds }),
      });
      game = started;
      stops.push(() => started.close());
    }
    const demo = await startDemoServer({ port: 0, webRoot, lobbyUrl: lobby.url });
    stops.push(() => demo.close());
    const browser = await launchChromium({ exposeLocalIps: true });
    stops.push(() => browser.close());
    return {
      lobby,
      demo,
      game,
      browser,
      open: async (name, context) => {
        const page = await openPlayer(browser, demo.url, name, context);
        players.set(name, page);
        return page;
      },
      screenshots: async (prefix) => {
        for (const [name, page] of players) if (!page.isClosed()) await screenshot(page, `${prefix}-${name}`);
      },
      closePlayers,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface ShipInfo {
  player: number;
  x: number;
  y: number;
  score: number;
  hp: number;
  alive: boolean;
  name: string;
}

export async function openPlayer(
  browser: Browser,
  url: string,
  name: string,
  options: ContextOptions = { viewport: { width: 960, height: 600 } },
): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
  await page.goto(`${url}?name=${name}`);
  // Booting Pixi on SwiftShader is slow on a loaded machine: be patient here, not in the steps.
  await page.waitForFunction(() => (window as any).__tickwire?.state === 'menu', undefined, {
    timeout: 60_000,
  });
  return page;
}

export const tw = <T>(page: Page, fn: (t: any, a: any) => T, arg?: unknown): Promise<T> =>
  page.evaluate(
    ([source, a]) => {
      const f = new Function('t', 'a', `return (${source})(t, a)`) as (t: unknown, a: unknown) => T;
      return f((window as any).__tickwire, a);
    },
    [fn.toString(), arg] as const,
  );

export async function waitFor(page: Page, fn: (t: any) => boolean, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (source) => {
      const f = new Function('t', `return (${source})(t)`) as (t: unknown) => boolean;
      return f((window as any).__tickwire);
    },
    fn.toString(),
    { timeout, polling: 100 },
  );
}

export const ships = (page: Page): Promise<ShipInfo[]> =>
  tw(page, (t) => t.ships.map((s: ShipInfo) => ({ ...s })));

/**
 * Holds the keys that fly `page`'s ship toward (x, y) until it is within `range`. It gives up when
 * the ship has not come 20 px nearer for `timeoutMs`: that is a ship that does not answer its keys.
 * A page starved of frames on a loaded machine still closes in, only slower (it steps at most six
 * 60 Hz inputs a frame), so the wait is for progress, not for wall time. The error says where the
 * ship was and how many frames and input steps the page ran meanwhile.
 */
export async function flyTo(
  page: Page,
  x: number,
  y: number,
  range: number,
  timeoutMs = 20_000,
): Promise<void> {
  const started = Date.now();
  let progressAt = started;
  let best = Infinity;
  let first: number | undefined;
  const counted = () => tw(page, (t) => ({ frames: t.counters.frames, inputs: t.counters.inputs }));
  const before = await counted();
  const held = new Set<string>();
  const set = async (key: string, down: boolean) => {
    if (down && !held.has(key)) {
      await page.keyboard.down(key);
      held.add(key);
    } else if (!down && held.has(key)) {
      await page.keyboard.up(key);
      held.delete(key);
    }
  };
  let me: ShipInfo | undefined;
  try {
    while (Date.now() - progressAt < timeoutMs) {
      me = await tw(page, (t) => t.me);
      if (me === undefined) throw new Error('no ship');
      const dx = x - me.x;
      const dy = y - me.y;
      const distance = Math.hypot(dx, dy);
      first ??= distance;
      if (distance < range) {
        const after = await counted();
        console.log(
          `flyTo: ${Math.round(first)} px to within ${range} px in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
            `${after.frames - before.frames} frames, ${after.inputs - before.inputs} input steps`,
        );
        return;
      }
      if (distance < best - 20) {
        best = distance;
        progressAt = Date.now();
      }
      await set('d', dx > 40);
      await set('a', dx < -40);
      await set('s', dy > 40);
      await set('w', dy < -40);
      await new Promise((r) => setTimeout(r, 60));
    }
    const after = await counted();
    const seconds = (Date.now() - started) / 1000;
    throw new Error(
      `did not get there: no 20 px nearer in ${timeoutMs} ms; ship at ` +
        `${JSON.stringify(me && { x: Math.round(me.x), y: Math.round(me.y), alive: me.alive })}, ` +
        `${Math.round(best)} px from (${Math.round(x)}, ${Math.round(y)}) at best (${Math.round(first ?? NaN)} at first); in ${seconds.toFixed(1)} s ` +
        `the page ran ${after.frames - before.frames} frames and ${after.inputs - before.inputs} input steps`,
    );
  } finally {
    for (const key of [...held]) await set(key, false);
  }
}

/** What the authority saw of a seat (see `serverSeat`, `hostedSeat`), for shootAt's failure message. */
export type AuthorityProbe = (slot: number) => Promise<unknown>;

/** The dedicated server's report on seat `slot` (ArenaHost.stats().seats) in each of its matches. */
export const serverSeat =
  (game: GameServer): AuthorityProbe =>
  async (slot) =>
    [...game.matches.values()].map((match) => match.stats().seats.find((s) => s.slot === slot));

/** The report on seat `slot` from whichever of `pages` hosts the match now (P2P). */
export const hostedSeat =
  (pages: readonly Page[]): AuthorityProbe =>
  async (slot) => {
    for (const page of pages) {
      if (page.isClosed() || !(await tw(page, (t) => t.isHost as boolean))) continue;
      return tw(page, (t, s) => t.host?.seats.find((x: { slot: number }) => x.slot === s), slot);
    }
    return 'no page hosts the match';
  };

/**
 * Aims the mouse at another player's ship and holds Space until `done` or the timeout. On a timeout
 * the error says what the page saw and sent (its aim against the bearing to the target, the input
 * steps and fire inputs it sent, what lies under the target on screen) and, given `authority`,
 * what the authority made of the shooter's inputs (applied, fire inputs, shots, hits, drops).
 */
export async function shootAt(
  page: Page,
  targetPlayer: number,
  done: () => Promise<boolean>,
  timeoutMs = 30_000,
  authority?: AuthorityProbe,
): Promise<void> {
  const started = Date.now();
  const sentBefore = await tw(page, (t) => ({ inputs: t.counters.inputs, fire: t.counters.fireInputs }));
  await page.keyboard.down(' ');
  try {
    while (Date.now() - started < timeoutMs) {
      const target: ShipInfo | undefined = await tw(
        page,
        (t, p) => t.ships.find((s: ShipInfo) => s.player === p),
        targetPlayer,
      );
      if (target !== undefined && target.alive) {
        const at = await tw(page, (t, xy) => t.toScreen(xy[0], xy[1]), [target.x, target.y]);
        await page.mouse.move(at.x, at.y);
      }
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 80));
    }
    const seen = await tw(
      page,
      (t, a) => {
        const target = t.ships.find((s: ShipInfo) => s.player === a.p);
        const at = target === undefined ? undefined : t.toScreen(target.x, target.y);
        const under = at === undefined ? null : document.elementFromPoint(at.x, at.y);
        const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 1000) / 1000);
        return {
          score: t.me?.score,
          hits: t.counters.hits,
          frames: t.counters.frames,
          sent: { inputs: t.counters.inputs - a.before.inputs, fire: t.counters.fireInputs - a.before.fire },
          aim: round(t.aim),
          bearing:
            t.me === undefined || target === undefined
              ? undefined
              : round(Math.atan2(target.y - t.me.y, target.x - t.me.x)),
          me: t.me && { x: Math.round(t.me.x), y: Math.round(t.me.y) },
          target: target && {
            x: Math.round(target.x),
            y: Math.round(target.y),
            hp: target.hp,
            alive: target.alive,
          },
          underTarget:
            under === null ? null : `${under.tagName.toLowerCase()}${under.id === '' ? '' : `#${under.id}`}`,
        };
      },
      { p: targetPlayer, before: sentBefore },
    );
    const slot = await tw(page, (t) => t.slot as number | undefined);
    const saw =
      authority === undefined || slot === undefined
        ? undefined
        : await authority(slot).catch((error: unknown) => `probe failed: ${String(error)}`);
    throw new Error(
      `shots did not land in time: page ${JSON.stringify(seen)}` +
        (saw === undefined ? '' : `; authority on seat ${slot}: ${JSON.stringify(saw)}`),
    );
  } finally {
    await page.keyboard.up(' ');
  }
}

/** A player's own ship and session as the page says: what must survive a reconnect. */
export const seatOf = (page: Page) =>
  tw(page, (t) => ({ slot: t.slot, id: t.me?.id, score: t.me?.score, deaths: t.me?.deaths }));

/** Presses the lab panel's "Drop connection" (L opens the panel) and waits for the seat to come back. */
export async function dropAndReconnect(page: Page): Promise<void> {
  const connects = await tw(page, (t) => t.connects as number);
  const seen = await tw(page, (t) => t.states.length as number);
  await page.keyboard.press('l');
  await page.click('#lab-drop');
  await page.keyboard.press('l');
  await page.waitForFunction(
    ([c, n]) => {
      const t = (window as any).__tickwire;
      return t.state === 'playing' && t.connects > c && t.states.slice(n).includes('reconnecting');
    },
    [connects, seen] as const,
    { timeout: 30_000, polling: 100 },
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}${name}.png` });
}

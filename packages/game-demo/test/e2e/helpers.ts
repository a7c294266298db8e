// Shared steps of the browser tests: open a player's page, wait on window.__tickwire, steer a ship
// with real key presses toward a target, save a screenshot per player.
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from '@tickwire/testkit';

export const artifacts = new URL('../../test-artifacts/', import.meta.url).pathname;

export interface ShipInfo {
  player: number;
  x: number;
  y: number;
  score: number;
  hp: number;
  alive: boolean;
  name: string;
}

export async function openPlayer(browser: Browser, url: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 960, height: 600 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] page error`, error));
  await page.goto(`${url}?name=${name}`);
  await page.waitForFunction(() => (window as any).__tickwire?.state === 'menu', undefined, {
    timeout: 30_000,
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

/** Holds the keys that fly `page`'s ship toward (x, y) until it is within `range`. */
export async function flyTo(
  page: Page,
  x: number,
  y: number,
  range: number,
  timeoutMs = 20_000,
): Promise<void> {
  const started = Date.now();
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
  try {
    while (Date.now() - started < timeoutMs) {
      const me = await tw(page, (t) => t.me);
      if (me === undefined) throw new Error('no ship');
      const dx = x - me.x;
      const dy = y - me.y;
      if (Math.hypot(dx, dy) < range) return;
      await set('d', dx > 40);
      await set('a', dx < -40);
      await set('s', dy > 40);
      await set('w', dy < -40);
      await new Promise((r) => setTimeout(r, 60));
    }
    throw new Error('did not get there in time');
  } finally {
    for (const key of [...held]) await set(key, false);
  }
}

/** Aims the mouse at another player's ship and holds Space until `done` or the timeout. */
export async function shootAt(
  page: Page,
  targetPlayer: number,
  done: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const started = Date.now();
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
    throw new Error('shots did not land in time');
  } finally {
    await page.keyboard.up(' ');
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}${name}.png` });
}

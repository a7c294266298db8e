// A phone in landscape: a Chromium context with a phone's viewport, touch and mobile flags hosts
// a room with a bot and plays with its fingers only (real touch events through the DevTools
// protocol: a held thumb on the left half is the stick, a held touch on the right half aims and
// fires). The canvas fills the window, and the HUD fits on the small screen (screenshot).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@tickwire/testkit';
import { startArena, tw, waitFor } from './helpers.js';
import type { ArenaFixture } from './helpers.js';

/** A landscape phone (about an iPhone 12's CSS size). */
const PHONE = {
  viewport: { width: 844, height: 390 },
  deviceScaleFactor: 2,
  hasTouch: true,
  isMobile: true,
} as const;

type TouchType = 'touchStart' | 'touchMove' | 'touchEnd';

async function touchDriver(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  // The protocol lists the touches still down: none on touchEnd.
  return (type: TouchType, points: { x: number; y: number; id: number }[]) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : points.map((p) => ({ x: p.x, y: p.y, id: p.id })),
    });
}

describe('the arena on a phone in landscape', () => {
  let arena: ArenaFixture;
  beforeAll(async () => {
    arena = await startArena();
  });
  afterAll(async () => {
    await arena?.close();
  });

  it('touch steers, aims and fires; the canvas fills the window; the HUD fits', async () => {
    const started = performance.now();
    const step = (what: string) =>
      console.log(`phone: ${what} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const phone = await arena.open('phone', PHONE);
    step('booted');
    await phone.tap('#create-room');
    await waitFor(phone, (t) => t.state === 'playing' && t.me !== undefined);
    await phone.tap('#add-bot');
    await waitFor(phone, (t) => t.ships.length === 2);
    step('playing with a bot');

    // The canvas fills the whole window.
    const fit = await phone.evaluate(() => {
      const canvas = document.querySelector('canvas')!.getBoundingClientRect();
      return {
        w: canvas.width,
        h: canvas.height,
        left: canvas.left,
        top: canvas.top,
        iw: innerWidth,
        ih: innerHeight,
      };
    });
    expect(fit).toEqual({ w: 844, h: 390, left: 0, top: 0, iw: 844, ih: 390 });

    const touch = await touchDriver(phone);
    // The left half is a stick: a thumb put down and dragged right moves the ship right.
    const x0 = await tw(phone, (t) => t.me.x as number);
    const right = x0 < 1100;
    await touch('touchStart', [{ x: 150, y: 250, id: 1 }]);
    await touch('touchMove', [{ x: right ? 230 : 70, y: 250, id: 1 }]);
    await phone.waitForFunction(
      ([start, dir]) => ((window as any).__tickwire.me.x - start) * dir > 60,
      [x0, right ? 1 : -1] as const,
      { timeout: 20_000 },
    );
    await touch('touchEnd', []);
    step('stick moved the ship');

    // The right half aims and fires: a held touch turns the ship toward it and shoots there.
    // A point on the right half where the finger meets the canvas (not the room panel), away
    // from the ship so the aim angle is well defined.
    const screen = await tw(phone, (t) => {
      const me = t.toScreen(t.me.x, t.me.y);
      const canvas = document.querySelector('canvas');
      for (const y of [300, 340, 200, 250, 160])
        for (const x of [780, 700, 620, 540, 460]) {
          if (Math.hypot(x - me.x, y - me.y) < 120) continue;
          if (document.elementFromPoint(x, y) === canvas) return { x, y };
        }
      return undefined;
    });
    expect(screen).toBeDefined();
    await phone.evaluate((p) => ((window as any).__aimAt = p), screen!);
    await touch('touchStart', [{ x: screen!.x, y: screen!.y, id: 2 }]);
    try {
      // The ship's angle is its last input's aim: it must point at the finger while one of its
      // bullets flies, judged in one read of the page. (Judged in a later read, 3 of 4 runs at load
      // 16-22 saw it 0.16-0.47 rad off, also with the old controls; our guess: a respawn (the bot
      // killed the ship twice in a run we printed) moved the ship between the aim and the read.)
      await waitFor(
        phone,
        (t) => {
          if (t.me?.alive !== true || !t.view.bullets.some((b: { owner: number }) => b.owner === t.slot))
            return false;
          const s = t.toScreen(t.me.x, t.me.y);
          const expected = Math.atan2((window as any).__aimAt.y - s.y, (window as any).__aimAt.x - s.x);
          return Math.abs(Math.atan2(Math.sin(t.me.angle - expected), Math.cos(t.me.angle - expected))) < 0.1;
        },
        30_000,
      );
      step('aimed and fired');
    } finally {
      await touch('touchEnd', []);
    }

    await arena.screenshots('phone');
    // The HUD fits the small screen: the top line and the room panel are inside the window and do
    // not cover each other; text stays at a readable size.
    const layout = await phone.evaluate(() => {
      const box = (id: string) => {
        const r = document.getElementById(id)!.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      return {
        hud: box('hud-top'),
        room: box('room'),
        font: parseFloat(getComputedStyle(document.getElementById('hud-top')!).fontSize),
      };
    });
    const inside = (r: { left: number; right: number; top: number; bottom: number }) =>
      r.left >= 0 && r.top >= 0 && r.right <= 844 && r.bottom <= 390;
    expect(inside(layout.hud)).toBe(true);
    expect(inside(layout.room)).toBe(true);
    const overlap = !(
      layout.hud.right <= layout.room.left ||
      layout.room.right <= layout.hud.left ||
      layout.hud.bottom <= layout.room.top ||
      layout.room.bottom <= layout.hud.top
    );
    expect(overlap).toBe(false);
    expect(layout.font).toBeGreaterThanOrEqual(12);
    expect(await tw(phone, (t) => t.canvasPainted())).toBe(true);
  }, 180_000);
});

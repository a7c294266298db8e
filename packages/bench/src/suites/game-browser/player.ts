// One player in headless Chromium for the browser suite: opens the arena page, quick-matches,
// readies up and plays with real key presses (steers around, fires all the time). Reads what the
// page exposes for tests (window.__tickwire: state, view, perf.take()) and the page's JS heap
// through the DevTools protocol (a full GC first, then Runtime.getHeapUsage).
import type { Browser, Page } from '@tickwire/testkit';
import { BenchError } from '../../errors.js';

export interface FrameSamples {
  deltaMs: number[];
  updateMs: number[];
  renderMs: number[];
  dropped: number;
}

/** The part of the page's window.__tickwire this player reads. */
interface PageApi {
  state: string;
  ships: unknown[];
  messages: string[];
  view: { ships: unknown[]; bullets: unknown[]; pickups: unknown[] } | undefined;
  perf: { take(): FrameSamples };
  canvasPainted(): boolean;
}
type PageWindow = { __tickwire?: PageApi };

type CdpSession = Awaited<ReturnType<ReturnType<Page['context']>['newCDPSession']>>;

/** Steering pattern: each entry is held for a while, in turn (WASD), Space held throughout. */
const MOVES = [['d'], ['d', 's'], ['s'], ['a', 's'], ['a'], ['a', 'w'], ['w'], ['d', 'w']];

export class BrowserPlayer {
  private held = new Set<string>();
  private steerTimer: ReturnType<typeof setInterval> | undefined;
  private move = 0;

  private constructor(
    readonly page: Page,
    private readonly cdp: CdpSession,
  ) {}

  static async open(
    browser: Browser,
    url: string,
    name: string,
    viewport: { width: number; height: number },
  ): Promise<BrowserPlayer> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[${name}] page error: ${error.message}\n`));
    await page.goto(`${url}?name=${name}`);
    await page.waitForFunction(
      () => (window as unknown as PageWindow).__tickwire?.state === 'menu',
      undefined,
      {
        timeout: 30_000,
      },
    );
    return new BrowserPlayer(page, await context.newCDPSession(page));
  }

  async quickMatch(): Promise<void> {
    await this.page.click('#quick-match');
  }

  /** Waits until the page plays in a match with `players` ships, then readies up. */
  async waitPlaying(players: number, timeoutMs: number): Promise<void> {
    try {
      await this.page.waitForFunction(
        (n) => {
          const t = (window as unknown as PageWindow).__tickwire!;
          return t.state === 'playing' && t.ships.length >= n;
        },
        players,
        { timeout: timeoutMs, polling: 250 },
      );
    } catch (cause) {
      const state = await this.page.evaluate(() => {
        const t = (window as unknown as PageWindow).__tickwire!;
        return `${t.state}, ${t.ships.length} ships, ${t.messages.slice(-3).join(' | ')}`;
      });
      throw new BenchError('TIMEOUT', `the browser player never played with ${players} ships (${state})`, {
        cause,
      });
    }
    await this.page.click('#ready');
  }

  /** Steers in a loop (a new direction every `everyMs`) with Space held. */
  async startPlaying(everyMs = 1200): Promise<void> {
    await this.press(' ', true);
    this.steerTimer = setInterval(() => void this.steer().catch(() => {}), everyMs);
  }

  async stopPlaying(): Promise<void> {
    clearInterval(this.steerTimer);
    for (const key of [...this.held]) await this.press(key, false);
  }

  /** Frame timing since the last call (the page's perf buffers). */
  takeFrames(): Promise<FrameSamples> {
    return this.page.evaluate(() => (window as unknown as PageWindow).__tickwire!.perf.take());
  }

  /** What is on screen: entities in the view (ships, bullets, pickups) and ships alone. */
  onScreen(): Promise<{ entities: number; ships: number }> {
    return this.page.evaluate(() => {
      const v = (window as unknown as PageWindow).__tickwire!.view;
      return v === undefined
        ? { entities: 0, ships: 0 }
        : { entities: v.ships.length + v.bullets.length + v.pickups.length, ships: v.ships.length };
    });
  }

  /** Used JS heap right after a full GC, bytes. */
  async heapAfterGc(): Promise<number> {
    await this.cdp.send('HeapProfiler.collectGarbage');
    const usage = await this.cdp.send('Runtime.getHeapUsage');
    return usage.usedSize;
  }

  canvasPainted(): Promise<boolean> {
    return this.page.evaluate(() => (window as unknown as PageWindow).__tickwire!.canvasPainted());
  }

  async close(): Promise<void> {
    clearInterval(this.steerTimer);
    await this.page.context().close();
  }

  private async steer(): Promise<void> {
    const keys = new Set(MOVES[this.move++ % MOVES.length]);
    for (const key of [...this.held]) if (key !== ' ' && !keys.has(key)) await this.press(key, false);
    for (const key of keys) await this.press(key, true);
  }

  private async press(key: string, down: boolean): Promise<void> {
    if (down === this.held.has(key)) return;
    if (down) {
      this.held.add(key);
      await this.page.keyboard.down(key);
    } else {
      this.held.delete(key);
      await this.page.keyboard.up(key);
    }
  }
}

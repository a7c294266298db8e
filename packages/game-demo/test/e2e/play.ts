// The steps of a two-player browser match that the P2P and the dedicated-server tests both take:
// one player sees the other move, both press Ready, a shooter closes in and scores on a target
// (and another page sees that score), and a dropped connection comes back to the same seat.
// Each step asserts what it claims; what differs between the tests (who hosts, where the target
// waits, what the authority reports) comes in as arguments. Browser steps only: no setup here.
import { expect } from 'vitest';
import type { Page } from '@tickwire/testkit';
import { dropAndReconnect, flyTo, seatOf, ships, shootAt, tw, waitFor } from './helpers.js';
import type { AuthorityProbe, ShipInfo } from './helpers.js';

/** `mover` holds a key toward the arena's middle until `watcher` sees ship `slot` 60 px away. */
export async function seesMove(mover: Page, watcher: Page, slot: number): Promise<void> {
  const before = (await ships(watcher)).find((s) => s.player === slot)!;
  const key = before.x > 800 ? 'a' : 'd';
  await mover.keyboard.down(key);
  try {
    await watcher.waitForFunction(
      ([s, x0]) => {
        const ship = (window as any).__tickwire.ships.find((x: { player: number }) => x.player === s);
        return ship !== undefined && Math.abs(ship.x - x0) > 60;
      },
      [slot, before.x] as const,
      { timeout: 20_000 },
    );
  } finally {
    await mover.keyboard.up(key);
  }
}

/** Every page presses Ready; `watcher` sees the round start. */
export async function startRound(pages: readonly Page[], watcher: Page): Promise<void> {
  for (const page of pages) await page.click('#ready');
  await waitFor(watcher, (t) => t.view?.match.phase === 'playing');
}

/**
 * `shooter` flies within 350 px of `target` (where it is now) and shoots at it until its own score
 * is at least 1; `authority` says what the authority made of its inputs if that times out.
 */
export async function scoreOn(
  shooter: Page,
  target: ShipInfo,
  options: { timeoutMs: number; authority: AuthorityProbe },
): Promise<void> {
  await flyTo(shooter, target.x, target.y, 350);
  await shootAt(
    shooter,
    target.player,
    async () => (await tw(shooter, (t) => t.me?.score ?? 0)) >= 1,
    options.timeoutMs,
    options.authority,
  );
}

/** `page` shows player `slot` with a score of at least 1. */
export async function scoreSeenBy(page: Page, slot: number): Promise<void> {
  await page.waitForFunction(
    (s) => ((window as any).__tickwire.ships.find((x: any) => x.player === s)?.score ?? 0) >= 1,
    slot,
    { timeout: 20_000 },
  );
}

/**
 * The lab's "drop connection" on `page`: it goes through reconnecting and is back in the same
 * seat (slot, ship, score, deaths). `before` checks the seat as it was before the drop.
 */
export async function reconnectsToSameSeat(
  page: Page,
  before?: (seat: Awaited<ReturnType<typeof seatOf>>) => void,
): Promise<void> {
  const seatBefore = await seatOf(page);
  before?.(seatBefore);
  await dropAndReconnect(page);
  await waitFor(page, (t) => t.me !== undefined);
  expect(await seatOf(page)).toEqual(seatBefore);
}

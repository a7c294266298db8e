// The dedicated server's one loop for many matches: it steps every match each 30 Hz tick (two
// simulation steps each), reports each tick's work, keeps going when one match throws, and the
// load-test debris drifts inside the arena through the real sync world.
import { afterEach, describe, expect, it } from 'vitest';
import { ArenaHost } from '../src/net/host.js';
import { Debris } from '../src/server/debris.js';
import { MatchLoop } from '../src/server/match-loop.js';
import type { LoopTick, SteppedMatch } from '../src/server/match-loop.js';
import { ARENA } from '../src/sim/index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function match(): ArenaHost {
  const host = new ArenaHost({ ownTimer: false, seed: 7 });
  cleanups.push(() => host.close());
  host.addBot();
  host.addBot();
  return host;
}

function ticks(loop: MatchLoop<SteppedMatch>, n: number): Promise<LoopTick[]> {
  const seen: LoopTick[] = [];
  return new Promise((resolve) => {
    const off = loop.on('tick', (tick) => {
      seen.push(tick);
      if (seen.length < n) return;
      off();
      resolve(seen);
    });
  });
}

describe('MatchLoop', () => {
  it('steps every match each tick and reports the work', async () => {
    const a = match();
    const b = match();
    const loop = new MatchLoop<SteppedMatch>(() => [a, b]);
    cleanups.push(() => loop.stop());
    const before = [a.game.tick, b.game.tick];
    loop.start();
    const seen = await ticks(loop, 10);
    loop.stop();
    expect(seen.every((t) => t.matches === 2 && t.workMs > 0 && t.cpuMs >= 0)).toBe(true);
    // Two 60 Hz simulation steps per 30 Hz tick, in both matches alike.
    expect(a.game.tick - before[0]!).toBe(loop.totals.ticks * 2);
    expect(b.game.tick - before[1]!).toBe(loop.totals.ticks * 2);
    expect(loop.totals.ticks).toBeGreaterThanOrEqual(10);
    expect(loop.lastWorkMs).toBe(seen.at(-1)!.workMs);
  });

  it('keeps stepping the other matches when one throws, and counts it', async () => {
    const good = match();
    const broken: SteppedMatch = {
      step: () => {
        throw new Error('boom');
      },
    };
    const loop = new MatchLoop<SteppedMatch>(() => [broken, good]);
    cleanups.push(() => loop.stop());
    const errors: unknown[] = [];
    loop.on('error', (error) => errors.push(error));
    const start = good.game.tick;
    loop.start();
    await ticks(loop, 5);
    loop.stop();
    expect(loop.totals.failedSteps).toBe(loop.totals.ticks);
    expect(errors.length).toBe(loop.totals.ticks);
    expect(good.game.tick - start).toBe(loop.totals.ticks * 2);
  });
});

describe('Debris', () => {
  it('spawns drifting entities in the sync world that stay inside the arena', () => {
    const host = match();
    const entities = host.server.world.size;
    const debris = new Debris(host, 50, 3);
    expect(debris.size).toBe(50);
    expect(host.server.world.size).toBe(entities + 50);
    const drifters = [...host.server.world.handles()].filter(
      (e) => e.type === 'bullet' && (e.state as { owner: number }).owner === 0,
    );
    expect(drifters).toHaveLength(50);
    const first = drifters.map((e) => ({ ...(e.state as { x: number; y: number }) }));
    for (let i = 0; i < 600; i++) debris.step();
    let moved = 0;
    drifters.forEach((e, i) => {
      const s = e.state as { x: number; y: number };
      expect(s.x).toBeGreaterThanOrEqual(0);
      expect(s.x).toBeLessThanOrEqual(ARENA.width);
      expect(s.y).toBeGreaterThanOrEqual(0);
      expect(s.y).toBeLessThanOrEqual(ARENA.height);
      if (Math.hypot(s.x - first[i]!.x, s.y - first[i]!.y) > 1) moved++;
    });
    expect(moved).toBe(50);
  });
});

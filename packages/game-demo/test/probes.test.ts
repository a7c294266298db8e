// Probes of the demo's claims under the lab's bad link (150 ms added RTT, ±30 ms jitter, 5 % loss
// on every player's traffic, both directions, through the same conditioner the lab panel uses),
// with real node-datachannel peers: the local ship reacts to input in the same frame, remote ships
// never jump between frames, reconciliation corrections stay small, and with lag compensation the
// shots a shooter aimed at what it saw land (>= 95 %), while without it they measurably do not.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createSignalerPair } from '@tickwire/transport';
import { ArenaClient } from '../src/net/client.js';
import { ConditionedConnection } from '../src/net/conditioner.js';
import { ArenaHost } from '../src/net/host.js';
import { BULLET, SHIP } from '../src/sim/index.js';

const LAB = { rttMs: 150, jitterMs: 30, loss: 0.05 };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function join(host: ArenaHost, key: string): ArenaClient {
  const [a, b] = createSignalerPair();
  const hostSide = connect({ role: 'answerer', signaler: a });
  host.accept(hostSide, key, true);
  const conditioned = new ConditionedConnection(connect({ role: 'offerer', signaler: b }));
  conditioned.conditions = { ...LAB };
  const client = new ArenaClient(conditioned, { name: key, token: '' });
  cleanups.push(() => {
    client.close();
    hostSide.close();
  });
  return client;
}

function every(ms: number, fn: () => void): () => void {
  const timer = setInterval(fn, ms);
  cleanups.push(() => clearInterval(timer));
  return () => clearInterval(timer);
}

async function match() {
  const host = new ArenaHost({ seed: 11 });
  cleanups.push(() => host.close());
  const shooter = join(host, 'shooter');
  const target = join(host, 'target');
  await until(() => shooter.ready && target.ready && shooter.view().ships.length === 2, 'seated', 30_000);
  const game = host.game;
  Object.assign(game.ships.get(shooter.slot!)!, { x: 800, y: 640, vx: 0, vy: 0 });
  Object.assign(game.ships.get(target.slot!)!, { x: 500, y: 560, vx: 0, vy: 0 });
  // The target weaves left and right across the arena at full speed (turning at the edges).
  let dir = 1;
  every(1000 / 60, () => {
    const me = target.view().me;
    if (me !== undefined && me.x > 1150) dir = -1;
    if (me !== undefined && me.x < 450) dir = 1;
    target.step({ mx: dir, my: 0, aim: 0, fire: false });
  });
  // The target never dies during a probe: the sim heals it after each hit.
  host.on('game', (e) => {
    if (e.kind === 'hit') game.ships.get(e.target)!.hp = SHIP.maxHp;
  });
  return { host, shooter, target };
}

/**
 * Watches the remote ship as `viewer` draws it, 60 times a second for `ms`: its worst step per
 * 60 Hz frame (movement scaled by the wall time between two looks, so a late look is not counted
 * as a jump) and how many steps were over twice full speed.
 */
async function watchRemote(
  viewer: ArenaClient,
  slot: number,
  ms: number,
): Promise<{ worst: number; frames: number; fast: number }> {
  let worst = 0;
  let frames = 0;
  let fast = 0;
  let previous: { x: number; y: number; t: number } | undefined;
  const stop = every(1000 / 60, () => {
    const now = performance.now();
    const s = viewer.view(now).ships.find((x) => x.player === slot);
    if (s === undefined) return;
    if (previous !== undefined && now > previous.t) {
      const perFrame = (Math.hypot(s.x - previous.x, s.y - previous.y) * (1000 / 60)) / (now - previous.t);
      worst = Math.max(worst, perFrame);
      frames++;
      if (perFrame > (SHIP.maxSpeed / 60) * 2) fast++;
    }
    previous = { x: s.x, y: s.y, t: now };
  });
  await sleep(ms);
  stop();
  return { worst, frames, fast };
}

/**
 * The shooter fires single shots at the target as it sees it, leading by the bullet's flight time
 * with the velocity it sees (the interpolated entity's vx), only while the target crosses steadily.
 * Afterwards each shot is replayed against the target's path as the shooter saw it (its rendered
 * positions, by sim tick): a shot the shooter saw land is one whose bullet met the drawn target.
 * Returns, for lag compensation on and off alike, the share of those shots the authority scored.
 */
async function shoot(
  host: ArenaHost,
  shooter: ArenaClient,
  targetSlot: number,
  shots: number,
): Promise<{ landed: number; seenHits: number }> {
  const hitBullets = new Set<number>();
  const off = host.on('game', (e) => {
    if (e.kind === 'hit' && e.shooter === shooter.slot) hitBullets.add(e.bullet);
  });
  const muzzle = SHIP.radius + BULLET.radius + 1;
  const seenPath = new Map<number, { x: number; y: number }>();
  const fired: { view: number; x: number; y: number; aim: number }[] = [];
  const bullets: number[] = [];
  let cooldown = 0;
  const stop = every(1000 / 60, () => {
    const view = shooter.view(performance.now());
    const seen = view.ships.find((s) => s.player === targetSlot);
    const me = view.me;
    if (seen === undefined || me === undefined) return;
    const viewTick = Math.round(view.renderTick * 2);
    seenPath.set(viewTick, { x: seen.x, y: seen.y });
    const velocity = seen.vx;
    const steady = Math.abs(velocity) > SHIP.maxSpeed * 0.95 && seen.x > 560 && seen.x < 1040;
    let fire = false;
    let aim = -Math.PI / 2;
    if (steady && cooldown <= 0 && fired.length < shots) {
      const flight = Math.max(0, Math.hypot(seen.x - me.x, seen.y - me.y) - muzzle) / BULLET.speed;
      aim = Math.atan2(seen.y - me.y, seen.x + velocity * flight - me.x);
      fire = true;
      fired.push({ view: viewTick, x: me.x, y: me.y, aim });
      cooldown = 24;
    }
    cooldown--;
    shooter.step({ mx: 0, my: 0, aim, fire });
    // Bullets appear in the order their shots were fired (one per shot).
    for (const id of host.game.bullets.keys())
      if (host.game.bullets.get(id)!.owner === shooter.slot && !bullets.includes(id)) bullets.push(id);
  });
  await until(() => fired.length >= shots, 'shots fired', 120_000);
  await sleep(1500); // let the last bullets land
  stop();
  off();
  let seenHits = 0;
  let landed = 0;
  fired.forEach((shot, i) => {
    let saw = false;
    for (let k = 1; k <= 20 && !saw; k++) {
      const target = seenPath.get(shot.view + k);
      if (target === undefined) continue;
      const d = muzzle + (BULLET.speed / 60) * k;
      const bx = shot.x + Math.cos(shot.aim) * d;
      const by = shot.y + Math.sin(shot.aim) * d;
      saw = Math.hypot(bx - target.x, by - target.y) <= SHIP.radius + BULLET.radius;
    }
    if (!saw) return;
    seenHits++;
    if (bullets[i] !== undefined && hitBullets.has(bullets[i]!)) landed++;
  });
  return { landed: seenHits === 0 ? 0 : landed / seenHits, seenHits };
}

describe('probes under the lab link (150 ms RTT, 30 ms jitter, 5 % loss)', () => {
  it('local reaction, remote smoothness, small corrections, lag-compensated hits', async () => {
    const { host, shooter, target } = await match();
    await sleep(1000);
    // The setup moved the ships by hand (a teleport the clients had to be corrected for): count from here.
    for (const c of [shooter.corrections, target.corrections])
      Object.assign(c, { count: 0, last: 0, max: 0 });

    // 1. The local ship moves in the very frame its input is applied.
    for (let i = 0; i < 5; i++) {
      const before = shooter.view().me!;
      shooter.step({ mx: 1, my: 0, aim: 0, fire: false });
      const after = shooter.view().me!;
      expect(after.x).toBeGreaterThan(before.x);
      await sleep(30);
    }

    // 2. The remote (weaving) ship never jumps: per-frame movement scaled to a 60 Hz frame.
    const { worst, frames, fast } = await watchRemote(shooter, target.slot!, 4000);
    const maxStep = SHIP.maxSpeed / 60;
    console.log(
      `probe: worst remote step ${worst.toFixed(1)} px per 60 Hz frame (full speed ${maxStep} px); ` +
        `${fast} of ${frames} frames over twice full speed`,
    );
    // Never more than a ship's diameter, and steps over twice full speed stay rare (they happen when
    // lost snapshots are extrapolated through a turn and the next one corrects it).
    expect(worst).toBeLessThan(SHIP.radius * 2);
    expect(fast / frames).toBeLessThan(0.02);

    // 3. Lag compensation on: the shots aimed at what the shooter saw land.
    const on = await shoot(host, shooter, target.slot!, 30);
    // 4. Off (the lab's switch): the same shots mostly miss.
    shooter.switches.lagCompensation = false;
    const offComp = await shoot(host, shooter, target.slot!, 30);
    const withComp = on.landed;
    const withoutComp = offComp.landed;
    console.log(
      `probe: shots the shooter saw land that scored: ${(withComp * 100).toFixed(0)} % of ${on.seenHits} with lag compensation, ` +
        `${(withoutComp * 100).toFixed(0)} % of ${offComp.seenHits} without`,
    );
    expect(on.seenHits).toBeGreaterThanOrEqual(20);
    expect(offComp.seenHits).toBeGreaterThanOrEqual(20);
    expect(withComp).toBeGreaterThanOrEqual(0.95);
    expect(withoutComp).toBeLessThan(0.6);
    expect(withComp - withoutComp).toBeGreaterThanOrEqual(0.3);

    // 5. Reconciliation corrections stayed small on both players.
    for (const c of [shooter.corrections, target.corrections]) {
      console.log(`probe: corrections ${c.count}, largest ${c.max.toFixed(2)} px`);
      expect(c.max).toBeLessThan(8);
    }

    // 6. Remote smoothness again while the whole process (authority, both players, the link) stalls
    // for 150 ms every 700 ms, as a loaded machine starves it (last, so the stalls cannot touch the
    // measurements above): render time runs past the newest snapshot, ships are extrapolated, and
    // the next snapshot puts a ship that stopped or turned back where it was. Unsmoothed that was a
    // 20-61 px snap in one frame; drawn, it must still never jump.
    const stallEvery = every(700, () => {
      const start = performance.now();
      while (performance.now() - start < 150); // a stall, not a sleep: nothing else may run
    });
    const smoothedBefore = shooter.smoother.smoothed;
    const stalled = await watchRemote(shooter, target.slot!, 4000);
    stallEvery();
    console.log(
      `probe: with 150 ms stalls every 700 ms, worst remote step ${stalled.worst.toFixed(1)} px per 60 Hz frame; ` +
        `${stalled.fast} of ${stalled.frames} frames over twice full speed; ` +
        `${shooter.smoother.smoothed - smoothedBefore} snaps smoothed`,
    );
    expect(stalled.worst).toBeLessThan(SHIP.radius * 2);
  }, 240_000);
});

// What the player sees stays smooth when the link is bad: render time never steps back and runs at
// most 10% off real time while the playout delay follows gaps and an authority stall; an entity
// despawned around an extrapolation is never drawn back at an older position; random loss alone
// does not throttle the snapshot rate below 30 Hz, while loss with queueing still backs off fully
// and the rate recovers; the clock estimate converges in the same wall time at 7.5 Hz as at 60 Hz;
// and the client counts the ticks it missed.
// The authority runs with chainTicks 1 here: these tests drop packets without the client reporting
// the loss, which on a real link turns chained deltas off (chaining is tested in sync-codec).
import { describe, expect, it } from 'vitest';
import type { EntityValue, Snapshot } from '../src/sync/index.js';
import {
  ClockSync,
  InterpolationBuffer,
  RateController,
  RenderClock,
  SyncAuthority,
  SyncReceiver,
} from '../src/internals.js';
import { plane as schema } from './fixtures/schema.js';
import { rng } from './sync-fixtures.js';

const TICK_MS = 1000 / 60;
const FRAME_MS = 1000 / 144;
/** Units per tick of the straight-moving mover (+x). */
const SPEED = 2;

interface Frame {
  wall: number;
  renderTick: number;
  x: number | undefined;
  extrapolatedMs: number;
}

/**
 * A mover going +x at SPEED per tick, sent every tick; 20% of snapshots lost, one-way delay 20 ms
 * plus up to 8 ms jitter, a burst of `burst` lost ticks at tick 200, and (with `stall`) an
 * authority stall at tick 400 (it sends nothing for 150 ms, then its tick clock stays 100 ms
 * behind, as the ticker drops what it cannot catch up). The receiver is sampled at 144 Hz.
 */
function playback({ burst = 12, stall = true } = {}): {
  frames: Frame[];
  receiver: SyncReceiver;
  targets: number[];
} {
  const random = rng(17);
  // No acks go back in this playback: the guard would otherwise drop it to keyframes after 1 s
  // and cut it off after 10 s.
  const authority = new SyncAuthority({
    schema,
    rate: false,
    chainTicks: 1,
    guard: { staleAckTicks: Infinity, unackedCloseTicks: Infinity },
  });
  let outbox: readonly Uint8Array[] = [];
  authority.addPeer({ sendSnapshot: (parts) => (outbox = parts) });
  const mover = authority.world.spawn('mover', { x: 0, y: 0, heading: 0 });
  const arrivals: { at: number; bytes: Uint8Array }[] = [];
  for (let tick = 1; tick <= 700; tick++) {
    mover.state.x = tick * SPEED;
    authority.step();
    // After the stall the ticker runs 3 catch-up ticks at once, then ticks 100 ms late.
    const sentAt =
      tick <= 400 || !stall ? tick * TICK_MS : Math.max(tick * TICK_MS + 100, 400 * TICK_MS + 150);
    if (random() < 0.2 || (tick >= 200 && tick < 200 + burst)) continue;
    for (const bytes of outbox) arrivals.push({ at: sentAt + 20 + random() * 8, bytes });
  }
  arrivals.sort((a, b) => a.at - b.at);
  const receiver = new SyncReceiver(schema, { tickRate: 60 });
  const frames: Frame[] = [];
  const targets: number[] = [];
  let next = 0;
  for (let wall = 0; wall < 700 * TICK_MS + 200; wall += FRAME_MS) {
    while (next < arrivals.length && arrivals[next]!.at <= wall) {
      const { at, bytes } = arrivals[next++]!;
      receiver.receive(bytes, at, 40);
      targets.push(receiver.stats().targetDelayMs);
    }
    if (receiver.latest === undefined) continue;
    const sample = receiver.sample(wall);
    const x = sample.entities[0]?.value.x as number | undefined;
    frames.push({ wall, renderTick: sample.renderTick, x, extrapolatedMs: sample.extrapolatedMs });
  }
  return { frames, receiver, targets };
}

describe('render time', () => {
  it('never steps back and runs within ±10% of real time through loss, a gap and a stall', () => {
    const { frames, receiver, targets } = playback();
    expect(frames.length).toBeGreaterThan(1500);
    // The delay target really moved (the burst and the stall), so the render clock had to warp.
    expect(Math.max(...targets) - Math.min(...targets)).toBeGreaterThan(100);
    const rates: number[] = [];
    let xBack = 0;
    for (let i = 1; i < frames.length; i++) {
      const a = frames[i - 1]!;
      const b = frames[i]!;
      expect(b.renderTick).toBeGreaterThanOrEqual(a.renderTick);
      rates.push(((b.renderTick - a.renderTick) * TICK_MS) / (b.wall - a.wall));
      if (a.x !== undefined && b.x !== undefined) xBack = Math.max(xBack, a.x - b.x);
    }
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.9 - 1e-9);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1.1 + 1e-9);
    expect(rates.some((r) => r < 0.95)).toBe(true);
    expect(rates.some((r) => r > 1.05)).toBe(true);
    // What is drawn follows: the mover never moves backwards (beyond quantization).
    expect(xBack).toBeLessThanOrEqual(1 / 64);
    expect(receiver.stats().renderResets).toBe(0);
    // And the delay came back down after the stall rather than staying high.
    expect(receiver.stats().interpolationDelayMs).toBeLessThan(0.6 * Math.max(...targets));
  });

  it('waits at the extrapolation bound through a 700 ms outage and resumes without a jump', () => {
    const { frames, receiver } = playback({ burst: 42, stall: false });
    let waiting = 0;
    let maxStep = 0;
    for (let i = 1; i < frames.length; i++) {
      const a = frames[i - 1]!;
      const b = frames[i]!;
      expect(b.renderTick).toBeGreaterThanOrEqual(a.renderTick);
      const rate = ((b.renderTick - a.renderTick) * TICK_MS) / (b.wall - a.wall);
      expect(rate).toBeLessThanOrEqual(1.1 + 1e-9);
      // Slower than 0.9× only while it reaches or waits at newest + 250 ms.
      if (rate < 0.9 - 1e-9) expect(Math.max(a.extrapolatedMs, b.extrapolatedMs)).toBeCloseTo(250, 6);
      if (rate === 0) waiting++;
      // (From 0.5 s on: before a second snapshot arrives the first one is held as it is.)
      if (a.wall > 500) maxStep = Math.max(maxStep, b.x! - a.x!);
      expect(b.x).toBeGreaterThanOrEqual(a.x! - 1e-9);
    }
    // It did wait (render time held at newest + 250 ms), and the mover never jumped on resuming.
    expect(waiting).toBeGreaterThan(10);
    expect(maxStep).toBeLessThanOrEqual((SPEED * 1.1 * FRAME_MS) / TICK_MS + 1e-6);
    expect(receiver.stats().renderResets).toBe(0);
  });

  it('slews toward a moved target at a bounded, continuous rate and re-anchors only on a jump of the timeline', () => {
    const clock = new RenderClock({ maxRateChange: 0.1, settleMs: 250, resetMs: 1000 });
    expect(Number.isNaN(clock.at(0))).toBe(true);
    clock.steer(500, 0);
    expect(clock.at(0)).toBe(500);
    // Target 100 ms further back: 0.9x until 25 ms are left (750 ms), then exponentially (250 ms).
    clock.steer(400, 0);
    expect(clock.at(500)).toBeCloseTo(950, 9);
    expect(clock.at(750)).toBeCloseTo(1175, 9);
    expect(clock.at(1000)).toBeCloseTo(1500 - 75 - 25 * (1 - Math.exp(-1)), 9);
    expect(clock.at(3000)).toBeCloseTo(3400, 2);
    // Its rate stays within [0.9, 1] and changes smoothly (no switch from 0.9x to 1x).
    const rates = Array.from({ length: 300 }, (_, i) => (clock.at(i * 10 + 10) - clock.at(i * 10)) / 10);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.9 - 1e-9);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1 + 1e-9);
    expect(Math.max(...rates.slice(1).map((r, i) => Math.abs(r - rates[i]!)))).toBeLessThan(0.005);
    // Target 50 ms ahead: 1.1x for 250 ms, then the last 25 ms exponentially.
    const c = clock.at(3000);
    clock.steer(c + 50, 3000);
    expect(clock.at(3250)).toBeCloseTo(c + 275, 9);
    expect(clock.at(5000)).toBeCloseTo(c + 2050, 1);
    expect(clock.resets).toBe(0);
    // The authority's timeline moved by 5 s: re-anchor at once, counted.
    const d = clock.at(5000);
    clock.steer(d + 5000, 5000);
    expect(clock.at(5000)).toBe(d + 5000);
    expect(clock.resets).toBe(1);
    // A ceiling (the newest snapshot plus the extrapolation bound) holds it until raised.
    clock.limit(d + 5050);
    expect(clock.at(5100)).toBe(d + 5050);
    clock.limit(d + 5000); // a ceiling never falls
    expect(clock.at(5100)).toBe(d + 5050);
    clock.steer(d + 5150, 5100); // resumes from where it waited, 100 ms behind its target: 1.1x
    clock.limit(d + 10_000);
    expect(clock.at(5200)).toBeCloseTo(d + 5160, 9);
    expect(() => new RenderClock({ maxRateChange: 1 })).toThrow(RangeError);
    expect(() => new RenderClock({ settleMs: 0 })).toThrow(RangeError);
  });
});

describe('despawn around extrapolation', () => {
  const snapshot = (tick: number, movers: [id: number, x: number][]): Snapshot<EntityValue> => ({
    tick,
    ids: movers.map(([id]) => id),
    types: movers.map(() => 0),
    rows: movers.map(([, x]) => ({ x, y: 0 })),
  });

  it('never draws an entity back at an older position once it was shown further along', () => {
    const buffer = new InterpolationBuffer(schema, TICK_MS, { maxExtrapolationMs: 250 });
    // Entity 1 despawns after tick 11; entity 2 keeps going; entity 3 spawns at tick 14.
    buffer.push(
      snapshot(10, [
        [1, 10],
        [2, 100],
      ]),
    );
    buffer.push(
      snapshot(11, [
        [1, 11],
        [2, 101],
      ]),
    );
    const shown = new Map<number, number[]>();
    for (let r = 10; r <= 16; r += 0.1) {
      if (r > 13.2 && buffer.newestTick === 11)
        buffer.push(
          snapshot(14, [
            [2, 104],
            [3, 500],
          ]),
        );
      const sample = buffer.sample(r);
      if (r > 12 && r < 13.2) expect(sample.extrapolatedMs).toBeGreaterThan(0);
      for (const e of sample.entities) {
        const xs = shown.get(e.id) ?? [];
        xs.push(e.value.x as number);
        shown.set(e.id, xs);
      }
    }
    const xs1 = shown.get(1)!;
    // Entity 1 was extrapolated past its last snapshot (x 11), then removed, never drawn back.
    expect(Math.max(...xs1)).toBeGreaterThan(12);
    expect(xs1.every((x, i) => i === 0 || x >= xs1[i - 1]! - 1e-9)).toBe(true);
    const xs2 = shown.get(2)!;
    expect(xs2.every((x, i) => i === 0 || x >= xs2[i - 1]! - 1e-9)).toBe(true);
    // Right after the new snapshot: its entity set (1 gone, 3 there), 2 where its motion says.
    const after = buffer.sample(13.3);
    expect(after.entities.map((e) => e.id)).toEqual([2, 3]);
    expect(after.entities[0]!.value.x).toBeCloseTo(103.3, 9);
    expect(after.entities[1]!.value.x).toBe(500);
    // At a snapshot's own tick, its own set.
    expect(buffer.sample(11).entities.map((e) => e.id)).toEqual([1, 2]);
  });
});

describe('send-rate adaptation under random loss', () => {
  const random = rng(23);
  /** 10 s of link samples every 100 ms from `from`; loss around `loss`, RTT around `rtt`. */
  function drive(rate: RateController, from: number, loss: number, rtt: number, ms = 10_000): number[] {
    const hz: number[] = [];
    for (let now = from; now < from + ms; now += 100) {
      rate.update({
        nowMs: now,
        bufferedAmount: 0,
        lossFraction: Math.max(0, loss + (random() - 0.5) * 0.14),
        srttMs: rtt + random() * 6,
      });
      hz.push(rate.stats().sendRateHz);
    }
    return hz;
  }

  it('keeps 60 Hz at 20% loss, never goes below 30 Hz on loss alone, backs off fully when loss comes with queueing, and recovers', () => {
    const rate = new RateController(60);
    drive(rate, 0, 0, 40, 1000);
    // 20% random loss (13–27% measured), steady RTT: no back-off at all.
    expect(Math.min(...drive(rate, 1000, 0.2, 40))).toBe(60);
    expect(rate.stats()).toMatchObject({ divider: 1, detail: 1, backoffs: 0, congested: false });
    // 40% loss alone: at most one step, to 30 Hz and detail 0.75.
    expect(Math.min(...drive(rate, 11_000, 0.4, 40))).toBe(30);
    expect(rate.stats()).toMatchObject({
      divider: 2,
      detail: 0.75,
      reason: 'loss-only',
      congested: false,
      lastChange: { cause: 'loss-only' },
    });
    // 20% loss with the RTT 60 ms over its floor (a queue): congestion, full back-off.
    expect(Math.min(...drive(rate, 21_000, 0.2, 100, 3000))).toBe(7.5);
    expect(rate.stats()).toMatchObject({ divider: 8, detail: 0.25, reason: 'loss', congested: true });
    // The queue drains but 40% loss stays: recover up to the loss-only cap, not further.
    const capped = drive(rate, 24_000, 0.4, 40);
    expect(capped.at(-1)).toBe(30);
    expect(rate.stats()).toMatchObject({ divider: 2, detail: 0.75, reason: 'loss-only' });
    // Loss clears: back to full rate and detail, step by step.
    const recovered = drive(rate, 34_000, 0, 40);
    expect(recovered.at(-1)).toBe(60);
    expect(rate.stats()).toMatchObject({ divider: 1, detail: 1, lastChange: { cause: 'recovery' } });
  });

  it('the authority keeps sending every tick to a client reporting 20% loss', () => {
    const authority = new SyncAuthority({
      schema,
      chainTicks: 1,
      guard: { staleAckTicks: Infinity, unackedCloseTicks: Infinity },
    });
    authority.world.spawn('mover', { x: 0, y: 0, heading: 0 });
    let sent = 0;
    const peer = authority.addPeer({
      sendSnapshot: () => sent++,
      link: () => ({ bufferedAmount: 0, lossFraction: 0.2, srttMs: 40 }),
    });
    for (let tick = 1; tick <= 300; tick++) authority.step(tick * TICK_MS);
    expect(sent).toBe(300);
    expect(peer.stats().rate).toMatchObject({ sendRateHz: 60, backoffs: 0 });
  });
});

describe('clock smoothing over time', () => {
  /** Wall ms until the estimate is within 2 ms of the truth, starting 200 ms off, at `hz` snapshots/s. */
  function convergeMs(hz: number): number {
    const clock = new ClockSync(TICK_MS);
    const every = 60 / hz;
    const trueOffset = 5000; // server time = local time + offset
    clock.observe(every, 40, every * TICK_MS - trueOffset + 20 + 200); // first packet 200 ms late
    for (let tick = 2 * every; tick < 60 * 20; tick += every) {
      const local = tick * TICK_MS - trueOffset + 20;
      clock.observe(tick, 40, local);
      if (Math.abs(clock.serverTime(local) - (local + trueOffset)) < 2) return (tick - every) * TICK_MS;
    }
    return Infinity;
  }

  it('converges in about the same wall time at 7.5 Hz as at 60 Hz', () => {
    const fast = convergeMs(60);
    const slow = convergeMs(7.5);
    expect(fast).toBeLessThan(2000);
    expect(slow).toBeLessThan(2000);
    expect(slow / fast).toBeGreaterThan(0.75);
    expect(slow / fast).toBeLessThan(1.35);
  });
});

describe('missed ticks', () => {
  it('counts ticks skipped between completed snapshots, stale parts apart', () => {
    const authority = new SyncAuthority({ schema, rate: false, chainTicks: 1 });
    const sent = new Map<number, readonly Uint8Array[]>();
    authority.addPeer({ sendSnapshot: (parts, tick) => sent.set(tick, parts) });
    const mover = authority.world.spawn('mover', { x: 0, y: 0, heading: 0 });
    for (let tick = 1; tick <= 12; tick++) {
      mover.state.x = tick;
      authority.step();
    }
    const receiver = new SyncReceiver(schema, { tickRate: 60 });
    const deliver = (tick: number) => {
      for (const part of sent.get(tick)!) receiver.receive(part, tick * TICK_MS + 20, 40);
    };
    for (const tick of [1, 2, 3, 4, 7, 8, 10, 11, 12]) deliver(tick);
    deliver(6); // late: superseded by 7
    const stats = receiver.stats();
    expect(stats).toMatchObject({ snapshotsCompleted: 9, missedTicks: 3, stale: 1, duplicates: 0 });
    expect(stats.latestTick).toBe(12);
  });
});

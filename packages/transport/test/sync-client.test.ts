// Client-side pieces on a simulated link (seeded jitter and loss): interpolated output is
// continuous, extrapolation stops after its bound, the clock estimate converges and resists
// outliers, the playout delay follows the snapshot gaps, prediction converges after a server
// correction, redundant inputs survive loss, and the send rate backs off and recovers.
// The authority runs with chainTicks 1 here: these tests drop packets without the client reporting
// the loss, which on a real link turns chained deltas off (chaining is tested in sync-codec).
import { describe, expect, it } from 'vitest';
import { Predictor } from '../src/sync/index.js';
import type { InputOf } from '../src/sync/index.js';
import {
  ClockSync,
  InputSender,
  PlayoutDelay,
  RateController,
  SyncAuthority,
  SyncReceiver,
} from '../src/internals.js';
import { controls, plane as schema } from './fixtures/schema.js';
import { rng } from './sync-fixtures.js';

const TICK_MS = 1000 / 60;

/** Authority ticking a mover on a circle; packets reach the receiver after jittered delays, some lost. */
function simulate(options: { loss: number; ticks: number; seed: number; stopAfterTick?: number }) {
  const random = rng(options.seed);
  let outbox: readonly Uint8Array[] = [];
  // No acks go back in this simulation: the guard would otherwise drop it to keyframes after 1 s
  // and cut it off after 10 s.
  const authority = new SyncAuthority({
    schema,
    rate: false,
    chainTicks: 1,
    guard: { staleAckTicks: Infinity, unackedCloseTicks: Infinity },
  });
  const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = parts) });
  const receiver = new SyncReceiver(schema, { tickRate: 60, maxExtrapolationMs: 100 });
  const acks = new InputSender(undefined);
  const mover = authority.world.spawn('mover', { x: 500, y: 0, heading: 0 });
  const arrivals: { at: number; bytes: Uint8Array }[] = [];
  for (let tick = 1; tick <= options.ticks; tick++) {
    const angle = tick * 0.02; // 1.2 rad/s on a radius-500 circle: 600 units/s
    mover.state.x = 500 * Math.cos(angle);
    mover.state.y = 500 * Math.sin(angle);
    mover.state.heading = angle + Math.PI / 2;
    authority.step();
    if (options.stopAfterTick !== undefined && tick > options.stopAfterTick) continue;
    for (const bytes of outbox) {
      if (random() < options.loss) continue;
      arrivals.push({ at: tick * TICK_MS + 30 + random() * 25, bytes });
    }
  }
  arrivals.sort((a, b) => a.at - b.at);
  return { receiver, arrivals, peer, acks };
}

describe('interpolation', () => {
  it('renders a continuous path through jitter and 10% loss, angles included', () => {
    const { receiver, arrivals } = simulate({ loss: 0.1, ticks: 600, seed: 11 });
    let next = 0;
    let prev: { x: number; y: number; heading: number; renderTick: number } | undefined;
    let maxStep = 0;
    let maxTurn = 0;
    for (let now = 0; now < 600 * TICK_MS; now += 1000 / 144) {
      while (next < arrivals.length && arrivals[next]!.at <= now)
        receiver.receive(arrivals[next++]!.bytes, arrivals[next - 1]!.at, 60);
      const sample = receiver.sample(now);
      const mover = sample.entities[0]?.value as { x: number; y: number; heading: number } | undefined;
      if (mover === undefined || now < 500) continue;
      if (prev !== undefined) {
        expect(sample.renderTick).toBeGreaterThanOrEqual(prev.renderTick - 0.05);
        maxStep = Math.max(maxStep, Math.hypot(mover.x - prev.x, mover.y - prev.y));
        const turn = Math.abs(mover.heading - prev.heading) % (2 * Math.PI);
        maxTurn = Math.max(maxTurn, Math.min(turn, 2 * Math.PI - turn));
      }
      prev = { ...mover, renderTick: sample.renderTick };
    }
    // 600 units/s is 4.2 units per 144 Hz frame; allow for render-time warping, never a jump.
    expect(maxStep).toBeLessThan(4.2 * 2);
    expect(maxTurn).toBeLessThan((1.2 / 144) * 2 + 0.01);
    expect(receiver.stats().interpolationDelayMs).toBeGreaterThan(TICK_MS);
  });

  it('extrapolates for a bounded time when snapshots stop, then holds', () => {
    const { receiver, arrivals } = simulate({ loss: 0, ticks: 120, seed: 2, stopAfterTick: 60 });
    for (const { at, bytes } of arrivals) receiver.receive(bytes, at, 60);
    const last = receiver.latest!.tick;
    const at = (ms: number) => receiver.sample(ms);
    const soon = at(last * TICK_MS + 90 + receiver.playout.delayMs);
    const later = at(last * TICK_MS + 400 + receiver.playout.delayMs);
    const muchLater = at(last * TICK_MS + 2000 + receiver.playout.delayMs);
    expect(later.extrapolatedMs).toBe(100);
    expect(soon.extrapolatedMs).toBeLessThanOrEqual(100);
    expect(muchLater.entities[0]!.value).toEqual(later.entities[0]!.value);
    expect(soon.entities[0]!.value).not.toEqual(receiver.latest!.rows[0]);
    // Render times before the oldest snapshot held show that snapshot, never a backwards blend.
    const early = at(-10_000).entities[0]!.value as { x: number; y: number };
    expect(Math.hypot(early.x, early.y)).toBeCloseTo(500, 0);
  });
});

describe('clock sync and playout delay', () => {
  it('converges on the authority clock with RTT/2 correction and resists one outlier', () => {
    const clock = new ClockSync(TICK_MS);
    const random = rng(5);
    const trueOffset = 12_345; // server time = local time + offset
    for (let tick = 1; tick <= 300; tick++) {
      const oneWay = 40 + random() * 8; // RTT ~ 80-96 ms, symmetric
      const local = tick * TICK_MS - trueOffset + oneWay;
      clock.observe(tick, oneWay * 2, local);
    }
    expect(Math.abs(clock.serverTime(0) - trueOffset)).toBeLessThan(5);
    const before = clock.serverTime(0);
    clock.observe(301, 80, 301 * TICK_MS - trueOffset + 40 + 150); // one packet 150 ms late
    expect(Math.abs(clock.serverTime(0) - before)).toBeLessThan(10);
    clock.observe(302, 80, 302 * TICK_MS - trueOffset - 5000); // the authority jumped: re-anchor
    expect(Math.abs(clock.serverTime(0) - (trueOffset + 5040))).toBeLessThan(1);
  });

  it('delay grows at once with snapshot gaps and shrinks slowly when they close', () => {
    const delay = new PlayoutDelay(TICK_MS);
    for (let tick = 1; tick <= 60; tick++) delay.onSnapshot(tick, 1);
    const steady = delay.delayMs;
    expect(steady).toBeLessThan(3 * TICK_MS);
    for (let tick = 64; tick <= 200; tick += 4) delay.onSnapshot(tick, 1);
    const gappy = delay.delayMs;
    expect(gappy).toBeGreaterThan(4 * TICK_MS);
    delay.onSnapshot(201, 1);
    expect(delay.delayMs).toBeGreaterThan(gappy * 0.9);
    for (let tick = 202; tick <= 1000; tick++) delay.onSnapshot(tick, 1);
    expect(delay.delayMs).toBeLessThan(steady * 1.2);
  });
});

describe('inputs, prediction and reconciliation', () => {
  type Move = InputOf<typeof controls>;
  const step = (x: number, command: Move) => x + command.move * 4;

  it('redundant inputs arrive in order through 30% loss and a correction is replayed away', () => {
    const random = rng(9);
    let outbox: readonly Uint8Array[] = [];
    const authority = new SyncAuthority<typeof schema, Move>({
      schema,
      input: controls,
      rate: false,
      chainTicks: 1,
    });
    const peer = authority.addPeer({ sendSnapshot: (parts) => (outbox = parts) });
    const player = authority.world.spawn('mover', { x: 0, y: 0, heading: 0 });
    const receiver = new SyncReceiver(schema, { tickRate: 60 });
    const sender = new InputSender<Move>(controls, 8);
    const predictor = new Predictor<number, Move>({ step, initial: 0 });
    let taken = 0;
    let corrected = false;
    for (let tick = 1; tick <= 300; tick++) {
      // Client: one input per frame, applied locally at once, sent with the last 8 (30% lost).
      const { seq, input: quantized } = sender.push({ move: Math.sin(tick / 20), jump: false, slot: 0 });
      predictor.apply(seq, quantized);
      if (random() > 0.3) peer.receive(sender.packet(receiver.latest?.tick, 0));
      // Authority: apply the inputs that arrived, in order, with the same step function.
      for (const { seq: s, input: command } of peer.inputs.take()) {
        expect(s).toBe(taken++);
        player.state.x = step(player.state.x, command);
      }
      // Something the client could not predict: a knockback at tick 150.
      if (tick === 150) {
        player.state.x += 100;
        corrected = true;
      }
      authority.step();
      if (random() > 0.3) for (const part of outbox) receiver.receive(part, tick * TICK_MS, 50);
      const latest = receiver.latest;
      if (latest !== undefined && receiver.inputAck !== undefined) {
        predictor.reconcile(latest.rows[0]!.x as number, receiver.inputAck);
      }
    }
    expect(corrected).toBe(true);
    expect(peer.stats().inputs.missing).toBe(0);
    // Let every input reach the authority and the last state reach the client.
    peer.receive(sender.packet(receiver.latest?.tick, 0));
    for (const { input: command } of peer.inputs.take()) player.state.x = step(player.state.x, command);
    authority.step();
    for (const part of outbox) receiver.receive(part, 0, 50);
    const { before, after, replayed } = predictor.reconcile(
      receiver.latest!.rows[0]!.x as number,
      receiver.inputAck!,
    );
    expect(replayed).toBe(0);
    expect(after).toBeCloseTo(player.state.x, 1);
    // The prediction already included the knockback long before the end.
    expect(Math.abs(before - after)).toBeLessThan(0.05);
  });
});

describe('send-rate adaptation', () => {
  it('backs off on a full buffer, queueing loss or RTT (heavy loss alone one step), and recovers step by step', () => {
    const rate = new RateController(60, { recoverAfterMs: 1000, backoffIntervalMs: 250 });
    const clear = { bufferedAmount: 0, lossFraction: 0, srttMs: 40 };
    rate.update({ nowMs: 0, ...clear });
    expect(rate.stats()).toMatchObject({ divider: 1, sendRateHz: 60, congested: false });
    for (let ms = 100; ms <= 1000; ms += 100) rate.update({ nowMs: ms, ...clear, bufferedAmount: 200_000 });
    expect(rate.stats()).toMatchObject({ divider: 8, sendRateHz: 7.5, congested: true, reason: 'buffer' });
    expect(rate.shouldSend(8)).toBe(true);
    expect(rate.shouldSend(9)).toBe(false);
    let ms = 1000;
    const dividers: number[] = [];
    while (rate.stats().divider > 1 && ms < 20_000) {
      ms += 100;
      rate.update({ nowMs: ms, ...clear });
      dividers.push(rate.stats().divider);
    }
    expect(rate.stats()).toMatchObject({ divider: 1, detail: 1, congested: false });
    expect(ms).toBeGreaterThan(5000); // one step per clear second
    expect(new Set(dividers).size).toBeGreaterThan(3);
    // Heavy loss alone (no queueing) backs off one step at most: 30 Hz, detail 0.75.
    rate.update({ nowMs: ms + 100, ...clear, lossFraction: 0.4 });
    expect(rate.stats()).toMatchObject({ reason: 'loss-only', congested: false, divider: 2, detail: 0.75 });
    rate.update({ nowMs: ms + 400, ...clear, lossFraction: 0.4 });
    expect(rate.stats()).toMatchObject({ reason: 'loss-only', divider: 2 });
    rate.update({ nowMs: ms + 700, ...clear, srttMs: 900 });
    expect(rate.stats()).toMatchObject({ reason: 'rtt', congested: true, divider: 4 });
    // Loss with a queue (RTT 60 ms over its floor) is congestion: it keeps backing off.
    rate.update({ nowMs: ms + 1000, ...clear, lossFraction: 0.15, srttMs: 100 });
    expect(rate.stats()).toMatchObject({ reason: 'loss', congested: true, divider: 8 });
    expect(rate.stats().lastChange).toEqual({ cause: 'loss', atMs: ms + 1000 });
  });
});

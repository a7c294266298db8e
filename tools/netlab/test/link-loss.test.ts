// Loss on the link is random at the requested rate, per direction, changeable at run time; an
// outage drops everything (in flight included) and restoring it works; bursts are never reordered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, isNetlabSupported, nextMessage } from '../src/index.js';
import type { Link } from '../src/index.js';
import { UdpActor } from './helpers/udp-actor.js';

const support = isNetlabSupported();
const MARKER = 1_000_000;
const TCP_PEER = new URL('./fixtures/tcp-peer.mjs', import.meta.url);

describe.skipIf(!support.ok)('lossy link', () => {
  let link: Link;
  let a: UdpActor;
  let b: UdpActor;

  beforeAll(async () => {
    link = await createLink({ rttMs: 40, lossPercent: { aToB: 20, bToA: 0 } });
    [a, b] = await Promise.all([UdpActor.start(link.a), UdpActor.start(link.b)]);
  });

  afterAll(async () => {
    await link?.close();
  });

  // The link is FIFO per direction: once the first of a burst of markers arrived (30 of them, so
  // that even at 50% loss one gets through), every surviving packet sent before them has too.
  // Each flush uses markers above the previous ones, so late markers of an earlier flush never
  // count as this flush's arrival.
  let marker = MARKER;
  async function flushWithMarker(from: UdpActor, to: UdpActor): Promise<number[]> {
    marker += 100;
    await from.send(to, 30, { from: marker });
    await to.waitFor(marker);
    const { seqs } = await to.report();
    await to.reset();
    return seqs.filter((seq) => seq < MARKER);
  }

  it('drops about 20% of 1000 packets A->B and none B->A', async () => {
    expect(link.loss).toEqual({ aToB: 20, bToA: 0, outage: false });
    await link.resetStats();
    await a.send(b, 1000, { intervalMs: 1 });
    await b.send(a, 300, { intervalMs: 1 });
    const atB = await flushWithMarker(a, b);
    const atA = await flushWithMarker(b, a);
    const lossRate = 1 - atB.length / 1000;
    // Binomial(1000, 0.2): standard deviation 1.26 points; 5 sigma either side.
    expect(lossRate).toBeGreaterThan(0.2 - 0.063);
    expect(lossRate).toBeLessThan(0.2 + 0.063);
    expect(new Set(atB).size).toBe(atB.length);
    expect(atA).toHaveLength(300);
    // The router's drop counters agree (up to the markers, which cross the same lossy link).
    const dropped = await link.lossCounters();
    expect(dropped.aToB.packets).toBeGreaterThanOrEqual(1000 - atB.length);
    expect(dropped.aToB.packets).toBeLessThanOrEqual(1000 - atB.length + 30);
    expect(dropped.bToA.packets).toBe(0);
  });

  it('changes the loss rate at run time', async () => {
    const before = await link.lossCounters();
    await link.setLoss(50);
    expect(link.loss).toEqual({ aToB: 50, bToA: 50, outage: false });
    // Replacing the rules keeps the counts so far.
    expect(await link.lossCounters()).toEqual(before);
    await a.send(b, 1000, { intervalMs: 1 });
    const atB = await flushWithMarker(a, b);
    // Binomial(1000, 0.5): standard deviation 1.58 points; 5 sigma either side.
    expect(1 - atB.length / 1000).toBeGreaterThan(0.5 - 0.08);
    expect(1 - atB.length / 1000).toBeLessThan(0.5 + 0.08);
  });

  it('drops everything during an outage, both ways, and delivers again after it', async () => {
    await link.setLoss(0);
    await link.setOutage(true);
    expect(link.loss.outage).toBe(true);
    await a.send(b, 100, { from: 2000, intervalMs: 1 });
    await b.send(a, 100, { from: 3000, intervalMs: 1 });
    await link.setOutage(false);
    expect(await flushWithMarker(a, b)).toEqual([]);
    expect(await flushWithMarker(b, a)).toEqual([]);
    await a.send(b, 100, { from: 4000, intervalMs: 1 });
    const after = await flushWithMarker(a, b);
    expect(after).toHaveLength(100);
  });

  it('drops packets already in flight when the outage starts (a cut cable)', async () => {
    await link.setRtt(2000);
    await a.send(b, 50, { from: 5000 });
    await link.setOutage(true);
    await link.setOutage(false);
    await link.setRtt(40);
    // The marker waits behind nothing: the queue was emptied by the outage.
    expect(await flushWithMarker(a, b)).toEqual([]);
  });

  it('keeps order within a direction for 1000 packets in flight at once', async () => {
    await link.setLoss(0);
    // Back-to-back bursts both ways, each sent well within the 200 ms one-way delay, so that
    // all of them are queued at once however slowly a busy machine runs the senders.
    await link.setRtt(400);
    await link.resetStats();
    await Promise.all([a.send(b, 1000, { from: 10_000 }), b.send(a, 1000, { from: 20_000 })]);
    const atB = await flushWithMarker(a, b);
    const atA = await flushWithMarker(b, a);
    for (const seqs of [atB, atA]) {
      expect(seqs).toHaveLength(1000);
      expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
    }
    const stats = await link.stats();
    expect(stats.maxQueued).toBeGreaterThanOrEqual(900);
    expect(stats.dropped).toBe(0);
    await link.setRtt(40);
  });

  it('drops wire-sized TCP segments (not 64 KB TSO batches) and TCP still delivers everything', async () => {
    await link.setLoss({ aToB: 5, bToA: 0 });
    const size = 2_000_000;
    const sink = link.b.spawnNode(TCP_PEER, { args: ['sink'] });
    const { port } = await nextMessage<{ port: number }>(sink, (m: any) => m.ev === 'listening');
    const received = nextMessage<{ bytes: number }>(sink, (m: any) => m.ev === 'received', 60_000);
    link.a.spawnNode(TCP_PEER, { args: ['source', link.b.ip, String(port), String(size)] });
    expect((await received).bytes).toBe(size);
    const dropped = await link.lossCounters();
    expect(dropped.aToB.packets).toBeGreaterThan(0);
    expect(dropped.aToB.bytes / dropped.aToB.packets).toBeLessThanOrEqual(1500);
    expect(dropped.bToA.packets).toBe(0);
  });

  it('rejects invalid loss with a typed error and keeps the current setting', async () => {
    const before = link.loss;
    await expect(link.setLoss(101)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(link.setLoss({ aToB: -1, bToA: 0 })).rejects.toThrow(/0-100/);
    expect(link.loss).toEqual(before);
  });
});

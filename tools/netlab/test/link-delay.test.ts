// The delay link adds the requested round-trip time, precisely, and can change it at run time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, isNetlabSupported } from '../src/index.js';
import type { Link } from '../src/index.js';
import { UdpActor, percentile } from './helpers/udp-actor.js';

const support = isNetlabSupported();

describe.skipIf(!support.ok)('delay link', () => {
  let link: Link;
  let echo: UdpActor;
  let pinger: UdpActor;

  beforeAll(async () => {
    link = await createLink({ rttMs: 40 });
    [echo, pinger] = await Promise.all([UdpActor.start(link.b), UdpActor.start(link.a)]);
    await echo.echo();
  });

  afterAll(async () => {
    await link?.close();
  });

  it('measures a 40 ms round trip for a 60 Hz UDP stream of 200-byte packets', async () => {
    await link.resetStats();
    const rtts = await pinger.ping(echo, 300, 1000 / 60);
    expect(rtts).toHaveLength(300);
    // Never early, and the fastest round trip is the link's delay plus the endpoints' best case;
    // the median adds the endpoints' own scheduling, which a busy machine stretches.
    expect(Math.min(...rtts)).toBeGreaterThanOrEqual(40);
    expect(Math.min(...rtts)).toBeLessThan(42);
    expect(percentile(rtts, 0.5)).toBeLessThan(60);
    const stats = await link.stats();
    expect(stats.forwardedAToB).toBe(300);
    expect(stats.forwardedBToA).toBe(300);
    // The forwarder's own timing: how late packets left after their due time.
    expect(stats.lateness.count).toBe(600);
    expect(stats.lateness.p99Us).toBeLessThan(1000);
  });

  it('changes the delay at run time', async () => {
    await link.setRtt(100);
    expect(link.delays).toEqual({ aToBMs: 50, bToAMs: 50 });
    const rtts = await pinger.ping(echo, 30, 20);
    expect(Math.min(...rtts)).toBeGreaterThanOrEqual(100);
    expect(Math.min(...rtts)).toBeLessThan(103);
    await link.setDelays({ aToBMs: 5, bToAMs: 15 });
    expect(link.delays).toEqual({ aToBMs: 5, bToAMs: 15 });
    const asymmetric = await pinger.ping(echo, 30, 20);
    expect(Math.min(...asymmetric)).toBeGreaterThanOrEqual(20);
    expect(Math.min(...asymmetric)).toBeLessThan(23);
  });

  it('applies each direction its own one-way delay', async () => {
    const [a, b] = await Promise.all([UdpActor.start(link.a), UdpActor.start(link.b)]);
    await link.setDelays({ aToBMs: 5, bToAMs: 15 });
    await Promise.all([a.send(b, 30, { intervalMs: 10 }), b.send(a, 30, { intervalMs: 10 })]);
    await Promise.all([b.waitFor(29), a.waitFor(29)]);
    const [atB, atA] = await Promise.all([b.report(), a.report()]);
    expect(Math.min(...atB.oneWayMs)).toBeGreaterThanOrEqual(5);
    expect(Math.min(...atB.oneWayMs)).toBeLessThan(7);
    expect(Math.min(...atA.oneWayMs)).toBeGreaterThanOrEqual(15);
    expect(Math.min(...atA.oneWayMs)).toBeLessThan(17);
    expect(percentile(atB.oneWayMs, 0.5)).toBeLessThan(percentile(atA.oneWayMs, 0.5));
    await Promise.all([a.stop(), b.stop()]);
  });

  it('rejects invalid delays with a typed error', async () => {
    await expect(link.setRtt(-1)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(createLink({ rttMs: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});

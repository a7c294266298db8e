// NAT lab: clients reach the public server through their NAT, the server sees the NAT's public
// address, cone NATs keep one public port per socket and let hole punching through, symmetric
// NATs pick a new port per destination, and unsolicited packets never get in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatLab, isNetlabSupported } from '../src/index.js';
import type { NatLab } from '../src/index.js';
import { UdpActor } from './helpers/udp-actor.js';

const support = isNetlabSupported();

/** Sends one packet and returns the source address:port the receiver saw. */
async function observedSource(
  from: UdpActor,
  to: UdpActor,
  seq: number,
): Promise<{ ip: string; port: number }> {
  await to.reset();
  await from.send(to, 1, { from: seq });
  await to.waitFor(seq);
  const { sources } = await to.report();
  expect(sources).toHaveLength(1);
  const [ip = '', port = ''] = sources[0]!.split(':');
  return { ip, port: Number(port) };
}

describe.skipIf(!support.ok)('NAT lab: cone (a) and symmetric (b)', () => {
  let lab: NatLab;
  let server1: UdpActor;
  let server2: UdpActor;
  let stranger: UdpActor;
  let a: UdpActor;
  let b: UdpActor;

  beforeAll(async () => {
    lab = await createNatLab({ natA: 'cone', natB: 'symmetric' });
    [server1, server2, stranger, a, b] = await Promise.all([
      UdpActor.start(lab.server),
      UdpActor.start(lab.server),
      UdpActor.start(lab.server),
      UdpActor.start(lab.a),
      UdpActor.start(lab.b),
    ]);
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('uses private client addresses and public NAT addresses', () => {
    expect(lab.a.ip).toBe('192.168.1.100');
    expect(lab.b.ip).toBe('192.168.2.100');
    expect(lab.natA).toMatchObject({ type: 'cone', publicIp: '10.200.0.11' });
    expect(lab.natB).toMatchObject({ type: 'symmetric', publicIp: '10.200.0.12' });
    expect(lab.server.ip).toBe('10.200.0.10');
  });

  it('the server sees the NAT public address, and replies come back through the NAT', async () => {
    const seen = await observedSource(a, server1, 1);
    expect(seen.ip).toBe(lab.natA.publicIp);
    expect(seen.ip).not.toBe(lab.a.ip);
    await a.reset();
    await server1.send(seen, 1, { from: 2 });
    await a.waitFor(2);
  });

  it('cone NAT: one public port per socket whatever the destination', async () => {
    const one = await observedSource(a, server1, 10);
    const two = await observedSource(a, server2, 11);
    expect(two).toEqual(one);
  });

  it('symmetric NAT: a new public port per destination', async () => {
    const one = await observedSource(b, server1, 20);
    const two = await observedSource(b, server2, 21);
    expect(one.ip).toBe(lab.natB.publicIp);
    expect(two.ip).toBe(lab.natB.publicIp);
    expect(two.port).not.toBe(one.port);
  });

  it('drops unsolicited packets, even to a mapped public port', async () => {
    const mapped = await observedSource(a, server1, 30);
    await a.reset();
    // From an address:port the client never contacted: filtered by the NAT.
    await stranger.send(mapped, 1, { from: 31 });
    // Then from the one it did contact, same path into the NAT: delivered.
    await server1.send(mapped, 1, { from: 32 });
    await a.waitFor(32);
    expect((await a.report()).seqs).toEqual([32]);
  });

  it('hole punching fails towards a symmetric NAT', async () => {
    const mapA = await observedSource(a, server1, 40);
    const mapB = await observedSource(b, server1, 41);
    await a.reset();
    // Both sides keep punching, as ICE does; b's packets leave NAT B from new ports, so NAT A
    // (which only opened towards mapB) drops every one of them.
    await Promise.all([
      a.send(mapB, 10, { from: 100, intervalMs: 10 }),
      b.send(mapA, 10, { from: 200, intervalMs: 10 }),
    ]);
    await server1.send(mapA, 1, { from: 300 });
    await a.waitFor(300);
    expect((await a.report()).seqs).toEqual([300]);
  });
});

describe.skipIf(!support.ok)('NAT lab: cone (a) and cone (b)', () => {
  let lab: NatLab;
  let server: UdpActor;
  let a: UdpActor;
  let b: UdpActor;

  beforeAll(async () => {
    lab = await createNatLab({ natA: 'cone', natB: 'cone' });
    [server, a, b] = await Promise.all([
      UdpActor.start(lab.server),
      UdpActor.start(lab.a),
      UdpActor.start(lab.b),
    ]);
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('hole punching between two cone NATs works', async () => {
    const mapA = await observedSource(a, server, 1);
    const mapB = await observedSource(b, server, 2);
    await Promise.all([a.reset(), b.reset()]);
    // Both sides keep punching, as ICE does: the first packets are dropped by the other NAT,
    // but each opens its own NAT towards the other's public address:port.
    const punches = Promise.all([
      a.send(mapB, 20, { from: 100, intervalMs: 10 }),
      b.send(mapA, 20, { from: 200, intervalMs: 10 }),
    ]);
    await Promise.all([a.waitFor(200), b.waitFor(100)]);
    await punches;
    const [atA, atB] = await Promise.all([a.report(), b.report()]);
    expect(atA.sources).toEqual([`${mapB.ip}:${mapB.port}`]);
    expect(atB.sources).toEqual([`${mapA.ip}:${mapA.port}`]);
  });

  it('private addresses behind the other NAT are unreachable', async () => {
    const mapB = await observedSource(b, server, 6);
    await b.reset();
    await a.send(b, 1, { from: 7 }); // to 192.168.2.100: no route on the public network
    await server.send(mapB, 1, { from: 8 });
    await b.waitFor(8);
    expect((await b.report()).seqs).toEqual([8]);
  });
});

describe.skipIf(!support.ok)('NAT lab: no NAT (a)', () => {
  let lab: NatLab;

  beforeAll(async () => {
    lab = await createNatLab({ natA: 'none' });
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('a client without NAT is seen at its own address', async () => {
    const [server, a] = await Promise.all([UdpActor.start(lab.server), UdpActor.start(lab.a)]);
    expect(lab.natA).toEqual({ type: 'none', publicIp: lab.a.ip, router: undefined });
    expect(lab.natB.type).toBe('cone');
    const seen = await observedSource(a, server, 1);
    expect(seen).toEqual({ ip: lab.a.ip, port: a.port });
  });

  it('rejects unknown NAT types with a typed error', async () => {
    await expect(createNatLab({ natA: 'full-cone' as never })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});

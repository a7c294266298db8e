// Internet lab: each host kind behaves as its name says, measured with small UDP probes from the
// public server's two addresses (a STUN-like view: which public address:port does the server see,
// and which senders get back in). Mapping: one public port per socket whatever the destination
// (endpoint-independent) or a new one per destination (symmetric). Filtering: after the client sent
// to one server socket, may another port / another address of the server reach that mapping?
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternetLab, isNetlabSupported, nextMessage } from '../src/index.js';
import type { InternetLab, NetHost } from '../src/index.js';
import { namespaceNames } from './helpers/processes.js';
import { UdpActor } from './helpers/udp-actor.js';

const support = isNetlabSupported();
const TCP_PROBE = new URL('./fixtures/tcp-probe.mjs', import.meta.url);

interface Endpoint {
  ip: string;
  port: number;
}

/** Sends one packet and returns the source address:port the receiver saw. */
async function observedSource(from: UdpActor, to: UdpActor, seq: number): Promise<Endpoint> {
  await to.reset();
  await from.send(to, 1, { from: seq });
  await to.waitFor(seq);
  const { sources } = await to.report();
  expect(sources).toHaveLength(1);
  const [ip = '', port = ''] = sources[0]!.split(':');
  return { ip, port: Number(port) };
}

async function tcpReachable(host: NetHost, ip: string, port: number, timeoutMs = 1_500): Promise<boolean> {
  const child = host.spawnNode(TCP_PROBE, { args: [ip, String(port), String(timeoutMs)] });
  return (await nextMessage<{ ok: boolean }>(child, (m: any) => m.ev === 'result')).ok;
}

describe.skipIf(!support.ok)('internet lab: every host kind', () => {
  let lab: InternetLab;
  /** Three server sockets: two ports on the main address, one on the alternative address. */
  let s1: UdpActor;
  let s2: UdpActor;
  let alt: UdpActor;

  beforeAll(async () => {
    lab = await createInternetLab({
      sites: {
        pub: 'public',
        full: 'full-cone',
        rest: 'restricted-cone',
        sym: 'symmetric',
        blk: 'udp-blocked',
        dbl: 'double-nat',
        lan: { kind: 'restricted-cone', hosts: 2 },
      },
    });
    [s1, s2, alt] = await Promise.all([
      UdpActor.start(lab.server, 0, lab.server.ip),
      UdpActor.start(lab.server, 0, lab.server.ip),
      UdpActor.start(lab.server, 0, lab.serverAltIp),
    ]);
  }, 60_000);

  afterAll(async () => {
    const names = lab?.namespaces ?? [];
    await lab?.close();
    // nothing left behind
    const left = new Set(namespaceNames());
    expect(names.filter((n) => left.has(n))).toEqual([]);
  });

  /** The public endpoints the server sees for one client socket sending to each server socket. */
  async function mappings(host: NetHost, base: number): Promise<Endpoint[]> {
    const client = await UdpActor.start(host);
    return [
      await observedSource(client, s1, base),
      await observedSource(client, s2, base + 1),
      await observedSource(client, alt, base + 2),
    ];
  }

  /**
   * A fresh client socket sends to s1 only; then s2 (same address, other port) and alt (other
   * address) send to its mapping, and s1 last as a marker on the same path. Returns who got in.
   */
  async function admitted(host: NetHost, base: number): Promise<string[]> {
    const client = await UdpActor.start(host);
    const mapping = await observedSource(client, s1, base);
    await client.reset();
    await s2.send(mapping, 1, { from: base + 1 });
    await alt.send(mapping, 1, { from: base + 2 });
    await s1.send(mapping, 1, { from: base + 3 });
    await client.waitFor(base + 3);
    // A second fence, sent only once the first arrived: packets from different senders may cross
    // the NAT router on different cores and overtake each other (seen once in CI: the full cone's
    // other-address probe was not in yet when the first fence was), so one fence would count an
    // admitted probe still in flight as filtered.
    await s1.send(mapping, 1, { from: base + 4 });
    await client.waitFor(base + 4);
    const { seqs } = await client.report();
    const names: Record<number, string> = {
      [base + 1]: 'other-port',
      [base + 2]: 'other-address',
      [base + 3]: 'contacted',
      [base + 4]: 'contacted',
    };
    return [...new Set(seqs.map((seq) => names[seq] ?? String(seq)))].sort();
  }

  it('gives every site its own public address, and hosts behind a NAT private ones', () => {
    expect(lab.server.ip).toBe('10.200.0.10');
    expect(lab.site('pub').host.ip).toBe(lab.site('pub').publicIp);
    for (const name of ['full', 'rest', 'sym', 'blk', 'dbl', 'lan']) {
      const site = lab.site(name);
      expect(site.host.ip).toMatch(/^192\.168\./);
      expect(site.publicIp).toMatch(/^10\.200\.0\./);
    }
    const publics = Object.values(lab.sites).map((s) => s.publicIp);
    expect(new Set(publics).size).toBe(publics.length);
    expect(lab.site('dbl').routers).toHaveLength(2);
    expect(lab.site('lan').hosts).toHaveLength(2);
    expect(() => lab.site('nope')).toThrow(/no site/);
  });

  it('public: seen at its own address and port, reachable by anyone', async () => {
    const pub = lab.site('pub');
    const seen = await mappings(pub.host, 100);
    expect(new Set(seen.map((e) => `${e.ip}:${e.port}`)).size).toBe(1);
    expect(seen[0]!.ip).toBe(pub.host.ip);
    expect(await admitted(pub.host, 110)).toEqual(['contacted', 'other-address', 'other-port']);
  });

  it('full cone: endpoint-independent mapping and filtering', async () => {
    const site = lab.site('full');
    const seen = await mappings(site.host, 200);
    expect(seen.every((e) => e.ip === site.publicIp && e.port === seen[0]!.port)).toBe(true);
    expect(await admitted(site.host, 210)).toEqual(['contacted', 'other-address', 'other-port']);
  });

  it('restricted cone: endpoint-independent mapping, filtering by address and port', async () => {
    const site = lab.site('rest');
    const seen = await mappings(site.host, 300);
    expect(seen.every((e) => e.ip === site.publicIp && e.port === seen[0]!.port)).toBe(true);
    expect(await admitted(site.host, 310)).toEqual(['contacted']);
  });

  it('symmetric: a new public port per destination, filtering by address and port', async () => {
    const site = lab.site('sym');
    const seen = await mappings(site.host, 400);
    expect(seen.every((e) => e.ip === site.publicIp)).toBe(true);
    expect(new Set(seen.map((e) => e.port)).size).toBe(3);
    expect(await admitted(site.host, 410)).toEqual(['contacted']);
  });

  it('double NAT: seen at the carrier NAT address, endpoint-independent, filtered', async () => {
    const site = lab.site('dbl');
    const seen = await mappings(site.host, 500);
    expect(seen.every((e) => e.ip === site.publicIp && e.port === seen[0]!.port)).toBe(true);
    expect(site.routers[1]!.ip).toMatch(/^100\.64\./); // the home router's WAN is carrier space
    expect(await admitted(site.host, 510)).toEqual(['contacted']);
  });

  it('same NAT: both hosts share the public address and reach each other on the LAN', async () => {
    const site = lab.site('lan');
    const [one, two] = await Promise.all(site.hosts.map((h) => UdpActor.start(h)));
    const seenOne = await observedSource(one!, s1, 600);
    const seenTwo = await observedSource(two!, s1, 601);
    expect(seenOne.ip).toBe(site.publicIp);
    expect(seenTwo.ip).toBe(site.publicIp);
    const direct = await observedSource(one!, two!, 602);
    expect(direct).toEqual({ ip: site.hosts[0]!.ip, port: one!.port });
  });

  it('UDP-blocked: no UDP leaves, TCP only to the allowed ports', async () => {
    const site = lab.site('blk');
    const router = site.routers[0]!;
    const listener = lab.server.spawnNode(TCP_PROBE, { args: ['listen', lab.server.ip, '443'] });
    const other = lab.server.spawnNode(TCP_PROBE, { args: ['listen', lab.server.ip, '8443'] });
    await Promise.all([
      nextMessage(listener, (m: any) => m.ev === 'listening'),
      nextMessage(other, (m: any) => m.ev === 'listening'),
    ]);
    const drops = async (): Promise<number> => {
      const out = await router.exec('iptables', ['-w', '-L', 'FORWARD', '-v', '-x', '-n']);
      const line = out.split('\n').find((l) => /DROP/.test(l) && /\blan\s+wan\b/.test(l));
      return Number(line?.trim().split(/\s+/)[0] ?? Number.NaN);
    };
    const before = await drops();
    const client = await UdpActor.start(site.host);
    await s1.reset();
    await client.send(s1, 5, { from: 700 });
    // TCP to 443 passes the same router after the UDP burst: by then the burst was dropped there.
    expect(await tcpReachable(site.host, lab.server.ip, 443)).toBe(true);
    expect((await s1.report()).seqs).toEqual([]);
    expect((await drops()) - before).toBeGreaterThanOrEqual(5);
    expect(await tcpReachable(site.host, lab.server.ip, 8443)).toBe(false);
    listener.disconnect();
    other.disconnect();
  });

  it('rejects bad sites with a typed error', async () => {
    await expect(createInternetLab({ sites: {} })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(createInternetLab({ sites: { x: 'nat' as never } })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    await expect(createInternetLab({ sites: { x: { kind: 'full-cone', hosts: 2 } } })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    await expect(createInternetLab({ sites: { 'Bad-Name': 'public' } })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});

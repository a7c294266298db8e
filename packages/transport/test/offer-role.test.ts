// The DTLS role a Node offerer asks for and the one a Node answerer takes (src/rtc/offer-role.ts,
// src/rtc/node-adapter.ts): the DTLS server must be the side whose ICE connects first, since
// libdatachannel 0.24.5 makes a ClientHello that reaches a server before its ICE connected wait for
// the retransmission a second later. The role logic on its own first, then real node-datachannel
// peers with a real STUN server (coturn on loopback), where the offerer's reflexive address is not
// its own (behind a "NAT" as far as it can tell) and the answerer shares its network.
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onLocalNetwork } from '../src/rtc/local-network.js';
import { nodeAdapter } from '../src/rtc/node-adapter.js';
import {
  OfferRole,
  forgetOpenNats,
  gatheredAddresses,
  offerSetup,
  rememberOpenNat,
  takeHosts,
  withSetup,
} from '../src/rtc/offer-role.js';
import { iceConnectedAt, openAdapterPair } from './adapter-pair.js';
import { onCleanup } from './helpers.js';
import { networkInterfaces } from 'node:os';

const OFFER =
  'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=setup:actpass\r\n';
const host = (ip: string) => `a=candidate:1 1 UDP 2114977791 ${ip} 40000 typ host`;
const srflx = (ip: string) => `a=candidate:2 1 UDP 1678769919 ${ip} 40000 typ srflx raddr 0.0.0.0 rport 0`;
const relay = (ip: string) => `a=candidate:3 1 UDP 16777215 ${ip} 50000 typ relay raddr 0.0.0.0 rport 0`;

afterEach(() => {
  forgetOpenNats();
  vi.useRealTimers();
});

describe('what the gathering says', () => {
  it('reads a reflexive address equal to a host address as no NAT, another one as a NAT', () => {
    expect(gatheredAddresses(`${host('10.200.0.20')}\n${srflx('10.200.0.20')}`)).toEqual({
      hosts: ['10.200.0.20'],
      natted: [],
      relayed: false,
    });
    const natted = gatheredAddresses(`${host('192.168.2.100')}\n${srflx('10.200.0.21')}`);
    expect(natted).toEqual({ hosts: ['192.168.2.100'], natted: ['10.200.0.21'], relayed: false });
    expect(gatheredAddresses(relay('10.200.0.10')).relayed).toBe(true);
  });

  it('asks for active without a NAT, passive behind one or a relay, active behind a NAT that took unsolicited checks', () => {
    expect(offerSetup(gatheredAddresses(host('10.200.0.20')))).toBe('active');
    const behind = gatheredAddresses(`${host('192.168.2.100')}\n${srflx('10.200.0.21')}`);
    expect(offerSetup(behind)).toBe('passive');
    expect(offerSetup(gatheredAddresses(relay('10.200.0.10')))).toBe('passive');
    rememberOpenNat('10.200.0.21');
    expect(offerSetup(behind)).toBe('active');
    forgetOpenNats();
    expect(offerSetup(behind)).toBe('passive');
  });

  it('rewrites only a role left open', () => {
    expect(withSetup(OFFER, 'passive')).toContain('\r\na=setup:passive\r\n');
    expect(withSetup(withSetup(OFFER, 'passive'), 'active')).toContain('\r\na=setup:passive\r\n');
  });
});

describe('OfferRole', () => {
  function role(probing: boolean, waitMs = 200) {
    const sent: Array<{ sdp: string; setup: string }> = [];
    const r = new OfferRole((sdp, setup) => sent.push({ sdp, setup }), probing, waitMs);
    return { r, sent };
  }

  it('sends at once as active when there is no STUN or TURN server to learn from', () => {
    const { r, sent } = role(false);
    r.offer(OFFER);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.setup).toBe('active');
    expect(sent[0]!.sdp).toContain('a=setup:active');
    expect(r.asked).toEqual({ setup: 'active', natted: [] });
  });

  it('holds the offer until a reflexive address shows a NAT, then asks for passive and names its hosts', () => {
    const { r, sent } = role(true);
    r.gathered(host('192.168.2.100'));
    r.offer(OFFER);
    expect(sent).toEqual([]);
    r.gathered(srflx('10.200.0.21'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.setup).toBe('passive');
    expect(takeHosts(sent[0]!.sdp).hosts).toEqual(['192.168.2.100']);
    // the hint is a session attribute: before the first media section
    expect(sent[0]!.sdp.indexOf('a=x-tickwire-hosts')).toBeLessThan(sent[0]!.sdp.indexOf('m='));
    r.gathered(relay('10.200.0.10'));
    r.gatheringComplete(undefined);
    expect(sent).toHaveLength(1);
  });

  it('reads the local description when gathering ends before the last candidate event arrived', () => {
    const { r, sent } = role(true);
    r.gathered(host('192.168.2.100'));
    r.gatheringComplete(`${OFFER}${host('192.168.2.100')}\r\n${srflx('10.200.0.21')}\r\n`);
    r.offer(OFFER);
    expect(sent.map((s) => s.setup)).toEqual(['passive']);
  });

  it('asks for active when gathering ends with the reflexive address being its own (no NAT)', () => {
    const { r, sent } = role(true);
    r.offer(OFFER);
    r.gathered(host('10.200.0.20'));
    r.gathered(srflx('10.200.0.20'));
    expect(sent).toEqual([]);
    r.gatheringComplete(undefined);
    expect(sent.map((s) => s.setup)).toEqual(['active']);
    expect(takeHosts(sent[0]!.sdp).hosts).toEqual([]);
  });

  it('goes out as passive when no STUN answer came in time, and never after stop()', () => {
    vi.useFakeTimers();
    const late = role(true, 200);
    late.r.offer(OFFER);
    vi.advanceTimersByTime(199);
    expect(late.sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(late.sent.map((s) => s.setup)).toEqual(['passive']);
    const stopped = role(true, 200);
    stopped.r.offer(OFFER);
    stopped.r.stop();
    vi.advanceTimersByTime(1_000);
    stopped.r.gatheringComplete(undefined);
    expect(stopped.sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('onLocalNetwork', () => {
  it("is true for an address on one of this machine's interface subnets only", () => {
    const own = Object.values(networkInterfaces())
      .flat()
      .find((e) => e?.family === 'IPv4' && !e.internal);
    if (own) expect(onLocalNetwork(own.address)).toBe(true);
    expect(onLocalNetwork('127.0.0.1')).toBe(false);
    expect(onLocalNetwork('198.51.100.7')).toBe(own?.cidr === '198.51.100.0/24');
    expect(onLocalNetwork('not-an-address')).toBe(false);
    expect(onLocalNetwork('::1')).toBe(false);
  });
});

describe.skipIf(!hasTurnserver)('real peers with a STUN server on loopback', () => {
  it('the offerer asks for passive (its reflexive address is not its own); the answerer on its network serves, and ICE connects there first', async () => {
    const turn = await startCoturn({ auth: { user: 'tickwire', password: 'turn-password-for-tests' } });
    onCleanup(() => turn.stop());
    const { log, sdps } = await openAdapterPair(nodeAdapter, (name) => ({
      iceServers: [{ urls: turn.stunUrl }],
      iceTransportPolicy: 'all',
      label: name,
    }));
    expect(sdps.offer).toMatch(/^a=setup:passive\r?$/m);
    const hosts = takeHosts(sdps.offer!).hosts;
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.some(onLocalNetwork)).toBe(true);
    // the answerer overrode the offer's wish: it reaches the offerer's host address directly
    expect(sdps.answer).toMatch(/^a=setup:passive\r?$/m);
    expect(sdps.answer).not.toContain('x-tickwire-hosts');
    expect(iceConnectedAt(log, 'answerer'), log.join(' ')).toBeGreaterThanOrEqual(0);
    expect(iceConnectedAt(log, 'offerer'), log.join(' ')).toBeGreaterThan(iceConnectedAt(log, 'answerer'));
  });
});

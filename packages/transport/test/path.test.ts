// Path in stats: describePath classifies a selected pair (the least direct candidate wins; the relay
// protocol only for our own relay), and a real connection reports its path in stats() once open:
// host for two peers on one machine, relay over UDP through a real coturn when relay-only.
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import { connect, createSignalerPair, describePath } from '../src/index.js';
import type { Connection, SelectedCandidate } from '../src/index.js';
import { PathTracker } from '../src/stats/path.js';
import { onCleanup, once, openPair } from './helpers.js';

const c = (type: string, extra: Partial<SelectedCandidate> = {}): SelectedCandidate => ({
  type,
  address: '10.0.0.1',
  port: 5000,
  ...extra,
});

/**
 * The path once the connection has read it and knows the peer's candidates: it is read at open and
 * on every ping; a Node answerer sends its candidates only once connected, so until they arrive
 * its address is the peer-reflexive one ICE discovered (a few pings at most).
 */
async function pathOf(conn: Connection): Promise<NonNullable<ReturnType<Connection['stats']>['path']>> {
  for (let pings = 0; pings < 3; pings++) {
    const current = conn.stats().path;
    if (current !== undefined && current.type !== 'prflx') break;
    await once(conn, 'rtt');
  }
  const path = conn.stats().path;
  expect(path).toBeDefined();
  return path!;
}

describe('describePath', () => {
  it('takes the least direct candidate type of the pair', () => {
    expect(describePath({ local: c('host'), remote: c('host') })?.type).toBe('host');
    expect(describePath({ local: c('host'), remote: c('prflx') })?.type).toBe('prflx');
    expect(describePath({ local: c('srflx'), remote: c('prflx') })?.type).toBe('srflx');
    expect(describePath({ local: c('prflx'), remote: c('relay') })?.type).toBe('relay');
  });

  it('reports the relay protocol of our own relay only', () => {
    const own = describePath({ local: c('relay', { relayProtocol: 'tcp' }), remote: c('host') });
    expect(own).toMatchObject({ type: 'relay', relayProtocol: 'tcp' });
    const theirs = describePath({ local: c('host'), remote: c('relay', { relayProtocol: 'udp' }) });
    expect(theirs?.type).toBe('relay');
    expect(theirs && 'relayProtocol' in theirs).toBe(false);
  });

  it('names a peer-reflexive remote by the type the peer signaled for that address', () => {
    const pair = { local: c('host'), remote: c('prflx', { address: '192.168.1.5', port: 40000 }) };
    expect(describePath(pair, new Map([['192.168.1.5:40000', 'host']]))?.type).toBe('host');
    expect(describePath(pair, new Map([['192.168.1.5:40001', 'host']]))?.type).toBe('prflx');
    expect(describePath(pair)?.remote.type).toBe('prflx');
    // a public peer signals one address:port as host and as srflx: the path is host
    const pub = { local: c('host'), remote: c('srflx', { address: '10.200.0.20', port: 4000 }) };
    expect(describePath(pub, new Map([['10.200.0.20:4000', 'host']]))?.type).toBe('host');
    // a signaled type never makes a path look less direct than ICE reported it
    expect(describePath(pub, new Map([['10.200.0.20:4000', 'relay']]))?.type).toBe('srflx');
  });

  it('PathTracker keeps the most direct type signaled for an address, ignoring junk', async () => {
    const tracker = new PathTracker();
    tracker.noteRemoteCandidate(
      'a=candidate:2 1 UDP 1678769919 10.200.0.20 45517 typ srflx raddr 0.0.0.0 rport 0',
    );
    tracker.noteRemoteCandidate('a=candidate:1 1 UDP 2114977791 10.200.0.20 45517 typ host');
    tracker.noteRemoteCandidate('a=candidate:2 1 UDP 1678769919 10.200.0.20 45517 typ srflx');
    tracker.noteRemoteCandidate('not a candidate');
    tracker.noteRemoteCandidate(42 as unknown as string);
    const remote = c('prflx', { address: '10.200.0.20', port: 45517 });
    await tracker.refresh(async () => ({ local: c('host'), remote }));
    expect(tracker.current?.type).toBe('host');
    await tracker.refresh(() => Promise.reject(new Error('adapter gone')));
    expect(tracker.current).toBeUndefined();
  });

  it('gives no path for candidate types it does not know', () => {
    expect(describePath({ local: c(''), remote: c('host') })).toBeUndefined();
    expect(describePath({ local: c('host'), remote: c('bogus') })).toBeUndefined();
  });
});

describe('stats().path on real connections', () => {
  it('is undefined before open and host between two local peers', async () => {
    const [sa, sb] = createSignalerPair();
    const a = connect({ role: 'offerer', signaler: sa });
    const b = connect({ role: 'answerer', signaler: sb });
    onCleanup(() => {
      a.close();
      b.close();
    });
    expect(a.stats().path).toBeUndefined();
    await Promise.all([a.opened, b.opened]);
    for (const conn of [a, b]) {
      const path = await pathOf(conn);
      expect(path.type).toBe('host');
      expect(path.local.type).toBe('host');
      expect(path).not.toHaveProperty('relayProtocol');
    }
  });

  it('survives a closed connection (stats still readable, path kept)', async () => {
    const { a } = await openPair();
    await pathOf(a);
    a.close();
    expect(a.stats().path?.type).toBe('host');
  });

  it.skipIf(!hasTurnserver)('is relay over UDP through coturn when relay-only', async () => {
    const turn = await startCoturn({ auth: { user: 'tickwire', password: 'turn-password-for-tests' } });
    onCleanup(() => turn.stop());
    const iceServers = [{ urls: turn.url, username: turn.auth.user, credential: turn.auth.password }];
    const [sa, sb] = createSignalerPair();
    const a = connect({ role: 'offerer', signaler: sa, iceServers, iceTransportPolicy: 'relay' });
    const b = connect({ role: 'answerer', signaler: sb, iceServers, iceTransportPolicy: 'relay' });
    onCleanup(() => {
      a.close();
      b.close();
    });
    await Promise.all([a.opened, b.opened]);
    const path = await pathOf(a);
    expect(path.type).toBe('relay');
    expect(path.local.type).toBe('relay');
    expect(path.relayProtocol).toBe('udp');
    expect(path.local.address).toBe(turn.relayIp);
  });
});

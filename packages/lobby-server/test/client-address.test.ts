// Which address the per-address limits count under (issue 13, finding 6). Behind proxies the
// client is the rightmost X-Forwarded-For entry not written by one of `trustedProxies` proxies;
// entries further left are client-written and must not let one client rotate keys. IPv6 clients
// are counted per /64. Here the test plays the proxy: it connects from loopback and writes the
// header a real proxy would have appended to.
import type { IncomingMessage } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../src/server/address-key.js';
import { RawClient, cleanup, eventually, onCleanup, startLobby } from './helpers.js';

afterEach(cleanup);

function request(forwardedFor: string | undefined, peer = '10.9.9.9'): IncomingMessage {
  return {
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: peer },
  } as unknown as IncomingMessage;
}

describe('addressKey and clientAddress', () => {
  it('keys IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('takes the rightmost untrusted hop, never a client-written one', () => {
    expect(clientAddress(request('6.6.6.6, 198.51.100.4'), 0)).toBe('10.9.9.9');
    expect(clientAddress(request('6.6.6.6, 198.51.100.4'), 1)).toBe('198.51.100.4');
    expect(clientAddress(request('6.6.6.6, 198.51.100.4, 10.0.0.2'), 2)).toBe('198.51.100.4');
    // Fewer hops than proxies: the leftmost known; garbage in the hop: the socket's peer.
    expect(clientAddress(request('198.51.100.4'), 3)).toBe('198.51.100.4');
    expect(clientAddress(request('not-an-ip, evil'), 1)).toBe('10.9.9.9');
    expect(clientAddress(request(undefined), 1)).toBe('10.9.9.9');
  });
});

describe('limits behind a trusted proxy', () => {
  it('a client rotating the left X-Forwarded-For entries still meets connectionsPerIp', async () => {
    const server = await startLobby({ trustProxy: true, trustedProxies: 1, connectionsPerIp: 3 });
    const open = (spoof: string, client: string) =>
      RawClient.open(server.url, { 'x-forwarded-for': `${spoof}, ${client}` });
    for (let i = 0; i < 3; i += 1) await open(`10.0.${i}.1`, '198.51.100.4');
    await expect(open('10.0.9.1', '198.51.100.4')).rejects.toThrow(/429/);
    // A different client behind the same proxy is counted on its own.
    await open('10.0.9.1', '198.51.100.5');
  });

  it('counts the addresses of one IPv6 /64 together', async () => {
    const server = await startLobby({ trustProxy: true, trustedProxies: 1, connectionsPerIp: 2 });
    const open = (client: string) => RawClient.open(server.url, { 'x-forwarded-for': client });
    await open('2001:db8:7:7::1');
    await open('2001:db8:7:7:dead:beef:0:2');
    await expect(open('2001:db8:7:7:ffff::3')).rejects.toThrow(/429/);
    await open('2001:db8:7:8::1');
  });

  it('with two proxies, the entry two hops left of the socket is the client', async () => {
    const server = await startLobby({ trustProxy: true, trustedProxies: 2, connectionsPerIp: 1 });
    await RawClient.open(server.url, { 'x-forwarded-for': '1.1.1.1, 198.51.100.9, 10.0.0.2' });
    await expect(
      RawClient.open(server.url, { 'x-forwarded-for': '2.2.2.2, 198.51.100.9, 10.0.0.2' }),
    ).rejects.toThrow(/429/);
  });
});

describe('socket admission behind a proxy', () => {
  it('does not cap sockets per address with trustProxy (every socket is the proxy)', async () => {
    const server = await startLobby({ trustProxy: true, socketsPerIp: 2 });
    let closed = 0;
    for (let i = 0; i < 6; i += 1) {
      const socket = tcpConnect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => (closed += 1));
      onCleanup(() => {
        socket.destroy();
      });
    }
    // All six admitted (the lobby counts them open), none reset.
    await eventually(async () => {
      const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
      return Number(/^lobby_sockets_open (\d+)$/m.exec(text)?.[1] ?? 0) >= 6;
    });
    expect(closed).toBe(0);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });
});

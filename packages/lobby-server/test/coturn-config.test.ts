// The coturn configuration shipped with the lobby (coturn/turnserver.conf) against a real
// turnserver: relaying to loopback, private, shared, link-local (cloud metadata), benchmarking,
// multicast and broadcast addresses is refused (CreatePermission → 403) while a public peer is
// allowed, the same for IPv6 peers on an IPv6 allocation (loopback, IPv4-mapped, NAT64,
// unique-local, link-local, multicast), one session's credentials hold at most `user-quota`
// allocations, and the lobby's short-lived credentials are accepted until they expire.
//
// The test environment needs a few overrides on the command line, and only these: where coturn
// listens and relays (127.0.0.1 and 127.0.0.2, test-chosen ports), the shared secret, and files
// in a temporary folder. Everything about peers, quotas and credentials comes from the file; in
// particular testkit's --allow-loopback-peers and -n (ignore the config file) are taken out.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTurnserver, startCoturn, waitForStun } from '@tickwire/testkit';
import type { Coturn, CoturnSecretAuth } from '@tickwire/testkit';
import { createTurnCredentials } from '../src/index.js';
import { cleanup, connect, startLobby } from './helpers.js';
import { openAllocation } from './support/turn-client.js';
import type { TurnAllocation } from './support/turn-client.js';

const CONFIG = fileURLToPath(new URL('../coturn/turnserver.conf', import.meta.url));
/** Test-only flags testkit passes that would weaken the shipped configuration. */
const DROPPED = new Set(['-n', '--allow-loopback-peers']);

describe.skipIf(!hasTurnserver)('shipped coturn configuration', () => {
  let coturn: Coturn<CoturnSecretAuth>;
  const allocations: TurnAllocation[] = [];

  beforeAll(async () => {
    coturn = await startCoturn({
      auth: { secret: 'shipped-config-secret-for-tests' },
      spawn: (command, args, options) =>
        spawn(command, ['-c', CONFIG, ...args.filter((arg) => !DROPPED.has(arg))], options),
      probe: (target, signal) => waitForStun(target.port, { host: target.host, timeoutMs: 10_000, signal }),
    });
  });

  afterAll(async () => {
    for (const allocation of allocations) allocation.close();
    await cleanup();
    const started: Coturn<CoturnSecretAuth> | undefined = coturn;
    await started?.stop();
  });

  async function allocation(id: string): Promise<TurnAllocation> {
    const credentials = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 300, turnUrls: [coturn.url], stunUrls: [] },
      id,
    );
    const opened = await openAllocation(coturn.port, credentials.username, credentials.credential);
    allocations.push(opened);
    return opened;
  }

  it('refuses permissions to internal, link-local, metadata and multicast peers with 403', async () => {
    const turn = await allocation('perm');
    expect(turn.result).toMatchObject({ ok: true, relayedAddress: coturn.relayIp });
    const denied = [
      '127.0.0.1', // loopback: the lobby, Redis, anything bound to localhost
      '127.0.0.2', // coturn's own relay address
      '10.1.2.3',
      '172.16.5.5',
      '192.168.1.1',
      '100.64.0.1', // shared address space (CGNAT)
      '169.254.169.254', // cloud metadata
      '169.254.1.1',
      '0.0.0.0',
      '198.18.0.1',
      '224.0.0.251', // multicast (mDNS)
      '239.255.255.250', // multicast (SSDP)
      '255.255.255.255',
    ];
    const answers: Record<string, number> = {};
    for (const peer of denied) answers[peer] = await turn.permit(peer);
    expect(answers).toEqual(Object.fromEntries(denied.map((peer) => [peer, 403])));
    // A public peer is allowed: the denials above are the ranges, not TURN being broken.
    expect(await turn.permit('203.0.113.9')).toBe(200);
    expect(await turn.permit('8.8.8.8')).toBe(200);
  });

  it('holds one session to user-quota (8) allocations at once', async () => {
    const results = [];
    for (let i = 0; i < 9; i += 1) results.push((await allocation('quota')).result);
    expect(results.slice(0, 8).every((r) => r.ok)).toBe(true);
    expect(results[8]).toEqual({ ok: false, errorCode: 486 });
    // Another session is not affected.
    expect((await allocation('other-session')).result.ok).toBe(true);
  });

  it("accepts the lobby's session-scoped credentials and refuses expired ones", async () => {
    const server = await startLobby({ turnSecret: coturn.auth.secret, turnUrls: [coturn.url] });
    const client = await connect(server);
    const turn = client.turn!;
    // Short-lived by default, and scoped to the session it was minted for.
    expect(turn.ttlSeconds).toBe(600);
    expect(turn.username.endsWith(`:${client.sessionId}`)).toBe(true);
    const live = await openAllocation(coturn.port, turn.username, turn.credential);
    allocations.push(live);
    expect(live.result.ok).toBe(true);
    // Expired a minute ago: the expiry in the username is in whole seconds and coturn checks it
    // against its own clock, so one that had expired about a second before was accepted once (a
    // run under load, 2026-12-04); what is under test is refusal, not the edge of the second.
    const expired = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 600, turnUrls: [coturn.url], stunUrls: [] },
      client.sessionId!,
      Date.now() - 660_000,
    );
    const refused = await openAllocation(coturn.port, expired.username, expired.credential);
    allocations.push(refused);
    expect(refused.result).toEqual({ ok: false, errorCode: 401 });
  });
});

describe.skipIf(!hasTurnserver)('shipped coturn configuration: bandwidth', () => {
  let coturn: Coturn<CoturnSecretAuth>;

  beforeAll(async () => {
    // The one extra override: the test's receiving peer lives on 127.0.0.1, which the file denies
    // (loopback). Exactly that address is allowed, and only in this coturn; the rest of 127/8 stays
    // denied, which the test checks too.
    coturn = await startCoturn({
      auth: { secret: 'shipped-config-bandwidth-secret' },
      spawn: (command, args, options) =>
        spawn(
          command,
          ['-c', CONFIG, ...args.filter((arg) => arg !== '-n'), '--allowed-peer-ip=127.0.0.1'],
          options,
        ),
      probe: (target, signal) => waitForStun(target.port, { host: target.host, timeoutMs: 10_000, signal }),
    });
  });

  afterAll(async () => {
    const started: Coturn<CoturnSecretAuth> | undefined = coturn;
    await started?.stop();
  });

  it('caps what one TURN session relays at max-bps (128 KiB/s)', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    let received = 0;
    peer.on('message', (data) => (received += data.length));
    const credentials = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 300, turnUrls: [coturn.url], stunUrls: [] },
      'bw',
    );
    const turn = await openAllocation(coturn.port, credentials.username, credentials.credential);
    try {
      expect(turn.result.ok).toBe(true);
      expect(await turn.permit('127.0.0.1')).toBe(200);
      expect(await turn.permit('127.0.0.3')).toBe(403);
      // Up to ~2 MiB/s offered for 2 s in 1 KiB datagrams (at least three times the cap on a busy machine).
      const chunk = Buffer.alloc(1_024, 7);
      const { port } = peer.address();
      const started = Date.now();
      let sent = 0;
      while (Date.now() - started < 2_000) {
        for (let i = 0; i < 32; i += 1) turn.sendTo('127.0.0.1', port, chunk);
        sent += 32 * chunk.length;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      const seconds = (Date.now() - started) / 1_000;
      expect(sent / seconds).toBeGreaterThan(3 * 131_072);
      // Some got through (the relay works), at most the cap plus coturn's buffers.
      expect(received).toBeGreaterThan(0);
      expect(received / seconds).toBeLessThan(2 * 131_072);
      expect(received).toBeLessThan(sent / 2);
    } finally {
      turn.close();
      peer.close();
    }
  });
});

describe.skipIf(!hasTurnserver)('shipped coturn configuration: IPv6 peers', () => {
  let coturn: Coturn<CoturnSecretAuth>;

  beforeAll(async () => {
    // One override more than the first block: an IPv6 relay address (::1) beside 127.0.0.2, so a
    // client can ask for an IPv6 allocation (RFC 6156) and name IPv6 peers.
    coturn = await startCoturn({
      auth: { secret: 'shipped-config-ipv6-secret' },
      spawn: (command, args, options) =>
        spawn(command, ['-c', CONFIG, ...args.filter((arg) => !DROPPED.has(arg)), '--relay-ip=::1'], options),
      probe: (target, signal) => waitForStun(target.port, { host: target.host, timeoutMs: 10_000, signal }),
    });
  });

  afterAll(async () => {
    const started: Coturn<CoturnSecretAuth> | undefined = coturn;
    await started?.stop();
  });

  it('refuses loopback, IPv4-mapped, NAT64, unique-local, link-local and multicast IPv6 peers with 403', async () => {
    const credentials = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 300, turnUrls: [coturn.url], stunUrls: [] },
      'v6',
    );
    const turn = await openAllocation(coturn.port, credentials.username, credentials.credential, 'ipv6');
    try {
      expect(turn.result.ok).toBe(true);
      const denied = [
        '::1', // loopback
        '::ffff:7f00:1', // IPv4-mapped 127.0.0.1
        '::ffff:a01:203', // IPv4-mapped 10.1.2.3
        '::ffff:a9fe:a9fe', // IPv4-mapped 169.254.169.254 (metadata)
        '64:ff9b::a01:203', // NAT64 of 10.1.2.3
        'fc00::1', // unique-local
        'fd00:ec2::254', // AWS metadata over IPv6
        'fe80::1', // link-local
        'febf:ffff::1',
        'ff02::1', // multicast: all nodes
        'ff05::1:3',
      ];
      const answers: Record<string, number> = {};
      for (const peer of denied) answers[peer] = await turn.permit(peer);
      expect(answers).toEqual(Object.fromEntries(denied.map((peer) => [peer, 403])));
      // A public IPv6 peer is allowed: the denials are the ranges, not IPv6 relaying being broken.
      expect(await turn.permit('2606:4700:4700::1111')).toBe(200);
      expect(await turn.permit('2001:4860:4860::8888')).toBe(200);
    } finally {
      turn.close();
    }
  });
});

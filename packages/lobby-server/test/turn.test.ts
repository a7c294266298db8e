// TURN credentials against a real coturn in REST-API mode: the lobby's ephemeral credentials
// allocate a relay, a wrong or expired one is refused with 401, and two node-datachannel peers
// forced to relay-only ICE connect through coturn with the credentials the lobby handed out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import type { Coturn, CoturnSecretAuth } from '@tickwire/testkit';
import { connect as connectPeer, createSignalerPair } from '@tickwire/transport';
import { createTurnCredentials } from '../src/index.js';
import { cleanup, connect, startLobby } from './helpers.js';
import { allocate } from './support/turn-client.js';

describe.skipIf(!hasTurnserver)('TURN credentials with coturn (use-auth-secret)', () => {
  let coturn: Coturn<CoturnSecretAuth>;

  beforeAll(async () => {
    coturn = await startCoturn({ auth: { secret: 'coturn-shared-secret-for-tests' } });
  });

  afterAll(async () => {
    await cleanup();
    // Unset when startCoturn threw in beforeAll.
    const started: Coturn<CoturnSecretAuth> | undefined = coturn;
    await started?.stop();
  });

  it('hands out credentials that coturn accepts for an allocation', async () => {
    const server = await startLobby({
      turnSecret: coturn.auth.secret,
      turnUrls: [coturn.url],
      stunUrls: [`stun:127.0.0.1:${coturn.port}`],
      turnTtlSeconds: 300,
    });
    const client = await connect(server);
    const turn = client.turn!;
    expect(turn.iceServers).toContainEqual({
      urls: [coturn.url],
      username: turn.username,
      credential: turn.credential,
    });
    const result = await allocate(coturn.port, turn.username, turn.credential);
    expect(result).toMatchObject({ ok: true, relayedAddress: coturn.relayIp });
    if (result.ok) {
      expect(result.relayedPort).toBeGreaterThanOrEqual(coturn.relayPorts.min);
      expect(result.relayedPort).toBeLessThanOrEqual(coturn.relayPorts.max);
    }
  });

  it('is refused with 401 for a wrong password, a foreign secret, or an expired username', async () => {
    const server = await startLobby({ turnSecret: coturn.auth.secret, turnUrls: [coturn.url] });
    const client = await connect(server);
    const turn = client.turn!;
    expect(await allocate(coturn.port, turn.username, `${turn.credential.slice(0, -2)}AA`)).toEqual({
      ok: false,
      errorCode: 401,
    });
    const foreign = createTurnCredentials(
      { secret: 'not-the-coturn-secret', ttlSeconds: 300, turnUrls: [coturn.url], stunUrls: [] },
      'p1',
    );
    expect(await allocate(coturn.port, foreign.username, foreign.credential)).toEqual({
      ok: false,
      errorCode: 401,
    });
    const expired = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 60, turnUrls: [coturn.url], stunUrls: [] },
      'p1',
      Date.now() - 3_600_000,
    );
    expect(await allocate(coturn.port, expired.username, expired.credential)).toEqual({
      ok: false,
      errorCode: 401,
    });
    // The same secret with a fresh expiry works: the refusal above was the expiry.
    const fresh = createTurnCredentials(
      { secret: coturn.auth.secret, ttlSeconds: 60, turnUrls: [coturn.url], stunUrls: [] },
      'p1',
    );
    expect((await allocate(coturn.port, fresh.username, fresh.credential)).ok).toBe(true);
  });

  it('connects two node-datachannel peers over relay-only ICE with the lobby credentials', async () => {
    const server = await startLobby({
      turnSecret: coturn.auth.secret,
      turnUrls: [coturn.url],
      turnTtlSeconds: 300,
    });
    const alice = await connect(server);
    const bob = await connect(server);
    const [sa, sb] = createSignalerPair();
    const a = connectPeer({
      role: 'offerer',
      signaler: sa,
      iceServers: [...alice.turn!.iceServers].map((s) => ({ ...s })),
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 10_000,
    });
    const b = connectPeer({
      role: 'answerer',
      signaler: sb,
      iceServers: [...bob.turn!.iceServers].map((s) => ({ ...s })),
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 10_000,
    });
    try {
      await Promise.all([a.opened, b.opened]);
      // Relay-only peers gather nothing but relayed candidates, so the link exists only because
      // coturn accepted the lobby's credentials (compare the wrong-credential test below). A
      // relayed candidate is in the selected pair, on a port from coturn's relay range, and the far
      // end is coturn's relay IP: every packet goes through coturn. The far end may be typed
      // 'prflx' when its first check beat its trickled candidate.
      const pair = await a.selectedCandidatePair();
      const relay = [pair?.local, pair?.remote].find((c) => c?.type === 'relay');
      expect(relay).toBeDefined();
      expect(relay!.port).toBeGreaterThanOrEqual(coturn.relayPorts.min);
      expect(relay!.port).toBeLessThanOrEqual(coturn.relayPorts.max);
      expect(pair?.remote.address).toBe(coturn.relayIp);
      const got = new Promise<unknown>((resolve) => b.on('message', (event) => resolve(event.data)));
      a.send('reliable', { hello: 'through coturn' });
      expect(await got).toEqual({ hello: 'through coturn' });
    } finally {
      a.close();
      b.close();
    }
  });

  it('refreshes short-lived credentials before they expire, and peers connect with the fresh ones after the first expired', async () => {
    const server = await startLobby({
      turnSecret: coturn.auth.secret,
      turnUrls: [coturn.url],
      turnTtlSeconds: 3,
    });
    const alice = await connect(server);
    const bob = await connect(server);
    const first = alice.turn!;
    const refreshes: number[] = [];
    // Two refreshes (each at ~80 % of the 3 s life): the first credentials have expired by then.
    const twice = new Promise<void>((resolve) =>
      alice.on('turn', (turn) => {
        refreshes.push(turn.expiresAt);
        if (refreshes.length === 2) resolve();
      }),
    );
    await twice;
    expect(refreshes[0]!).toBeGreaterThan(first.expiresAt);
    expect(refreshes[1]!).toBeGreaterThan(refreshes[0]!);
    expect(alice.turn!.expiresAt).toBe(refreshes[1]);
    while (Date.now() <= first.expiresAt + 1_000) await new Promise((r) => setTimeout(r, 100));
    // coturn refuses the first credentials now, and takes the refreshed ones.
    expect(await allocate(coturn.port, first.username, first.credential)).toEqual({
      ok: false,
      errorCode: 401,
    });
    const latest = alice.turn!;
    expect((await allocate(coturn.port, latest.username, latest.credential)).ok).toBe(true);
    // The transport reads `iceServers` at each attempt: relay-only peers open with what is fresh now.
    const [sa, sb] = createSignalerPair();
    const a = connectPeer({
      role: 'offerer',
      signaler: sa,
      iceServers: alice.iceServers,
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 10_000,
    });
    const b = connectPeer({
      role: 'answerer',
      signaler: sb,
      iceServers: bob.iceServers,
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 10_000,
    });
    try {
      await Promise.all([a.opened, b.opened]);
      const pair = await a.selectedCandidatePair();
      expect(pair?.local.type).toBe('relay');
    } finally {
      a.close();
      b.close();
    }
  });

  it('relay-only peers with a wrong credential do not connect', async () => {
    const [sa, sb] = createSignalerPair();
    const bad = [
      { urls: coturn.url, username: `${Math.floor(Date.now() / 1000) + 300}:x`, credential: 'wrong' },
    ];
    const a = connectPeer({
      role: 'offerer',
      signaler: sa,
      iceServers: bad,
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 3_000,
    });
    const b = connectPeer({
      role: 'answerer',
      signaler: sb,
      iceServers: bad,
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 3_000,
    });
    try {
      const outcome = await Promise.allSettled([a.opened, b.opened]);
      expect(outcome.every((r) => r.status === 'rejected')).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });
});

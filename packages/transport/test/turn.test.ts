// ICE configuration passes through to libdatachannel: with a real coturn on loopback and
// iceTransportPolicy 'relay', the peers connect through the relay, and wrong credentials fail.
import { describe, expect, it } from 'vitest';
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import { connect, createSignalerPair } from '../src/index.js';
import { onCleanup } from './helpers.js';

const auth = { user: 'tickwire', password: 'turn-password-for-tests' };

describe.skipIf(!hasTurnserver)('TURN relay through coturn', () => {
  it('connects relay-only with the right credentials and reports a relay candidate pair', async () => {
    const turn = await startCoturn({ auth });
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
    const pair = await a.selectedCandidatePair();
    // A relayed candidate is in the pair, on a port coturn allocated from its relay range, and the
    // far end is a relayed address too (coturn's relay IP): every packet goes through coturn. The
    // far end may be typed 'prflx' when its first check beat its trickled candidate.
    const relay = [pair?.local, pair?.remote].find((c) => c?.type === 'relay');
    expect(relay).toBeDefined();
    expect(relay!.port).toBeGreaterThanOrEqual(turn.relayPorts.min);
    expect(relay!.port).toBeLessThanOrEqual(turn.relayPorts.max);
    expect(pair?.remote.address).toBe(turn.relayIp);
    const got = new Promise((resolve) => b.on('message', (e) => resolve(e.data)));
    a.send('unreliable', { through: 'turn' });
    expect(await got).toEqual({ through: 'turn' });
  });

  it('fails to connect relay-only with a wrong password, naming the ICE step', async () => {
    const turn = await startCoturn({ auth });
    onCleanup(() => turn.stop());
    const iceServers = [
      { urls: `turn:127.0.0.1:${turn.port}`, username: turn.auth.user, credential: 'wrong' },
    ];
    const [sa, sb] = createSignalerPair();
    const a = connect({
      role: 'offerer',
      signaler: sa,
      iceServers,
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 3000,
    });
    const b = connect({
      role: 'answerer',
      signaler: sb,
      iceServers,
      iceTransportPolicy: 'relay',
      connectTimeoutMs: 3000,
    });
    onCleanup(() => {
      a.close();
      b.close();
    });
    const results = await Promise.allSettled([a.opened, b.opened]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const reasons = results.map((r) => (r as PromiseRejectedResult).reason as { code: string });
    expect(reasons.some((r) => r.code === 'TIMEOUT' || r.code === 'CONNECTION_FAILED')).toBe(true);
  });

  it('refuses a TURN URL without credentials with INVALID_OPTIONS', () => {
    const [sa] = createSignalerPair();
    expect(() =>
      connect({ role: 'offerer', signaler: sa, iceServers: [{ urls: 'turn:127.0.0.1:3478' }] }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS' }) as Error);
  });
});

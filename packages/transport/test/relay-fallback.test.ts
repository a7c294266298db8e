// Relay fallback on loopback with a real coturn: the machinery (a second negotiation on new native
// objects, relay-only, with the first attempt's late events and messages ignored) without a NAT.
// A fallback that fires before ICE can connect forces it here; test/nat-fallback.test.ts shows the
// case it exists for, two symmetric NATs.
import { describe, expect, it } from 'vitest';
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import type { Connection, RelayFallbackEvent, SignalMessage, Signaler } from '../src/index.js';
import { connect, createSignalerPair, isTransportError, openNativePeerCount } from '../src/index.js';
import { nextMessages, onCleanup } from './helpers.js';

const auth = { user: 'tickwire', password: 'turn-password-for-tests' };

function fallbacks(conn: Connection): RelayFallbackEvent[] {
  const seen: RelayFallbackEvent[] = [];
  conn.on('relay-fallback', (event) => seen.push(event));
  return seen;
}

describe.skipIf(!hasTurnserver)('relay fallback', () => {
  it('negotiates again relay-only when the first attempt is not open in time, and both sides follow', async () => {
    const turn = await startCoturn({ auth });
    onCleanup(() => turn.stop());
    const iceServers = [{ urls: turn.url, username: turn.auth.user, credential: turn.auth.password }];
    const before = openNativePeerCount();
    const [sa, sb] = createSignalerPair();
    const signals: SignalMessage[] = [];
    sa.onMessage((m) => signals.push(m)); // what the answerer sent
    // 1 ms: the offerer gives up on the first attempt before ICE can possibly connect
    // iceServers as a function (the lobby client's, whose TURN credentials get refreshed): read
    // once at connect (is there a TURN server?) and again for each attempt.
    let reads = 0;
    const current = () => {
      reads += 1;
      return iceServers;
    };
    const a = connect({ role: 'offerer', signaler: sa, iceServers: current, relayFallback: { afterMs: 1 } });
    const b = connect({ role: 'answerer', signaler: sb, iceServers });
    onCleanup(() => {
      a.close();
      b.close();
    });
    const atA = fallbacks(a);
    const atB = fallbacks(b);
    await Promise.all([a.opened, b.opened]);
    expect(atA).toEqual([{ attempt: 1, reason: 'timeout', via: 'turn' }]);
    expect(reads).toBe(3); // connect, attempt 0, attempt 1
    expect(atB).toEqual([{ attempt: 1, reason: 'peer', via: 'turn' }]);
    // the answer that opened the connection belongs to attempt 1
    expect(signals.some((m) => m.kind === 'description' && m.attempt === 1)).toBe(true);
    // every message of attempt 1 names its kind, so the answerer builds the same (relay-only) one
    const ofAttempt1 = signals.filter((m) => m.kind !== 'bye' && 'attempt' in m && m.attempt === 1);
    expect(ofAttempt1.length).toBeGreaterThan(0);
    expect(ofAttempt1.every((m) => 'via' in m && m.via === 'turn')).toBe(true);
    const pair = await a.selectedCandidatePair();
    const relay = [pair?.local, pair?.remote].find((c) => c?.type === 'relay');
    expect(relay).toBeDefined();
    expect(pair?.remote.address).toBe(turn.relayIp);
    // both channels work on the new attempt, both ways
    const atBMsgs = nextMessages(b, 2);
    a.send('reliable', { r: 1 });
    a.send('unreliable', { u: 1 });
    expect((await atBMsgs).map((m) => m.data)).toEqual(expect.arrayContaining([{ r: 1 }, { u: 1 }]));
    const atAMsgs = nextMessages(a, 1, 'reliable');
    b.send('reliable', 'back');
    expect((await atAMsgs)[0]!.data).toBe('back');
    // the first attempt's native objects are gone: only the live pair's two peers remain
    expect(openNativePeerCount()).toBe(before + 2);
    a.close();
    b.close();
    expect(openNativePeerCount()).toBe(before);
  });

  // Once flaky (1 run in 6 reported a srflx/prflx pair, 3 in 12 when measured): the overtaking host
  // candidate made the answerer's libjuice agent, which applies no iceTransportPolicy to itself,
  // create a TURN permission for 127.0.0.1, so the offerer's host socket reached the answerer's
  // relay and was answered directly. A relay-only attempt now adds relay candidates only
  // (negotiation/candidates.ts): 12 of 12 repeats selected relay/relay on both sides.
  it('holds a candidate of the fallback attempt that overtakes its offer (no error) and opens', async () => {
    const turn = await startCoturn({ auth });
    onCleanup(() => turn.stop());
    const iceServers = [{ urls: turn.url, username: turn.auth.user, credential: turn.auth.password }];
    const [sa, sb] = createSignalerPair();
    // The offerer's signaling reorders: a candidate of attempt 1 overtakes the attempt-1 offer.
    // (libdatachannel trickles its relay candidates only after the answer, so the overtaking
    // candidate is a well-formed host candidate on the offer's own mid.)
    let overtook = 0;
    const reordering: Signaler = {
      onMessage: (handler) => sa.onMessage(handler),
      send: (message) => {
        if (message.kind === 'description' && message.attempt === 1) {
          const mid = /a=mid:(\S+)/.exec(message.sdp)?.[1] ?? '0';
          overtook++;
          void sa.send({
            kind: 'candidate',
            candidate: 'candidate:1 1 UDP 2122260223 127.0.0.1 9 typ host',
            mid,
            attempt: 1,
            via: 'turn',
          });
        }
        return sa.send(message);
      },
    };
    const a = connect({ role: 'offerer', signaler: reordering, iceServers, relayFallback: { afterMs: 1 } });
    const b = connect({ role: 'answerer', signaler: sb, iceServers });
    onCleanup(() => {
      a.close();
      b.close();
    });
    const errorsAtB: unknown[] = [];
    b.on('error', (error) => errorsAtB.push(error));
    const atB = fallbacks(b);
    await Promise.all([a.opened, b.opened]);
    expect(overtook).toBe(1);
    expect(atB).toEqual([{ attempt: 1, reason: 'peer', via: 'turn' }]);
    // Held, not refused: an unexpected candidate would have been a SIGNALING error.
    expect(errorsAtB).toEqual([]);
    // A relay-only attempt selects a relay pair on both sides, never a direct one.
    for (const conn of [a, b]) {
      const pair = await conn.selectedCandidatePair();
      expect([pair?.local.type, pair?.remote.type]).toEqual(['relay', 'relay']);
    }
  });

  it('stays on the first attempt when it opens in time (no fallback event)', async () => {
    const turn = await startCoturn({ auth });
    onCleanup(() => turn.stop());
    const iceServers = [{ urls: turn.url, username: turn.auth.user, credential: turn.auth.password }];
    const [sa, sb] = createSignalerPair();
    const a = connect({ role: 'offerer', signaler: sa, iceServers });
    const b = connect({ role: 'answerer', signaler: sb, iceServers });
    onCleanup(() => {
      a.close();
      b.close();
    });
    const seen = [a, b].map(fallbacks);
    await Promise.all([a.opened, b.opened]);
    expect(seen.flat()).toEqual([]);
    const pair = await a.selectedCandidatePair();
    expect(pair).toBeDefined();
    expect(pair!.local.type).not.toBe('relay'); // loopback: the direct path wins
  });

  it('refuses an attempt the answerer cannot follow with typed errors, never a crash', async () => {
    const [sa, sb] = createSignalerPair();
    const b = connect({ role: 'answerer', signaler: sb, connectTimeoutMs: 2000 });
    onCleanup(() => b.close());
    const errors: unknown[] = [];
    b.on('error', (e) => errors.push(e));
    // a hostile or confused peer: an answer and an offer for attempts that do not exist
    void sa.send({ kind: 'description', type: 'offer', sdp: 'v=0', attempt: 7 });
    void sa.send({
      kind: 'candidate',
      candidate: 'candidate:1 1 UDP 1 127.0.0.1 9 typ host',
      mid: '0',
      attempt: -1,
    });
    // an ICE-restart request is the answerer's to send, never the offerer's
    void sa.send({ kind: 'restart', attempt: 0 });
    await expect(b.opened).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => isTransportError(e) && e.code === 'SIGNALING')).toBe(true);
  });

  it('validates its options', () => {
    const [sa] = createSignalerPair();
    const turnServer = [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }];
    expect(() => connect({ role: 'offerer', signaler: sa, relayFallback: true })).toThrow(/turn/);
    expect(() =>
      connect({ role: 'offerer', signaler: sa, iceServers: turnServer, relayFallback: { afterMs: 0 } }),
    ).toThrow(/afterMs/);
  });
});

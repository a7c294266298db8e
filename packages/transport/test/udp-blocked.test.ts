// A Node peer that reaches no STUN/TURN server over UDP (a UDP-blocked network) has no WebRTC path
// at all: libjuice has no TURN over TCP. Its probe (negotiation/udp-probe.ts) sees no reflexive
// candidate within UDP_PROBE_MS, and the offerer skips the TURN attempt for the lobby relay: on its
// own verdict, or on the answerer's `udp-blocked` hint. Real node-datachannel peers on loopback: the
// "blocked" side's STUN/TURN server is a real UDP socket that never answers, the other side's a
// real coturn; the direct attempt finds no path because its candidates are not passed on (the
// attempt-0 candidates are dropped by the test's signaler). A platform that relays over TCP
// (browsers) never gives the hint: TURN over TCP is its way out.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import { TickwireConnection } from '../src/connection/connection.js';
import { connect, createSignalerPair } from '../src/index.js';
import type {
  Connection,
  ConnectionOptions,
  IceServerConfig,
  RelayFallbackEvent,
  Signaler,
  SignalMessage,
} from '../src/index.js';
import { nodeAdapter } from '../src/rtc/node-adapter.js';
import { onCleanup } from './helpers.js';
import { TestPipe } from './test-pipe.js';

const auth = { user: 'tickwire', password: 'turn-password-for-tests' };

/** A UDP socket that takes every STUN/TURN request and answers none: UDP "blocked" on its way. */
async function silentServer(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket;
}

async function servers(): Promise<{ open: IceServerConfig[]; blocked: IceServerConfig[] }> {
  const turn = await startCoturn({ auth });
  onCleanup(() => turn.stop());
  const silent = await silentServer();
  const port = silent.address().port;
  return {
    open: [{ urls: turn.stunUrl }, { urls: turn.url, username: auth.user, credential: auth.password }],
    blocked: [
      { urls: `stun:127.0.0.1:${port}` },
      { urls: `turn:127.0.0.1:${port}`, username: auth.user, credential: auth.password },
    ],
  };
}

interface Side {
  connection: Connection;
  fallbacks: RelayFallbackEvent[];
  /** Signals this side sent, by kind. */
  sent: SignalMessage[];
}

/**
 * An offerer and an answerer with in-process signaling and relay pipes; candidates of the first
 * (direct) attempt are dropped, so only a fallback can open the pair.
 */
type SideOptions = Partial<Omit<ConnectionOptions, 'role' | 'signaler'>>;

function pair(offerer: SideOptions, answerer: SideOptions, answererTcpRelay = false): [Side, Side] {
  const [sa, sb] = createSignalerPair();
  const pa = new TestPipe();
  const pb = new TestPipe();
  pa.other = pb;
  pb.other = pa;
  const side = (
    s: Signaler,
    pipe: TestPipe,
    options: SideOptions & Pick<ConnectionOptions, 'role'>,
    tcpRelay: boolean,
  ): Side => {
    const sent: SignalMessage[] = [];
    const signaler: Signaler = {
      send: (m) => {
        sent.push(m);
        if (m.kind === 'candidate' && (m.attempt ?? 0) === 0) return; // no direct path
        return s.send(m);
      },
      onMessage: (h) => s.onMessage(h),
      relayPipe: () => pipe,
    };
    const connection = tcpRelay
      ? new TickwireConnection({ ...options, signaler }, { ...nodeAdapter, tcpRelay: true })
      : connect({ ...options, signaler });
    const fallbacks: RelayFallbackEvent[] = [];
    connection.on('relay-fallback', (event) => fallbacks.push(event));
    onCleanup(() => connection.close());
    return { connection, fallbacks, sent };
  };
  const base = { connectTimeoutMs: 8_000 } as const;
  return [
    side(sa, pa, { ...base, ...offerer, role: 'offerer', label: 'a' }, false),
    side(sb, pb, { ...base, ...answerer, role: 'answerer', label: 'b' }, answererTcpRelay),
  ];
}

const hints = (side: Side): SignalMessage[] => side.sent.filter((m) => m.kind === 'udp-blocked');

describe.skipIf(!hasTurnserver)('a UDP-blocked Node side goes straight to the lobby relay', () => {
  it('on the answerer’s hint: no TURN attempt, the lobby relay opens, messages flow', async () => {
    const { open, blocked } = await servers();
    // A long TURN wait: only the hint can move the offerer on before it.
    const [a, b] = pair({ iceServers: open, relayFallback: { afterMs: 6_000 } }, { iceServers: blocked });
    await Promise.all([a.connection.opened, b.connection.opened]);
    expect(a.fallbacks).toEqual([{ attempt: 1, reason: 'udp-blocked', via: 'ws-relay' }]);
    expect(b.fallbacks).toEqual([{ attempt: 1, reason: 'peer', via: 'ws-relay' }]);
    expect(hints(b)).toEqual([{ kind: 'udp-blocked', attempt: 0 }]);
    expect(hints(a)).toEqual([]); // its STUN answered: a srflx candidate
    expect(a.sent.some((m) => m.kind === 'candidate' && / typ srflx /.test(m.candidate))).toBe(true);
    const got = new Promise((resolve) => a.connection.on('message', (e) => resolve(e.data)));
    b.connection.send('reliable', 'through the lobby');
    expect(await got).toBe('through the lobby');
    await expect.poll(() => a.connection.stats().path?.type).toBe('lobby-relay');
  });

  it('on the offerer’s own verdict, without a word from the answerer', async () => {
    const { open, blocked } = await servers();
    const [a, b] = pair({ iceServers: blocked, relayFallback: { afterMs: 6_000 } }, { iceServers: open });
    await Promise.all([a.connection.opened, b.connection.opened]);
    expect(a.fallbacks).toEqual([{ attempt: 1, reason: 'udp-blocked', via: 'ws-relay' }]);
    expect(b.fallbacks).toEqual([{ attempt: 1, reason: 'peer', via: 'ws-relay' }]);
    expect([...hints(a), ...hints(b)]).toEqual([]);
  });

  it('the hint still counts once the offerer has moved on to TURN: the lobby relay follows at once', async () => {
    const { open, blocked } = await servers();
    // The offerer gives up on the direct attempt at once; only the hint can end the TURN attempt
    // before its 6 s wait.
    const [a, b] = pair(
      { iceServers: open, relayFallback: { afterMs: 1 }, wsRelay: { afterMs: 6_000 } },
      { iceServers: blocked },
    );
    await Promise.all([a.connection.opened, b.connection.opened]);
    expect(a.fallbacks).toEqual([
      { attempt: 1, reason: 'timeout', via: 'turn' },
      { attempt: 2, reason: 'udp-blocked', via: 'ws-relay' },
    ]);
    expect(hints(b)).toHaveLength(1);
    await expect.poll(() => b.connection.stats().path?.type).toBe('lobby-relay');
  });

  it('a side that relays over TCP (a browser) gives no hint: the offerer tries TURN first', async () => {
    const { open, blocked } = await servers();
    const [a, b] = pair({ iceServers: open, relayFallback: { afterMs: 600 } }, { iceServers: blocked }, true);
    const first = new Promise<RelayFallbackEvent>((resolve) => a.connection.on('relay-fallback', resolve));
    expect(await first).toEqual({ attempt: 1, reason: 'timeout', via: 'turn' });
    expect(hints(b)).toEqual([]);
  });
});

// Why the relay fallback exists: two peers, each behind its own symmetric NAT (tools/netlab: a new
// random public port per destination), with coturn on the lab's public server. Hole punching cannot
// work there, and with every candidate type enabled libdatachannel does not settle on the relay
// pair either, while the same pair relay-only connects at once. The transport's relay fallback
// turns the first into the second. Each peer is its own process in its own namespace
// (fixtures/nat-peer.mjs, on the built dist/); this process relays their signaling.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createNatLab, isNetlabSupported, nextMessage } from '@tickwire/netlab';
import type { NatLab } from '@tickwire/netlab';
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import type { Coturn, CoturnUserAuth } from '@tickwire/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SelectedPair } from '../src/index.js';
import { is, spawnLabPeers } from './lab-peers.js';
import type { Msg } from './lab-peers.js';

const support = isNetlabSupported();
const PEER = fileURLToPath(new URL('./fixtures/nat-peer.mjs', import.meta.url));
const auth: CoturnUserAuth = { user: 'tickwire', password: 'turn-password-for-tests' };

interface Outcome {
  type: 'open' | 'failed';
  /** ms from the peer's connect() to open/failure */
  atMs: number;
  pair?: SelectedPair;
  error?: { code?: string; message: string };
}
interface FallbackReport {
  event: { attempt: number; reason: string };
  atMs: number;
}
interface Exchanged {
  received: Array<['reliable' | 'unreliable', { from: string; channel: string }]>;
}
interface Peers {
  a: ChildProcess;
  b: ChildProcess;
  /** Both sides' open or failure. */
  outcome: Promise<[Outcome, Outcome]>;
  /** 'relay-fallback' events each side forwarded, in order. */
  fallbacks: { a: FallbackReport[]; b: FallbackReport[] };
  /** Every signal the test relayed, by sender. */
  signals: Array<{ from: 'a' | 'b'; message: { kind: string; type?: string; attempt?: number } }>;
}

const skipReason = !support.ok ? ` (${support.reason})` : !hasTurnserver ? ' (no coturn)' : '';

describe.skipIf(!support.ok || !hasTurnserver)(
  `between two symmetric NATs, coturn on the public server${skipReason}`,
  () => {
    let lab: NatLab;
    let turn: Coturn<CoturnUserAuth>;
    let iceServers: Array<{ urls: string; username?: string; credential?: string }>;

    beforeAll(async () => {
      lab = await createNatLab({ natA: 'symmetric', natB: 'symmetric' });
      // coturn listens and relays on the server's public address, inside the server's namespace
      turn = await startCoturn({
        auth,
        listeningIp: lab.server.ip,
        relayIp: lab.server.ip,
        spawn: (command, args, options) => lab.server.spawn(command, args, options),
      });
      iceServers = [
        { urls: turn.stunUrl },
        { urls: turn.url, username: auth.user, credential: auth.password },
      ];
    });
    afterAll(async () => {
      await turn?.stop();
      await lab?.close();
    });

    /** Starts the offerer in lab.a and the answerer in lab.b and relays their signaling. */
    async function startPeers(options: Record<string, unknown>, settleMs: number): Promise<Peers> {
      const { a, b } = await spawnLabPeers(lab.a, lab.b, PEER);
      const peers: Peers = {
        a,
        b,
        outcome: Promise.all([
          nextMessage<Outcome>(a, (m) => is('open')(m) || is('failed')(m), settleMs),
          nextMessage<Outcome>(b, (m) => is('open')(m) || is('failed')(m), settleMs),
        ]),
        fallbacks: { a: [], b: [] },
        signals: [],
      };
      peers.outcome.catch(() => undefined); // awaited by the test; must not go unhandled meanwhile
      const wire = (from: 'a' | 'b', child: ChildProcess, to: ChildProcess): void => {
        child.on('message', (m: Msg) => {
          if (m.type === 'signal') {
            peers.signals.push({ from, message: m.message as Peers['signals'][number]['message'] });
            if (to.connected) to.send(m);
          } else if (m.type === 'relay-fallback') peers.fallbacks[from].push(m as unknown as FallbackReport);
        });
      };
      wire('a', a, b);
      wire('b', b, a);
      const base = { iceServers, label: 'nat', ...options };
      a.send({ type: 'start', options: { ...base, role: 'offerer' } });
      b.send({ type: 'start', options: { ...base, role: 'answerer' } });
      return peers;
    }

    /** One reliable and one unreliable message each way; resolves with what each side received. */
    async function exchange({ a, b }: Peers): Promise<[Exchanged, Exchanged]> {
      const done = Promise.all([
        nextMessage<Exchanged>(a, is('exchanged')),
        nextMessage<Exchanged>(b, is('exchanged')),
      ]);
      a.send({ type: 'exchange' });
      b.send({ type: 'exchange' });
      return done;
    }

    function expectBothChannelsFrom(got: Exchanged, from: 'offerer' | 'answerer'): void {
      expect(got.received.map(([channel, data]) => [channel, data.from]).sort()).toEqual([
        ['reliable', from],
        ['unreliable', from],
      ]);
    }

    /** The pair goes through coturn: a relayed candidate of the server on a port of its relay range. */
    function expectRelayed(pair: SelectedPair | undefined): void {
      expect(pair).toBeDefined();
      const relay = [pair!.local, pair!.remote].find((c) => c.type === 'relay');
      expect(relay, JSON.stringify(pair)).toBeDefined();
      expect(relay!.address).toBe(lab.server.ip);
      expect(relay!.port).toBeGreaterThanOrEqual(turn.relayPorts.min);
      expect(relay!.port).toBeLessThanOrEqual(turn.relayPorts.max);
    }

    it('premise: with every candidate type and no fallback, the pair does not open in 10 s', async () => {
      const peers = await startPeers({ relayFallback: false, connectTimeoutMs: 10_000 }, 20_000);
      const outcomes = await peers.outcome;
      for (const outcome of outcomes) {
        expect(outcome.type, JSON.stringify(outcome)).toBe('failed');
        expect(['TIMEOUT', 'CONNECTION_FAILED']).toContain(outcome.error?.code);
      }
      expect(peers.fallbacks).toEqual({ a: [], b: [] });
    });

    it('premise: relay-only, the same pair opens at once through coturn and messages flow', async () => {
      const peers = await startPeers({ iceTransportPolicy: 'relay' }, 15_000);
      const [atA, atB] = await peers.outcome;
      for (const outcome of [atA, atB]) {
        expect(outcome.type, JSON.stringify(outcome)).toBe('open');
        expect(outcome.atMs).toBeLessThan(5_000);
        expectRelayed(outcome.pair);
      }
      const [gotA, gotB] = await exchange(peers);
      expectBothChannelsFrom(gotA, 'answerer');
      expectBothChannelsFrom(gotB, 'offerer');
      expect(peers.fallbacks).toEqual({ a: [], b: [] }); // the fallback is for policy 'all' only
    });

    it('with the default options falls back to the relay, opens within 15 s and messages flow both ways', async () => {
      const peers = await startPeers({}, 20_000);
      const [atA, atB] = await peers.outcome;
      for (const outcome of [atA, atB]) {
        expect(outcome.type, JSON.stringify(outcome)).toBe('open');
        expect(outcome.atMs).toBeLessThan(15_000);
        expectRelayed(outcome.pair);
        // the fallback negotiates relay-only: this side's own candidate is a relayed one
        expect(outcome.pair!.local.type).toBe('relay');
      }
      // The offerer gave up on the first attempt (not open after afterMs, or ICE failed) and the
      // answerer followed its new offer; both said so once.
      expect(peers.fallbacks.a.map((f) => f.event)).toEqual([
        { attempt: 1, reason: expect.stringMatching(/^(timeout|ice-failed)$/), via: 'turn' },
      ]);
      expect(peers.fallbacks.b.map((f) => f.event)).toEqual([{ attempt: 1, reason: 'peer', via: 'turn' }]);
      expect(peers.fallbacks.a[0]!.atMs).toBeLessThan(atA.atMs);
      // the offer that opened it was marked as attempt 1 (what a lobby must pass through)
      expect(peers.signals).toContainEqual({
        from: 'a',
        message: expect.objectContaining({ kind: 'description', type: 'offer', attempt: 1 }),
      });
      const [gotA, gotB] = await exchange(peers);
      expectBothChannelsFrom(gotA, 'answerer');
      expectBothChannelsFrom(gotB, 'offerer');
    });
  },
);

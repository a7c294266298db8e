// ICE restart in the NAT lab: two peers stream numbered messages on both channels while the test
// breaks the path under them the way real networks do (a NAT's public address changes: a new
// DHCP lease, Wi-Fi to cellular; a NAT's conntrack table is flushed: a router reboot, a mapping
// timeout). The transport must notice (nothing arrives), negotiate again through the signaler
// (here: this process, as the lobby would) and carry on under the same Connection: no close, the
// reliable stream still in order, new messages flowing on both channels.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createNatLab, isNetlabSupported, nextMessage } from '@tickwire/netlab';
import type { NatLab, NatType } from '@tickwire/netlab';
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import type { Coturn, CoturnUserAuth } from '@tickwire/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStats, RestoredEvent } from '../src/index.js';
import { is, spawnLabPeers } from './lab-peers.js';
import type { Msg } from './lab-peers.js';

const support = isNetlabSupported();
const PEER = fileURLToPath(new URL('./fixtures/restart-peer.mjs', import.meta.url));
const auth: CoturnUserAuth = { user: 'tickwire', password: 'turn-password-for-tests' };
/** A generous bound for a loaded machine; the speed target lives in `pnpm bench nat`. */
const RESTORE_WITHIN_MS = 20_000;

interface Report {
  state: string;
  closes: string[];
  sent: { reliable: number; unreliable: number };
  got: {
    reliable: { count: number; last: number; outOfOrder: number };
    unreliable: { count: number; last: number };
  };
  stats: ConnectionStats;
}

const skipReason = !support.ok ? ` (${support.reason})` : !hasTurnserver ? ' (no coturn)' : '';

async function report(peer: ChildProcess): Promise<Report> {
  const reply = nextMessage<Report>(peer, is('report'));
  peer.send({ type: 'report' });
  return reply;
}

/** Waits until `peer` received reliable messages numbered above `above` (data flows again). */
async function receivesBeyond(peer: ChildProcess, above: number, timeoutMs: number): Promise<Report> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const got = await report(peer);
    if (got.got.reliable.last > above || performance.now() > deadline) return got;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function labTests(natType: NatType, breakPath: (lab: NatLab) => Promise<void>, what: string): void {
  describe.skipIf(!support.ok || !hasTurnserver)(`${natType} NATs: ${what}${skipReason}`, () => {
    let lab: NatLab;
    let turn: Coturn<CoturnUserAuth>;

    beforeAll(async () => {
      lab = await createNatLab({ natA: natType, natB: natType });
      turn = await startCoturn({
        auth,
        listeningIp: lab.server.ip,
        relayIp: lab.server.ip,
        spawn: (command, args, options) => lab.server.spawn(command, args, options),
      });
    });
    afterAll(async () => {
      await turn?.stop();
      await lab?.close();
    });

    it('restarts ICE under the same Connection and the streams carry on', async () => {
      const { a, b } = await spawnLabPeers(lab.a, lab.b, PEER);
      const signals: Array<{ kind: string; attempt?: number }> = [];
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        from.on('message', (m: Msg) => {
          if (m.type !== 'signal') return;
          signals.push(m.message as { kind: string; attempt?: number });
          if (to.connected) to.send(m);
        });
      }
      const iceServers = [
        { urls: turn.stunUrl },
        { urls: turn.url, username: auth.user, credential: auth.password },
      ];
      const opened = Promise.all([nextMessage(a, is('open'), 30_000), nextMessage(b, is('open'), 30_000)]);
      a.send({ type: 'start', options: { role: 'offerer', iceServers, label: 'a' } });
      b.send({ type: 'start', options: { role: 'answerer', iceServers, label: 'b' } });
      await opened;
      a.send({ type: 'stream' });
      b.send({ type: 'stream' });
      // Traffic flows before the break.
      const before = await receivesBeyond(b, 10, 10_000);
      expect(before.got.reliable.last).toBeGreaterThan(10);

      const restarting = Promise.all([
        nextMessage<{ event: { reason: string } }>(a, is('restarting'), RESTORE_WITHIN_MS),
        nextMessage<{ event: { reason: string } }>(b, is('restarting'), RESTORE_WITHIN_MS),
      ]);
      const restored = Promise.all([
        nextMessage<{ event: RestoredEvent }>(a, is('restored'), RESTORE_WITHIN_MS),
        nextMessage<{ event: RestoredEvent }>(b, is('restored'), RESTORE_WITHIN_MS),
      ]);
      restarting.catch(() => undefined);
      restored.catch(() => undefined);
      await breakPath(lab);
      const brokeAt = performance.now();
      const [startA, startB] = await restarting;
      // Either side may notice first; the other follows the peer.
      expect([startA.event.reason, startB.event.reason]).toContain('silence');
      const [doneA, doneB] = await restored;
      expect(performance.now() - brokeAt).toBeLessThan(RESTORE_WITHIN_MS);
      expect(doneA.event.attempt).toBe(doneB.event.attempt);
      expect(doneA.event.attempt).toBeGreaterThan(0);
      // The restart's offer went through the signaler, marked with its attempt.
      expect(signals).toContainEqual(
        expect.objectContaining({ kind: 'description', type: 'offer', attempt: doneA.event.attempt }),
      );

      // Data flows again both ways, on both channels, after the restore.
      const [afterA, afterB] = await Promise.all([
        report(a).then((r) => receivesBeyond(a, r.sent.reliable, 10_000)),
        report(b).then((r) => receivesBeyond(b, r.sent.reliable, 10_000)),
      ]);
      for (const [mine, peers] of [
        [afterA, afterB],
        [afterB, afterA],
      ] as const) {
        // same Connection: never closed, still open
        expect(mine.state).toBe('open');
        expect(mine.closes).toEqual([]);
        // the reliable stream stayed in order across the swap, and goes on past it
        expect(mine.got.reliable.outOfOrder).toBe(0);
        expect(mine.got.reliable.last).toBeGreaterThan(before.got.reliable.last);
        expect(mine.got.unreliable.count).toBeGreaterThan(0);
        expect(mine.stats.path).toBeDefined();
        // what the peer could not send on the unreliable channel meanwhile was counted
        expect(peers.stats.unreliable.droppedRestarting).toBeGreaterThanOrEqual(0);
      }
      const unreliableBefore = afterB.got.unreliable.count;
      const later = await report(b);
      expect(later.got.unreliable.count).toBeGreaterThanOrEqual(unreliableBefore);
    });
  });
}

// The NAT's public address changes: the peer's packets now come from an address the other side
// never agreed to, and the other side's go to an address nobody holds.
labTests(
  'cone',
  async (lab) => {
    const router = lab.natA.router!;
    await router.exec('ip', ['addr', 'del', `${lab.natA.publicIp}/24`, 'dev', 'wan']);
    await router.exec('ip', ['addr', 'add', '10.200.0.31/24', 'dev', 'wan']);
    await router.exec('conntrack', ['-F']);
  },
  "NAT a's public address changes mid-stream",
);

// Behind symmetric NATs the pair runs through coturn; flushing NAT a's conntrack gives a's next
// packet a new random public port, which the TURN server takes for a stranger.
labTests(
  'symmetric',
  async (lab) => {
    await lab.natA.router!.exec('conntrack', ['-F']);
  },
  "NAT a's conntrack table is flushed mid-stream",
);

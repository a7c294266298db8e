// "Unreliable" must mean it for the game, proven on a real lossy, delayed link between network
// namespaces (tools/netlab: a TUN delay forwarder and iptables loss on the router in between,
// never in a sender's OUTPUT chain). Sender and receiver are separate processes, one per namespace.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createLink, isNetlabSupported, nextMessage } from '@tickwire/netlab';
import type { Link } from '@tickwire/netlab';
import { describe, expect, it } from 'vitest';
import { onCleanup } from './helpers.js';
import { is, spawnLabPeers } from './lab-peers.js';
import type { Msg } from './lab-peers.js';

const support = isNetlabSupported();
const PEER = fileURLToPath(new URL('./fixtures/stream-peer.mjs', import.meta.url));

interface Report {
  received: Array<[number, number]>;
  receivedReliable: Array<[number, number, number]>;
  stats: {
    srttMs?: number;
    lossProbesSent: number;
    unreliable: { delivered: number; lost: number; discardedStale: number; discardedOutOfOrder: number };
  };
}

/** Starts the two peers on either side of the link and relays their signaling. */
async function startPeers(
  link: Link,
  options: Record<string, unknown> = {},
): Promise<{ sender: ChildProcess; receiver: ChildProcess }> {
  const { a: sender, b: receiver } = await spawnLabPeers(link.a, link.b, PEER);
  sender.on('message', (m: Msg) => m.type === 'signal' && receiver.connected && receiver.send(m));
  receiver.on('message', (m: Msg) => m.type === 'signal' && sender.connected && sender.send(m));
  const opened = Promise.all([
    nextMessage(sender, is('open'), 20_000),
    nextMessage(receiver, is('open'), 20_000),
  ]);
  sender.send({ type: 'start', options: { role: 'offerer', pingIntervalMs: 200, ...options } });
  receiver.send({ type: 'start', options: { role: 'answerer', pingIntervalMs: 200, ...options } });
  await opened;
  return { sender, receiver };
}

async function indexOf(sender: ChildProcess): Promise<number> {
  const reply = nextMessage<{ index: number }>(sender, is('index'));
  sender.send({ type: 'index' });
  return (await reply).index;
}

describe.skipIf(!support.ok)(
  `unreliable channel on a lossy link${support.ok ? '' : ` (${support.reason})`}`,
  () => {
    it('delivers most of a 60 Hz stream over 40 ms RTT with 5% loss, never out of order', async () => {
      const link = await createLink({ rttMs: 40, lossPercent: 5 });
      onCleanup(() => link.close());
      const { sender, receiver } = await startPeers(link);
      const count = 360; // six seconds at 60 Hz
      const done = nextMessage<{ sent: number }>(sender, is('stream-done'), 30_000);
      sender.send({ type: 'stream', hz: 60, count, size: 200 });
      const { sent } = await done;
      // The last packets may be lost, so no event says "all arrived": give them ten one-way delays.
      await delay(200);
      const reportPromise = nextMessage<Report>(receiver, is('report'));
      receiver.send({ type: 'report' });
      const report = await reportPromise;

      const indices = report.received.map(([i]) => i);
      const delivered = indices.length / sent;
      // 5% loss each way on the forwarding hop: about 95% arrives, and certainly not all of it
      expect(sent).toBe(count);
      expect(delivered).toBeGreaterThan(0.85);
      expect(delivered).toBeLessThan(0.995);
      // latest-only: what the game sees only ever moves forward
      for (let k = 1; k < indices.length; k++) expect(indices[k]!).toBeGreaterThan(indices[k - 1]!);
      // the stats tell the same story
      expect(report.stats.unreliable.delivered).toBeGreaterThanOrEqual(indices.length);
      expect(report.stats.unreliable.lost).toBeGreaterThan(0);
      expect(report.stats.srttMs).toBeGreaterThan(38);
      expect(report.stats.srttMs).toBeLessThan(120);
    });

    it('never delivers state sent during an outage after the outage ends', async () => {
      const link = await createLink({ rttMs: 40, lossPercent: 0 });
      onCleanup(() => link.close());
      // Without ICE restart: this is about the path that recovers by itself and what SCTP queued
      // meanwhile. With it on (the default), this 1.5 s outage outlasts iceRestart.silenceMs (1.2 s):
      // ICE restarts and the queued state dies with the old association (test/ice-restart.test.ts).
      const { sender, receiver } = await startPeers(link, { iceRestart: false });
      const done = nextMessage(sender, is('stream-done'), 30_000);
      sender.send({ type: 'stream', hz: 60, count: 60 * 5, size: 200 });
      await delay(1000); // a second of normal streaming before the cable is cut
      await link.setOutage(true);
      const firstDuringOutage = (await indexOf(sender)) + 1;
      await delay(1500); // the outage lasts 1.5 s while the sender keeps streaming
      const lastDuringOutage = await indexOf(sender);
      await link.setOutage(false);
      await done;
      const reportPromise = nextMessage<Report>(receiver, is('report'));
      receiver.send({ type: 'report' });
      const report = await reportPromise;
      const indices = report.received.map(([i]) => i);

      expect(lastDuringOutage - firstDuringOutage).toBeGreaterThan(60); // ~90 messages sent into the outage
      const leaked = indices.filter((i) => i >= firstDuringOutage && i <= lastDuringOutage);
      expect(leaked).toEqual([]);
      // SCTP does flush what it queued during the outage (with maxLatenessMs raised, ~65 of these
      // messages reach the receiver late); the transport is what discards them
      expect(report.stats.unreliable.discardedStale).toBeGreaterThan(0);
      // before and after the outage the stream flowed
      expect(indices.filter((i) => i < firstDuringOutage).length).toBeGreaterThan(30);
      const after = indices.filter((i) => i > lastDuringOutage);
      expect(after.length).toBeGreaterThan(30);
      for (let k = 1; k < indices.length; k++) expect(indices[k]!).toBeGreaterThan(indices[k - 1]!);
    });
  },
);

describe.skipIf(!support.ok)(
  `reliable channel loss probes on a lossy link${support.ok ? '' : ` (${support.reason})`}`,
  () => {
    async function report(receiver: ChildProcess): Promise<Report> {
      const reply = nextMessage<Report>(receiver, is('report'));
      receiver.send({ type: 'report' });
      return reply;
    }

    /** Per message: how much longer than the fastest message of the stream it took (ms). */
    function excessDelays(r: Report): number[] {
      const delays = r.receivedReliable.map(([, sent, arrived]) => arrived - sent);
      const floor = Math.min(...delays);
      return delays.map((d) => d - floor);
    }

    const median = (xs: number[]): number => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };

    // Retried once: in one of three fresh CI runs after the session-3 merge a pair did not open
    // within 20 s over this 10 %-loss link (open question in the closing note).
    it(
      'repairs lost reliable messages sooner with reliableLossProbes than without',
      { retry: 1 },
      async () => {
        // Sparse reliable traffic (20 Hz events) over 40 ms RTT with 10% loss: without probes a lost
        // chunk waits for three later messages' SACKs (~150 ms) or SCTP's timer; with them, ~6 ms.
        const link = await createLink({ rttMs: 40, lossPercent: 10 });
        onCleanup(() => link.close());
        const plain = await startPeers(link);
        const probed = await startPeers(link, { reliableLossProbes: true });
        const count = 160;
        const done = Promise.all(
          [plain, probed].map(({ sender }) => nextMessage(sender, is('stream-done'), 30_000)),
        );
        for (const { sender } of [plain, probed]) sender.send({ type: 'rstream', hz: 20, count });
        await done;
        // Reliable: every message arrives, so the receiver reports once it has them all.
        const reports = (receiver: ChildProcess): Promise<Report> => {
          const reply = nextMessage<Report>(receiver, is('report'), 30_000);
          receiver.send({ type: 'report-after-reliable', count });
          return reply;
        };
        const [plainReport, probedReport] = await Promise.all([
          reports(plain.receiver),
          reports(probed.receiver),
        ]);
        const [plainSender, probedSender] = await Promise.all([report(plain.sender), report(probed.sender)]);

        for (const r of [plainReport, probedReport]) {
          expect(r.receivedReliable.map(([i]) => i)).toEqual([...Array(count).keys()]);
        }
        // probes were sent, and arrived as nothing: no message events, no decode errors
        expect(probedSender.stats.lossProbesSent).toBeGreaterThan(count);
        expect(plainSender.stats.lossProbesSent).toBe(0);
        expect(probedReport.received).toEqual([]);
        // Messages held back by a loss (their own, or one ahead of them: ordered delivery) arrive
        // > 20 ms late; how late is what the probes change. The median over those compares repair
        // times, whatever the number of losses each stream happened to get.
        const held = (r: Report): number[] => excessDelays(r).filter((d) => d > 20);
        const plainHeld = held(plainReport);
        const probedHeld = held(probedReport);
        console.info(
          `reliable messages held back by loss: ${plainHeld.length} without probes (median ${median(plainHeld).toFixed(1)} ms late), ${probedHeld.length} with (median ${median(probedHeld).toFixed(1)} ms)`,
        );
        // 10% loss each way over `count` messages: each stream lost some
        expect(plainHeld.length).toBeGreaterThan(2);
        expect(probedHeld.length).toBeGreaterThan(2);
        expect(median(probedHeld)).toBeLessThan(median(plainHeld) * 0.75);
      },
    );
  },
);

// Why an open against an Authority could take ~1.05 s instead of ~0.1 s: when the offerer's ICE
// connected before the answerer's, its DTLS ClientHello reached the answerer (the DTLS server)
// before that side's DTLS transport had started, and the handshake waited for the client's
// retransmission a second later. The node adapter now holds the answerer's candidates until it
// is connected. This test asserts that mechanism on real peers sharing one UDP port (the
// open times themselves are measured by the capacity bench, not asserted here).
import { pickFreePort } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import type { RtcPeer } from '../src/rtc/adapter.js';
import { nodeAdapterWithAnswerHold } from '../src/rtc/node-adapter.js';
import { onCleanup } from './helpers.js';

// No deadline: only the ordering that holding guarantees is under test.
const adapter = nodeAdapterWithAnswerHold(60_000);

/** Opens one offerer → answerer pair (answerer on the shared port); returns the events in order. */
async function openAgainst(port: number): Promise<string[]> {
  const log: string[] = [];
  const peers: { offerer?: RtcPeer; answerer?: RtcPeer } = {};
  const opened: Promise<void>[] = [];
  const make = (name: 'offerer' | 'answerer', other: 'offerer' | 'answerer') => {
    let open!: () => void;
    opened.push(new Promise<void>((resolve) => (open = resolve)));
    const peer = adapter.createPeer(
      {
        iceServers: [],
        iceTransportPolicy: 'all',
        label: name,
        ...(name === 'answerer' ? { portRange: { begin: port, end: port }, udpMux: true } : {}),
      },
      {
        onLocalDescription: (type, sdp) => {
          const to = peers[other]!;
          void to
            .setRemoteDescription(type, sdp)
            .then(() => (type === 'offer' ? to.setLocalDescription('answer') : undefined));
        },
        onLocalCandidate: (candidate, mid) => {
          log.push(`${name}:candidate-sent`);
          void peers[other]!.addRemoteCandidate(candidate, mid);
        },
        onStateChange: () => {},
        onIceStateChange: (state) => log.push(`${name}:ice-${state}`),
      },
    );
    peer.createChannel(
      { label: 'c', id: 0, ordered: true },
      {
        onOpen: open,
        onMessage: () => {},
        onClose: () => {},
        onError: () => {},
        onBufferedAmountLow: () => {},
      },
    );
    onCleanup(() => peer.close());
    peers[name] = peer;
  };
  make('offerer', 'answerer');
  make('answerer', 'offerer');
  await peers.offerer!.setLocalDescription('offer');
  await Promise.all(opened);
  return log;
}

describe('answerer candidate hold', () => {
  it('against one shared UDP port, the answerer (DTLS server) is always ICE-connected first', async () => {
    const port = await pickFreePort({ host: '0.0.0.0' });
    for (let i = 0; i < 12; i++) {
      const log = await openAgainst(port);
      const connected = (name: string) =>
        log.findIndex((e) => e === `${name}:ice-connected` || e === `${name}:ice-completed`);
      expect(connected('answerer'), log.join(' ')).toBeGreaterThanOrEqual(0);
      // The answerer sent no candidate before its own ICE connected...
      expect(log.indexOf('answerer:candidate-sent'), log.join(' ')).toBeGreaterThan(connected('answerer'));
      // ...so the offerer (the DTLS client) could not connect, and send its ClientHello, first.
      expect(connected('offerer'), log.join(' ')).toBeGreaterThan(connected('answerer'));
    }
  });
});

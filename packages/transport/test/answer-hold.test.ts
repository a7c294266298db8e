// Why an open against an Authority could take ~1.05 s instead of ~0.1 s: when the offerer's ICE
// connected before the answerer's, its DTLS ClientHello reached the answerer (the DTLS server)
// before that side's DTLS transport had started, and the handshake waited for the client's
// retransmission a second later. The node adapter now holds the answerer's candidates until it
// is connected. This test asserts that mechanism on real peers sharing one UDP port (the
// open times themselves are measured by the capacity bench, not asserted here).
import { pickFreePort } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import { nodeAdapterWithAnswerHold } from '../src/rtc/node-adapter.js';
import { iceConnectedAt, openAdapterPair } from './adapter-pair.js';
import type { Side } from './adapter-pair.js';

// No deadline: only the ordering that holding guarantees is under test.
const adapter = nodeAdapterWithAnswerHold(60_000);

/** Opens one offerer → answerer pair (answerer on the shared port); returns the events in order. */
async function openAgainst(port: number): Promise<string[]> {
  const { log } = await openAdapterPair(adapter, (name) => ({
    iceServers: [],
    iceTransportPolicy: 'all',
    label: name,
    ...(name === 'answerer' ? { portRange: { begin: port, end: port }, udpMux: true } : {}),
  }));
  return log;
}

describe('answerer candidate hold', () => {
  it('against one shared UDP port, the answerer (DTLS server) is always ICE-connected first', async () => {
    const port = await pickFreePort({ host: '0.0.0.0' });
    for (let i = 0; i < 12; i++) {
      const log = await openAgainst(port);
      const connected = (name: Side) => iceConnectedAt(log, name);
      expect(connected('answerer'), log.join(' ')).toBeGreaterThanOrEqual(0);
      // The answerer sent no candidate before its own ICE connected...
      expect(log.indexOf('answerer:candidate-sent'), log.join(' ')).toBeGreaterThan(connected('answerer'));
      // ...so the offerer (the DTLS client) could not connect, and send its ClientHello, first.
      expect(connected('offerer'), log.join(' ')).toBeGreaterThan(connected('answerer'));
    }
  });
});

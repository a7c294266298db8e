// Security on the path: the DTLS certificate a peer presents must match the fingerprint in its
// SDP. A signaling path that swaps the fingerprint (a man in the middle who relays the ICE traffic
// but cannot present the original key) must get a refused connection, never an open one: both
// sides fail, and nothing is delivered. Real node-datachannel peers; the in-process signaler is
// wrapped so one description's fingerprint is replaced on its way. (libdatachannel's log for the
// refused side: `checkFingerprint: Invalid fingerprint "<real>", expected "<from SDP>"`, then
// `DTLS alert: unknown CA` on both; the transport reports CONNECTION_FAILED, step 'ice'.)
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connect, createSignalerPair } from '../src/index.js';
import type { Connection, SignalMessage, Signaler } from '../src/index.js';
import { onCleanup } from './helpers.js';

/** A fingerprint of the same form, for a certificate nobody has. */
function foreignFingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/**
 * Forwards everything, but rewrites the fingerprint of descriptions of type `type` (with
 * `replace`: the original, for the control case, where the same wrapper must connect).
 */
function tampering(
  inner: Signaler,
  type: 'offer' | 'answer',
  seen: string[],
  replace: (original: string) => string = foreignFingerprint,
): Signaler {
  return {
    send(message: SignalMessage) {
      if (message.kind === 'description' && message.type === type) {
        const sdp = message.sdp.replace(
          /^(a=fingerprint:sha-256 )(\S+)/gm,
          (_m, prefix: string, original: string) => {
            seen.push(original);
            return prefix + replace(original);
          },
        );
        return inner.send({ ...message, sdp });
      }
      return inner.send(message);
    },
    onMessage: (handler) => inner.onMessage(handler),
  };
}

async function outcome(conn: Connection): Promise<string> {
  try {
    await conn.opened;
    return 'open';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

function pair(type: 'offer' | 'answer', rewritten: string[], replace?: (original: string) => string) {
  const [sa, sb] = createSignalerPair();
  const options = { connectTimeoutMs: 6_000 };
  const a = connect({
    ...options,
    role: 'offerer',
    signaler: type === 'offer' ? tampering(sa, type, rewritten, replace) : sa,
  });
  const b = connect({
    ...options,
    role: 'answerer',
    signaler: type === 'answer' ? tampering(sb, type, rewritten, replace) : sb,
  });
  onCleanup(() => {
    a.close();
    b.close();
  });
  return { a, b };
}

describe('DTLS fingerprint mismatch', () => {
  it.each(['offer', 'answer'] as const)(
    'refuses the connection when the %s carries a fingerprint of another certificate',
    { timeout: 30_000 },
    async (type) => {
      const rewritten: string[] = [];
      const { a, b } = pair(type, rewritten);
      const delivered: unknown[] = [];
      for (const conn of [a, b]) conn.on('message', (e) => delivered.push(e.data));
      const [atA, atB] = await Promise.all([outcome(a), outcome(b)]);
      expect(rewritten).toHaveLength(1); // the premise: one fingerprint line was replaced
      expect(atA).not.toBe('open');
      expect(atB).not.toBe('open');
      expect(['CONNECTION_FAILED', 'TIMEOUT']).toContain(atA);
      expect(['CONNECTION_FAILED', 'TIMEOUT']).toContain(atB);
      expect(delivered).toEqual([]);
      expect([a.state, b.state]).toEqual(['failed', 'failed']);
    },
  );

  it('control: the same wrapper passing the real fingerprint through connects', async () => {
    const rewritten: string[] = [];
    const { a, b } = pair('offer', rewritten, (original) => original);
    await Promise.all([a.opened, b.opened]);
    expect(rewritten).toHaveLength(1);
  });
});

// The first attempt of a connection with a relay fallback is direct-only: its ICE servers are
// STUN servers derived from the configured ones (TURN over UDP or TCP answers STUN on its port),
// and on a real pair with coturn it settles on a direct path without allocating a relay.
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import { directOnlyIceServers } from '../src/rtc/ice-servers.js';
import { openPair } from './helpers.js';

describe('directOnlyIceServers', () => {
  it('keeps STUN, turns TURN URLs into STUN on the same host and port, drops TLS', () => {
    expect(
      directOnlyIceServers([
        { urls: 'stun:10.0.0.1:3478' },
        {
          urls: [
            'turn:10.0.0.1:3478?transport=udp',
            'turn:10.0.0.1:3478?transport=tcp',
            'turns:t.example:5349',
          ],
          username: 'u',
          credential: 'p',
        },
        { urls: 'turn:turn.example.com', username: 'u', credential: 'p' },
      ]),
    ).toEqual([{ urls: 'stun:10.0.0.1:3478' }, { urls: 'stun:turn.example.com:3478' }]);
    expect(directOnlyIceServers([])).toEqual([]);
  });
});

describe.skipIf(!hasTurnserver)('first attempt with a relay fallback', () => {
  it('opens directly and reports no relay on either side', async () => {
    const turn = await startCoturn({ auth: { user: 'tickwire', password: 'turn-password-for-tests' } });
    try {
      const iceServers = [{ urls: turn.url, username: turn.auth.user, credential: turn.auth.password }];
      const { a, b } = await openPair({ iceServers });
      for (const conn of [a, b]) {
        const pair = await conn.selectedCandidatePair();
        expect(pair?.local.type).not.toBe('relay');
        expect(pair?.remote.type).not.toBe('relay');
      }
    } finally {
      await turn.stop();
    }
  });
});

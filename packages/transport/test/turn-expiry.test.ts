// TURN credentials expire: coturn in REST-API mode (use-auth-secret, what the lobby hands out)
// refuses a username whose expiry time has passed, even with the right HMAC, so a relay-only
// connection with stale credentials fails, while the same secret with a future expiry connects.
// Clients must refresh credentials from the lobby (`LobbyClient.refreshTurn()`) before expiry.
import { createHmac } from 'node:crypto';
import { hasTurnserver, startCoturn } from '@tickwire/testkit';
import { describe, expect, it } from 'vitest';
import { connect, createSignalerPair } from '../src/index.js';
import type { Connection } from '../src/index.js';
import { onCleanup } from './helpers.js';

const SECRET = 'turn-secret-for-expiry-tests';

/** coturn REST-API credentials (draft-uberti-behave-turn-rest): `<expiry unix s>:<id>`, HMAC-SHA1. */
function restCredentials(expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:tickwire`;
  return { username, credential: createHmac('sha1', SECRET).update(username).digest('base64') };
}

async function outcome(conn: Connection): Promise<string> {
  try {
    await conn.opened;
    return 'open';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

describe.skipIf(!hasTurnserver)('TURN credential expiry (coturn use-auth-secret)', () => {
  async function relayOnly(expiresAtSeconds: number): Promise<[string, string]> {
    const turn = await startCoturn({ auth: { secret: SECRET } });
    onCleanup(() => turn.stop());
    const iceServers = [{ urls: turn.url, ...restCredentials(expiresAtSeconds) }];
    const [sa, sb] = createSignalerPair();
    const options = { iceServers, iceTransportPolicy: 'relay' as const, connectTimeoutMs: 4_000 };
    const a = connect({ ...options, role: 'offerer', signaler: sa });
    const b = connect({ ...options, role: 'answerer', signaler: sb });
    onCleanup(() => {
      a.close();
      b.close();
    });
    return Promise.all([outcome(a), outcome(b)]);
  }

  it('connects relay-only with credentials that expire in the future', async () => {
    expect(await relayOnly(Math.floor(Date.now() / 1000) + 600)).toEqual(['open', 'open']);
  });

  it('is refused with credentials whose expiry has passed (right HMAC, old timestamp)', async () => {
    const [atA, atB] = await relayOnly(Math.floor(Date.now() / 1000) - 60);
    expect(['TIMEOUT', 'CONNECTION_FAILED']).toContain(atA);
    expect(['TIMEOUT', 'CONNECTION_FAILED']).toContain(atB);
  });
});

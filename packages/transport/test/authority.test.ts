import { describe, expect, it } from 'vitest';
import { pickFreePort } from '@tickwire/testkit';
import { Authority, connect, createSignalerPair } from '../src/index.js';
import { nextMessages, onCleanup } from './helpers.js';

describe('authority on one fixed UDP port', () => {
  it('accepts several peers that all share the configured port', async () => {
    // Below the ephemeral range: no parallel test's ICE socket can be given it before we bind it.
    const port = await pickFreePort({ host: '0.0.0.0' });
    const authority = new Authority({ port });
    onCleanup(() => authority.close());
    const clients = [];
    const served = [];
    for (let i = 0; i < 3; i++) {
      const [client, server] = createSignalerPair();
      const c = connect({ role: 'offerer', signaler: client });
      onCleanup(() => c.close());
      clients.push(c);
      served.push(authority.accept(server));
    }
    await Promise.all([...clients, ...served].map((c) => c.opened));
    expect(authority.size).toBe(3);
    for (const conn of served) {
      const pair = await conn.selectedCandidatePair();
      expect(pair?.local.port).toBe(port);
    }
    // each peer's traffic reaches its own server-side connection
    const got = served.map((s) => nextMessages(s, 1));
    clients.forEach((c, i) => c.send('unreliable', { from: i }));
    const data = (await Promise.all(got)).map((m) => m[0]!.data);
    expect(data).toEqual([{ from: 0 }, { from: 1 }, { from: 2 }]);
  });

  it('refuses an invalid port with INVALID_OPTIONS', () => {
    expect(() => new Authority({ port: 70000 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }) as Error,
    );
  });
});

// A real coturn in each auth mode: it answers STUN on the port it reports, and stop() leaves no
// turnserver process behind.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RELAY_IP, hasTurnserver, startCoturn, waitForStun } from '../src/index.js';
import type { CoturnAuth } from '../src/index.js';

/** Pids of the turnserver processes listening on `port` (zombies included: they still count). */
function turnserversOn(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('turnserver') && argv.includes(`--listening-port=${port}`)) pids.push(+entry);
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

const modes: [string, CoturnAuth][] = [
  ['long-term credentials', { user: 'tickwire', password: 'turn-password-for-tests' }],
  ['REST-API secret', { secret: 'coturn-shared-secret-for-tests' }],
];

describe.skipIf(!hasTurnserver)('startCoturn', () => {
  it.each(modes)('with %s answers STUN and stop() leaves no process', async (_mode, auth) => {
    const coturn = await startCoturn({ auth });
    try {
      expect(coturn.auth).toEqual(auth);
      expect(coturn.url).toBe(`turn:127.0.0.1:${coturn.port}?transport=udp`);
      expect(coturn.relayIp).toBe(RELAY_IP);
      expect(coturn.relayPorts.max - coturn.relayPorts.min).toBe(200);
      await waitForStun(coturn.port, { timeoutMs: 2_000 });
      expect(turnserversOn(coturn.port)).toHaveLength(1);
    } finally {
      await coturn.stop();
    }
    expect(turnserversOn(coturn.port)).toEqual([]);
    await expect(waitForStun(coturn.port, { timeoutMs: 300 })).rejects.toThrow(/no STUN answer/);
    await coturn.stop(); // idempotent
  });

  it('refuses a user name with a colon before starting anything', async () => {
    await expect(startCoturn({ auth: { user: 'a:b', password: 'p' } })).rejects.toThrow(/cannot contain ':'/);
  });
});

describe('waitForStun', () => {
  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = waitForStun(9, { signal: controller.signal }); // discard port: nothing answers
    setTimeout(() => controller.abort(), 100);
    await expect(waiting).rejects.toThrow(/stopped waiting/);
  });
});

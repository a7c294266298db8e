// A real coturn in each auth mode: it answers STUN on the port it reports, and stop() leaves no
// turnserver process behind.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RELAY_IP, hasTurnserver, startCoturn, waitForStun } from '../src/index.js';
import type { CoturnAuth, CoturnSpawn } from '../src/index.js';

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
      expect(coturn.tcpUrl).toBe(`turn:127.0.0.1:${coturn.port}?transport=tcp`);
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

  it('starts through a spawn hook on other addresses and probes STUN through the same hook', async () => {
    // A hook as a netlab host's would be (`lab.server.spawn`), minus the namespace: it must be used
    // for turnserver and for the readiness probe, which runs where turnserver runs.
    const spawned: string[] = [];
    const hook: CoturnSpawn = (command, args, options) => {
      spawned.push(command);
      return spawn(command, args, options);
    };
    const coturn = await startCoturn({
      auth: { secret: 'coturn-shared-secret-for-tests' },
      listeningIp: '127.0.0.3',
      relayIp: '127.0.0.4',
      spawn: hook,
    });
    try {
      expect(spawned).toEqual(['/usr/bin/turnserver', process.execPath]);
      expect(coturn.listeningIp).toBe('127.0.0.3');
      expect(coturn.url).toBe(`turn:127.0.0.3:${coturn.port}?transport=udp`);
      expect(coturn.stunUrl).toBe(`stun:127.0.0.3:${coturn.port}`);
      expect(coturn.relayIp).toBe('127.0.0.4');
      await waitForStun(coturn.port, { host: '127.0.0.3', timeoutMs: 2_000 });
      expect(turnserversOn(coturn.port)).toHaveLength(1);
    } finally {
      await coturn.stop();
    }
    expect(turnserversOn(coturn.port)).toEqual([]);
  });

  it('gives up when the probe never sees coturn, and stops it', async () => {
    // The probe hook decides readiness: this one asks a port nothing serves.
    let probedPort = 0;
    const start = startCoturn({
      auth: { user: 'tickwire', password: 'turn-password-for-tests' },
      probe: async ({ port }, signal) => {
        probedPort = port;
        await waitForStun(9, { timeoutMs: 300, signal }); // discard port: nothing answers
      },
    });
    await expect(start).rejects.toThrow(/no STUN answer/);
    expect(probedPort).toBeGreaterThan(0);
    expect(turnserversOn(probedPort)).toEqual([]);
  });

  it('refuses a fixed port without a spawn hook (it would collide on this machine) or out of range', async () => {
    const auth = { secret: 'coturn-shared-secret-for-tests' };
    await expect(startCoturn({ auth, port: 3478 })).rejects.toThrow(/fixed coturn port needs a spawn hook/);
    await expect(startCoturn({ auth, port: 70_000, spawn })).rejects.toThrow(/1-65535/);
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

// Starts a real coturn (`turnserver`) on loopback in REST-API mode (use-auth-secret) for a test,
// and stops it again. Its listening port and relay range lie below the kernel's ephemeral range
// (see ports.ts), never fixed, because test files run in parallel.
//
// coturn relays from 127.0.0.2 while the peers live on 127.0.0.1. TURN permissions are per IP
// address (RFC 8656 §9), so if relay and peers shared 127.0.0.1, a peer's own socket could send
// straight to the other peer's relayed address, pass the permission check, and ICE would settle on
// a pair that skips the relay. Same setup as packages/transport/test/turn-server.ts.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickFreePort, pickPortRange } from './ports.js';
import { waitForStun } from './turn-client.js';

/** The address coturn relays from; every relayed address it hands out has it. */
export const RELAY_IP = '127.0.0.2';
const RELAY_SPAN = 200;
/** Another process can still take the picked port before coturn binds it; coturn then logs this
 * and retries the bind forever, so the start is tried again on another port. */
const BIND_FAILED = /Cannot bind/;

export interface Coturn {
  readonly port: number;
  readonly secret: string;
  readonly url: string;
  readonly relayIp: string;
  readonly relayPorts: { readonly min: number; readonly max: number };
  stop(): Promise<void>;
}

class PortTakenError extends Error {}

export async function startCoturn(secret: string): Promise<Coturn> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startOnce(secret);
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(secret: string): Promise<Coturn> {
  const port = await pickFreePort({ tcp: true });
  const relayBase = pickPortRange(RELAY_SPAN);
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-coturn-'));
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      `--relay-ip=${RELAY_IP}`,
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + RELAY_SPAN}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=tickwire.test',
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--db=${join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // never spawned: there is no exit to wait for
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // The log is read (and kept for the error message) only until coturn answers STUN; the pipes
  // are drained for the rest of its life.
  let starting = true;
  let log = '';
  const failed = new Promise<never>((_, reject) => {
    const onData = (data: Buffer): void => {
      if (!starting) return;
      log += data.toString();
      if (BIND_FAILED.test(log)) reject(new PortTakenError(`turnserver could not bind ${port}:\n${log}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`turnserver exited (${code}):\n${log}`)));
    child.once('error', (error) => reject(new Error(`turnserver did not start: ${error.message}`)));
  });
  failed.catch(() => undefined);
  const probing = new AbortController();
  try {
    await Promise.race([waitForStun(port, 10_000, probing.signal), failed]);
  } catch (error) {
    await stop(); // never leave a coturn behind that retries its bind forever
    throw error;
  } finally {
    probing.abort();
    starting = false;
  }
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    relayIp: RELAY_IP,
    relayPorts: { min: relayBase, max: relayBase + RELAY_SPAN },
    stop,
  };
}

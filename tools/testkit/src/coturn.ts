// Starts a real coturn (`turnserver`) on loopback for a test and stops it again, in either of the
// two ways coturn authenticates: long-term credentials (one fixed user and password) or REST-API
// mode (use-auth-secret: ephemeral credentials derived from a shared secret, what a lobby hands
// out). Its listening port and relay range lie below the kernel's ephemeral range (see ports.ts),
// never fixed, because test files run in parallel.
//
// coturn relays from 127.0.0.2 while the peers live on 127.0.0.1. TURN permissions are per IP
// address (RFC 8656 §9), so if relay and peers shared 127.0.0.1, a peer's own socket could send
// straight to the other peer's relayed address, pass the permission check, and ICE would settle on
// a pair that skips the relay (seen: srflx/prflx pairs on ports outside the relay range in about
// one run in three).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickFreePort, pickPortRange } from './ports.js';
import { waitForStun } from './stun.js';

/** Where Debian's coturn package installs the server. */
export const TURNSERVER = '/usr/bin/turnserver';
/** Whether coturn is installed, for `describe.skipIf(!hasTurnserver)`. */
export const hasTurnserver = existsSync(TURNSERVER);
/** The address coturn relays from; every relayed candidate and address it hands out has it. */
export const RELAY_IP = '127.0.0.2';

const RELAY_SPAN = 200;
const STARTS = 3;
const START_TIMEOUT_MS = 10_000;
/** How long `stop()` waits after SIGTERM before it kills. */
const KILL_AFTER_MS = 2_000;
/** Another process can still take the picked port before coturn binds it; coturn then logs this
 * and retries the bind forever, so the start is tried again on another port. */
const BIND_FAILED = /Cannot bind/;

/** Long-term credentials (`--lt-cred-mech`): exactly this user and password are accepted. */
export interface CoturnUserAuth {
  readonly user: string;
  readonly password: string;
}

/** REST-API mode (`--use-auth-secret`): any `<expiry>:<id>` user whose password is the base64
 * HMAC-SHA1 of it under this secret is accepted until the expiry. */
export interface CoturnSecretAuth {
  readonly secret: string;
}

export type CoturnAuth = CoturnUserAuth | CoturnSecretAuth;

export interface CoturnOptions<A extends CoturnAuth = CoturnAuth> {
  readonly auth: A;
}

export interface Coturn<A extends CoturnAuth = CoturnAuth> {
  /** UDP and TCP, on 127.0.0.1. */
  readonly port: number;
  /** `turn:127.0.0.1:<port>?transport=udp` */
  readonly url: string;
  readonly relayIp: string;
  /** The relayed ports coturn allocates from (inclusive). */
  readonly relayPorts: { readonly min: number; readonly max: number };
  /** The credentials it was started with. */
  readonly auth: A;
  /** SIGTERM, then SIGKILL after 2 s; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Starts coturn and resolves once it answers STUN. */
export async function startCoturn<A extends CoturnAuth>(options: CoturnOptions<A>): Promise<Coturn<A>> {
  const authArgs = authArguments(options.auth);
  let lastError: unknown;
  for (let attempt = 0; attempt < STARTS; attempt += 1) {
    try {
      return await startOnce(options.auth, authArgs);
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function authArguments(auth: CoturnAuth): string[] {
  if ('secret' in auth) return ['--use-auth-secret', `--static-auth-secret=${auth.secret}`];
  // coturn splits --user at the first ':'.
  if (auth.user.includes(':')) throw new Error(`a coturn user name cannot contain ':' (${auth.user})`);
  return ['--lt-cred-mech', `--user=${auth.user}:${auth.password}`];
}

class PortTakenError extends Error {}

async function startOnce<A extends CoturnAuth>(auth: A, authArgs: readonly string[]): Promise<Coturn<A>> {
  const port = await pickFreePort({ tcp: true });
  const relayBase = pickPortRange(RELAY_SPAN);
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-coturn-'));
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      `--relay-ip=${RELAY_IP}`,
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + RELAY_SPAN}`,
      ...authArgs,
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
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // The log is read (and kept for the error message) only until coturn answers STUN; the pipes
  // are drained for the rest of its life, so coturn never blocks on a full pipe.
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
    await Promise.race([waitForStun(port, { timeoutMs: START_TIMEOUT_MS, signal: probing.signal }), failed]);
  } catch (error) {
    await stop(); // never leave a coturn behind that retries its bind forever
    throw error;
  } finally {
    probing.abort();
    starting = false;
  }
  return {
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    relayIp: RELAY_IP,
    relayPorts: { min: relayBase, max: relayBase + RELAY_SPAN },
    auth,
    stop,
  };
}

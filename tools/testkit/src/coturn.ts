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
//
// It can also run elsewhere, e.g. on a netlab NAT lab's public server: `spawn` starts the process
// (`lab.server.spawn(...)`: inside that host's network namespace), `listeningIp`/`relayIp` are the
// host's address, and readiness is probed from inside the same namespace (the test process cannot
// reach the lab's addresses) by running scripts/stun-probe.mjs through the same `spawn`.
import { spawn as spawnChild } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SINGLE_PORT_FLOOR, ephemeralRange, pickFreePort, pickPortRange } from './ports.js';
import { waitForStun } from './stun.js';

/** Where Debian's coturn package installs the server. */
export const TURNSERVER = '/usr/bin/turnserver';
/** Whether coturn is installed, for `describe.skipIf(!hasTurnserver)`. */
export const hasTurnserver = existsSync(TURNSERVER);
/** The address coturn relays from by default; every relayed candidate and address it hands out has it. */
export const RELAY_IP = '127.0.0.2';
/** The address coturn listens on by default. */
export const LISTENING_IP = '127.0.0.1';
/** Probes STUN on `host port [timeoutMs]` and exits 0 on an answer; run where coturn runs. Lies
 * beside src/ and dist/, so the same relative URL works from either. */
const STUN_PROBE = fileURLToPath(new URL('../scripts/stun-probe.mjs', import.meta.url));

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

/** Starts a process like `child_process.spawn`. It must pass `options` through (coturn's output is
 * read from the stdout/stderr pipes they ask for) and return the process itself, so that killing
 * it stops coturn: a netlab host's `spawn` does (`ip netns exec` execs the command in place). */
export type CoturnSpawn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** Resolves once coturn answers STUN on `host:port`, rejects when it gives up; stops when `signal`
 * aborts (startCoturn aborts it once coturn is up, has failed, or exited). */
export type CoturnProbe = (target: { host: string; port: number }, signal: AbortSignal) => Promise<void>;

export interface CoturnOptions<A extends CoturnAuth = CoturnAuth> {
  readonly auth: A;
  /** Where coturn listens for STUN/TURN (UDP and TCP). Default 127.0.0.1 (`LISTENING_IP`). */
  readonly listeningIp?: string;
  /** Where coturn relays from. Default 127.0.0.2 (`RELAY_IP`). */
  readonly relayIp?: string;
  /**
   * Starts turnserver (default: `child_process.spawn`, in this process's network namespace). E.g.
   * `(command, args, options) => lab.server.spawn(command, args, options)` runs it on a netlab host;
   * pass that host's address as `listeningIp` and `relayIp`. With a hook the listening port is not
   * checked for being free (this process cannot see the other namespace's ports; a fresh namespace
   * has all of them free, and a taken one is retried like any failed bind).
   */
  readonly spawn?: CoturnSpawn;
  /**
   * How readiness is detected. Default: without `spawn`, a STUN Binding Request from this process
   * (`waitForStun`); with `spawn`, the same request from a small Node script started through
   * `spawn`, i.e. from inside the namespace coturn runs in.
   */
  readonly probe?: CoturnProbe;
  /**
   * A fixed listening port (UDP and TCP), e.g. 3478 on a netlab host whose network only lets
   * TURN's well-known ports out. Only with `spawn`: a fresh namespace has every port free, while
   * on this machine's own network a fixed port would collide with parallel tests.
   */
  readonly port?: number;
  /**
   * TURN over TLS (`turns:`) as well: coturn's `tls-listening-port` with this certificate and key
   * (PEM files, e.g. from `createTestCertificates`; a client must trust their CA). Without it
   * coturn runs with `--no-tls`.
   */
  readonly tls?: CoturnTlsOptions;
}

export interface CoturnTlsOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** A fixed TLS port, e.g. 5349 or 443 on a netlab host; like `port`, only with `spawn`.
   * Default: picked like the listening port. */
  readonly port?: number;
}

/** Where coturn accepts TURN over TLS. */
export interface CoturnTls {
  readonly port: number;
  /** `turns:<listeningIp>:<port>?transport=tcp` */
  readonly url: string;
}

export interface Coturn<A extends CoturnAuth = CoturnAuth> {
  /** UDP and TCP, on `listeningIp`. */
  readonly port: number;
  /** Where coturn listens, 127.0.0.1 unless `listeningIp` said otherwise. */
  readonly listeningIp: string;
  /** `turn:<listeningIp>:<port>?transport=udp` */
  readonly url: string;
  /** `turn:<listeningIp>:<port>?transport=tcp`: TURN over TCP on the same port. */
  readonly tcpUrl: string;
  /** `stun:<listeningIp>:<port>` */
  readonly stunUrl: string;
  /** TURN over TLS, when started with `tls`. */
  readonly tls?: CoturnTls;
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
  const listeningIp = options.listeningIp ?? LISTENING_IP;
  const hook = options.spawn;
  const fixedPort = options.port;
  const tls = options.tls;
  for (const fixed of [fixedPort, tls?.port]) {
    if (fixed !== undefined && (!hook || !Number.isInteger(fixed) || fixed < 1 || fixed > 65535)) {
      throw new Error('a fixed coturn port needs a spawn hook (another namespace) and must be 1-65535');
    }
  }
  if (tls && tls.port !== undefined && tls.port === fixedPort) {
    throw new Error('coturn cannot take TURN over TLS on its plain listening port here');
  }
  const pickPort = (fixed: number | undefined): (() => Promise<number>) =>
    hook
      ? async () => fixed ?? pickPortRange(1, SINGLE_PORT_FLOOR, ephemeralRange()[0])
      : () => pickFreePort({ host: listeningIp, tcp: true });
  const setup: StartSetup = {
    listeningIp,
    relayIp: options.relayIp ?? RELAY_IP,
    authArgs,
    spawn: hook ?? spawnChild,
    pickPort: pickPort(fixedPort),
    tls: tls && { certFile: tls.certFile, keyFile: tls.keyFile, pickPort: pickPort(tls.port) },
    probe:
      options.probe ??
      (hook
        ? (target, signal) => probeThrough(hook, target, signal)
        : (target, signal) =>
            waitForStun(target.port, { host: target.host, timeoutMs: START_TIMEOUT_MS, signal })),
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < STARTS; attempt += 1) {
    try {
      return await startOnce(options.auth, setup);
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

interface StartSetup {
  readonly listeningIp: string;
  readonly relayIp: string;
  readonly authArgs: readonly string[];
  readonly spawn: CoturnSpawn;
  readonly pickPort: () => Promise<number>;
  readonly tls: { certFile: string; keyFile: string; pickPort: () => Promise<number> } | undefined;
  readonly probe: CoturnProbe;
}

/** Runs scripts/stun-probe.mjs through `spawn` and resolves when it reports an answer (exit 0). */
function probeThrough(
  spawn: CoturnSpawn,
  target: { host: string; port: number },
  signal: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('stopped probing coturn'));
      return;
    }
    const probe = spawn(
      process.execPath,
      [STUN_PROBE, target.host, String(target.port), String(START_TIMEOUT_MS)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    probe.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    // The probe gives up by itself after START_TIMEOUT_MS; this bounds a probe that never starts.
    const guard = setTimeout(() => probe.kill('SIGKILL'), START_TIMEOUT_MS + 5_000);
    const onAbort = (): void => {
      probe.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (error?: Error): void => {
      clearTimeout(guard);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    probe.once('error', (error) => settle(new Error(`STUN probe did not start: ${error.message}`)));
    probe.once('exit', (code, exitSignal) => {
      if (code === 0) settle();
      else
        settle(
          new Error(
            `no STUN answer on ${target.host}:${target.port} (probe exited ${code ?? exitSignal}): ${stderr.trim()}`,
          ),
        );
    });
  });
}

async function startOnce<A extends CoturnAuth>(auth: A, setup: StartSetup): Promise<Coturn<A>> {
  const { listeningIp, relayIp, authArgs } = setup;
  const port = await setup.pickPort();
  let tlsPort = await setup.tls?.pickPort();
  // Two picks can coincide (a picked port is free, not yet bound). A fixed port never does: fixed
  // ones are refused when equal, and picks lie above 20000 (ports.ts), fixed well-known ones below.
  for (let tries = 0; tlsPort === port && tries < 10; tries += 1) tlsPort = await setup.tls?.pickPort();
  if (tlsPort === port) throw new PortTakenError(`no TLS port apart from ${port}`);
  const tlsArgs = setup.tls
    ? [`--tls-listening-port=${tlsPort}`, `--cert=${setup.tls.certFile}`, `--pkey=${setup.tls.keyFile}`]
    : ['--no-tls'];
  const relayBase = pickPortRange(RELAY_SPAN);
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-coturn-'));
  const args = [
    '-n',
    `--listening-ip=${listeningIp}`,
    `--relay-ip=${relayIp}`,
    `--listening-port=${port}`,
    `--min-port=${relayBase}`,
    `--max-port=${relayBase + RELAY_SPAN}`,
    ...authArgs,
    '--realm=tickwire.test',
    '--allow-loopback-peers',
    ...tlsArgs,
    '--no-dtls',
    '--no-cli',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--db=${join(dir, 'turndb')}`,
  ];
  let child: ChildProcess;
  try {
    child = setup.spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true }); // e.g. a spawn hook whose lab is already closed
    throw error;
  }
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
    await Promise.race([setup.probe({ host: listeningIp, port }, probing.signal), failed]);
  } catch (error) {
    await stop(); // never leave a coturn behind that retries its bind forever
    throw error;
  } finally {
    probing.abort();
    starting = false;
  }
  return {
    port,
    listeningIp,
    url: `turn:${listeningIp}:${port}?transport=udp`,
    tcpUrl: `turn:${listeningIp}:${port}?transport=tcp`,
    stunUrl: `stun:${listeningIp}:${port}`,
    ...(tlsPort === undefined
      ? {}
      : { tls: { port: tlsPort, url: `turns:${listeningIp}:${tlsPort}?transport=tcp` } }),
    relayIp,
    relayPorts: { min: relayBase, max: relayBase + RELAY_SPAN },
    auth,
    stop,
  };
}

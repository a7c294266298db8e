// Starts a real coturn `turnserver` on loopback for a test and stops it afterwards. Its listening
// port and relay range lie below the kernel's ephemeral range (see ports.ts), never fixed, because
// test files run in parallel.
//
// coturn relays from 127.0.0.2 while the peers live on 127.0.0.1. TURN permissions are per IP
// address (RFC 8656 §9), so if relay and peers shared 127.0.0.1, a peer's own socket could send
// straight to the other peer's relayed address, pass the permission check, and ICE would settle on
// a pair that skips the relay (seen here: srflx/prflx pairs on ports outside the relay range in
// about one run in three).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickFreePort, pickPortRange } from './ports.js';

export const TURNSERVER = '/usr/bin/turnserver';
export const hasTurnserver = existsSync(TURNSERVER);
/** The address coturn relays from; every relayed candidate has it. */
export const RELAY_IP = '127.0.0.2';
const RELAY_SPAN = 200;
/** Another process can still take the picked port before coturn binds it; coturn then logs this
 * and retries the bind forever, so the start is tried again on another port. */
const BIND_FAILED = /Cannot bind/;

export interface TurnServer {
  port: number;
  user: string;
  password: string;
  relayIp: string;
  relayPorts: { min: number; max: number };
  stop(): Promise<void>;
}

export async function startTurnServer(): Promise<TurnServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function startOnce(): Promise<TurnServer> {
  const port = await pickFreePort({ tcp: true });
  const relayBase = pickPortRange(RELAY_SPAN);
  const user = 'tickwire';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const dir = mkdtempSync(join(tmpdir(), 'tw-turn-'));
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      `--relay-ip=${RELAY_IP}`,
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + RELAY_SPAN}`,
      '--lt-cred-mech',
      `--user=${user}:${password}`,
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
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exitedPromise;
    rmSync(dir, { recursive: true, force: true });
  };
  let log = '';
  const failed = new Promise<never>((_, reject) => {
    const onData = (d: Buffer): void => {
      log += d.toString();
      if (BIND_FAILED.test(log)) reject(new PortTakenError(`turnserver could not bind ${port}:\n${log}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`turnserver exited (${code}):\n${log}`)));
  });
  failed.catch(() => undefined);
  try {
    await waitForStun(port, failed);
  } catch (error) {
    await stop(); // never leave a coturn behind that retries its bind forever
    throw error;
  }
  return {
    port,
    user,
    password,
    relayIp: RELAY_IP,
    relayPorts: { min: relayBase, max: relayBase + RELAY_SPAN },
    stop,
  };
}

/** Resolves once a STUN Binding Request to the port gets an answer (coturn prints no "ready" line);
 * rejects as soon as `failed` does, and stops probing either way. */
async function waitForStun(port: number, failed: Promise<never>, timeoutMs = 10_000): Promise<void> {
  const socket = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding Request
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  for (let i = 8; i < 20; i++) request[i] = Math.floor(Math.random() * 256);
  let probe: ReturnType<typeof setInterval> | undefined;
  try {
    await Promise.race([
      failed,
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        socket.once('message', () => resolve());
        probe = setInterval(() => {
          if (Date.now() - started > timeoutMs) {
            reject(new Error(`turnserver did not answer STUN on ${port}`));
            return;
          }
          socket.send(request, port, '127.0.0.1');
        }, 50);
      }),
    ]);
  } finally {
    clearInterval(probe);
    socket.close();
  }
}

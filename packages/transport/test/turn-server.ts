// Starts a real coturn `turnserver` on loopback for a test and stops it afterwards. Ports come
// from the OS (a bound-then-released UDP port), never fixed, because test files run in parallel.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURNSERVER = '/usr/bin/turnserver';
export const hasTurnserver = existsSync(TURNSERVER);

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface TurnServer {
  port: number;
  user: string;
  password: string;
  relayPorts: { min: number; max: number };
  stop(): Promise<void>;
}

export async function startTurnServer(): Promise<TurnServer> {
  const port = await freeUdpPort();
  const relayBase = 50000 + Math.floor(Math.random() * 10000);
  const user = 'tickwire';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const dir = mkdtempSync(join(tmpdir(), 'tw-turn-'));
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + 200}`,
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
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`turnserver exited (${code}):\n${log}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForStun(port), exited]);
  return {
    port,
    user,
    password,
    relayPorts: { min: relayBase, max: relayBase + 200 },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Resolves once a STUN Binding Request to the port gets an answer (coturn prints no "ready" line). */
async function waitForStun(port: number, timeoutMs = 10_000): Promise<void> {
  const socket = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding Request
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  for (let i = 8; i < 20; i++) request[i] = Math.floor(Math.random() * 256);
  try {
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      socket.on('message', () => resolve());
      const probe = setInterval(() => {
        if (Date.now() - started > timeoutMs) {
          clearInterval(probe);
          reject(new Error(`turnserver did not answer STUN on ${port}`));
          return;
        }
        socket.send(request, port, '127.0.0.1');
      }, 50);
      socket.once('message', () => clearInterval(probe));
    });
  } finally {
    socket.close();
  }
}

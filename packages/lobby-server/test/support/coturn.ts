// Starts a real coturn (`turnserver`) on loopback in REST-API mode (use-auth-secret) for a test,
// and stops it again. Each instance gets its own port and relay range.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';
import { waitForStun } from './turn-client.js';

export interface Coturn {
  readonly port: number;
  readonly secret: string;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startCoturn(secret: string): Promise<Coturn> {
  const port = await freePort();
  const minPort = 20_000 + (port % 200) * 100;
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 99}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=tickwire.test',
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--no-stdout-log',
      '--log-file=/dev/null',
      '--pidfile=/dev/null',
    ],
    { stdio: 'ignore' },
  );
  const exited = once(child, 'exit');
  try {
    await waitForStun(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Runs the real `tickwire-lobby` bin (dist/bin.js) as a child process, for tests that need
// separate lobby processes (Redis scale-out, killing one).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface LobbyProcess {
  readonly port: number;
  readonly url: string;
  readonly httpUrl: string;
  readonly node: string;
  readonly child: ChildProcess;
  /** SIGKILL: the process dies without closing anything (a crash). */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
}

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/**
 * Starts `count` processes at once; when one fails to start, the others are stopped before the
 * error is thrown, so a failed start never leaves a process behind.
 */
export async function startLobbyProcesses(
  count: number,
  env: Record<string, string>,
): Promise<LobbyProcess[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => startLobbyProcess(env)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<LobbyProcess>).value);
  await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.kill() : undefined)));
  throw failed.reason;
}

export interface LobbyProcessOptions {
  /** Open-file limit (soft and hard) of the lobby process, set with util-linux `prlimit`. */
  readonly openFiles?: number;
}

export async function startLobbyProcess(
  env: Record<string, string>,
  options: LobbyProcessOptions = {},
): Promise<LobbyProcess> {
  const [command, args] =
    options.openFiles === undefined
      ? [process.execPath, [bin]]
      : ['prlimit', [`--nofile=${options.openFiles}:${options.openFiles}`, process.execPath, bin]];
  const child = spawn(command, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const listening = await new Promise<{ port: number; node: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('lobby process did not start'));
    }, 30_000); // generous: test files run in parallel on a shared, sometimes very busy machine
    lines.on('line', (line) => {
      if (!line.includes('"event":"listening"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { port: number; node: string });
    });
    child.once('exit', (code) => reject(new Error(`lobby process exited with ${code}`)));
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    port: listening.port,
    url: `ws://127.0.0.1:${listening.port}/`,
    httpUrl: `http://127.0.0.1:${listening.port}`,
    node: listening.node,
    child,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

// Starts a bench worker (a compiled module of this package) as a child process with an IPC
// channel, optionally inside a network namespace (`ip netns exec`, which keeps the inherited IPC
// file descriptor and environment). Worker stdout goes to our stderr: stdout is the results table.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../errors.js';
import { IpcEndpoint } from './endpoint.js';

export interface WorkerHandle {
  readonly ipc: IpcEndpoint;
  readonly child: ChildProcess;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  /** Asks the worker to close everything and exit; kills it if it has not left after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  netns?: string;
  env?: Record<string, string>;
  /** Extra arguments for node itself (e.g. --expose-gc). */
  nodeArgs?: string[];
  args?: string[];
}

export async function spawnWorker(moduleUrl: URL, options: SpawnOptions = {}): Promise<WorkerHandle> {
  const file = fileURLToPath(moduleUrl);
  const nodeArgv = [...(options.nodeArgs ?? []), file, ...(options.args ?? [])];
  const [command, argv] = options.netns
    ? ['ip', ['netns', 'exec', options.netns, process.execPath, ...nodeArgv]]
    : [process.execPath, nodeArgv];
  const child = spawn(command, argv, {
    stdio: ['ignore', 2, 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, ...options.env },
  });
  return adoptWorker(child, file);
}

/**
 * Wraps a child process that runs a startWorker() module (spawned here or by someone else, e.g.
 * a netlab host's spawnNode with `serialization: 'advanced'`) and waits for its `ready` event.
 */
export async function adoptWorker(child: ChildProcess, label: string): Promise<WorkerHandle> {
  const ipc = new IpcEndpoint(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      ipc.failPending(`worker ${label} exited (${signal ?? code})`);
      ipc.close();
      resolve(code);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', (cause) =>
      reject(new BenchError('PEER_FAILED', `cannot start ${label}: ${cause.message}`, { cause })),
    );
    const off = ipc.onEvent('ready', () => {
      off();
      resolve();
    });
    void exited.then((code) =>
      reject(new BenchError('PEER_FAILED', `worker ${label} exited before ready (code ${code})`)),
    );
  });
  return {
    ipc,
    child,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        await ipc.request('shutdown', null, graceMs);
      } catch {
        // Handled below: if it did not leave by itself it is killed.
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

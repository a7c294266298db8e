// Event-based synchronisation with child processes over their IPC channel: wait for the next
// message that matches, or for the exit. It must never leave a listener or timer behind once the
// promise settles, and never wait forever: every wait has a timeout.

import type { ChildProcess } from 'node:child_process';
import { NetlabError } from '../errors.js';
import { childSettled } from '../host/child-settled.js';

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Resolves with the child's next IPC message for which `accept` returns true (every message if
 * omitted). Rejects if the child exits first or nothing matching arrives within `timeoutMs`.
 */
export function nextMessage<T = unknown>(
  child: ChildProcess,
  accept: (message: unknown) => boolean = () => true,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown): void => {
      if (!accept(message)) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(
        new NetlabError(
          'TIMEOUT',
          `child ${child.pid} exited (${code ?? signal}) before the awaited message`,
        ),
      );
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new NetlabError('TIMEOUT', `no matching message from child ${child.pid} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Resolves when the child has exited and its stdio closed (at once if it already has). */
export async function waitForExit(child: ChildProcess, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ChildExit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new NetlabError('TIMEOUT', `child ${child.pid} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([childSettled(child), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return { code: child.exitCode, signal: child.signalCode };
}

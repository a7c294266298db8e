// Fixtures for tests against real node-datachannel peers: pairs that always close, even when a
// test fails, and small event helpers so tests wait on events, never on sleeps.
import { afterEach } from 'vitest';
import { connect, createSignalerPair } from '../src/index.js';
import type { Connection, ConnectionEvents, ConnectionOptions, MessageEvent } from '../src/index.js';

const cleanups: Array<() => void | Promise<void>> = [];

// Every cleanup runs even when one before it throws (a stuck coturn must not leave the peers
// and namespaces after it behind); the first error is reported once all have run.
afterEach(async () => {
  let first: unknown;
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (error) {
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
});

export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

export interface Pair {
  a: Connection;
  b: Connection;
}

/** Two real node-datachannel peers in this process, signaled in-process, both open. */
export async function openPair(
  options: Partial<Omit<ConnectionOptions, 'role' | 'signaler'>> = {},
): Promise<Pair> {
  const [sa, sb] = createSignalerPair();
  const a = connect({ ...options, role: 'offerer', signaler: sa, label: 'a' });
  const b = connect({ ...options, role: 'answerer', signaler: sb, label: 'b' });
  onCleanup(() => {
    a.close();
    b.close();
  });
  await Promise.all([a.opened, b.opened]);
  return { a, b };
}

/** Resolves with the next `count` messages on `channel`. */
export function nextMessages(
  conn: Connection,
  count: number,
  channel?: 'reliable' | 'unreliable',
): Promise<MessageEvent[]> {
  return new Promise((resolve) => {
    const got: MessageEvent[] = [];
    const off = conn.on('message', (event) => {
      if (channel && event.channel !== channel) return;
      got.push(event);
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
  });
}

export function once<E extends keyof ConnectionEvents>(
  conn: Connection,
  event: E,
): Promise<Parameters<ConnectionEvents[E]>> {
  return new Promise((resolve) => {
    const off = conn.on(event, ((...args: Parameters<ConnectionEvents[E]>) => {
      off();
      resolve(args);
    }) as ConnectionEvents[E]);
  });
}

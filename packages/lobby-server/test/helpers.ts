// Shared test plumbing: real lobby servers on 127.0.0.1 port 0, real clients, raw WebSockets for
// hostile traffic, and a cleanup list so every test file ends with nothing left open.
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import { createLobbyServer } from '../src/index.js';
import type { LobbyServer, LobbyServerOptions } from '../src/index.js';
import { LobbyClient } from '../src/client/index.js';
import type { LobbyClientOptions } from '../src/client/index.js';
import type { ServerMessage } from '../src/protocol/server-messages.js';

const cleanups: Array<() => Promise<void> | void> = [];

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** Runs (and forgets) every registered cleanup, newest first. Call from afterEach/afterAll. */
export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn?.();
    } catch {
      // keep cleaning
    }
  }
}

export async function startLobby(options: LobbyServerOptions = {}): Promise<LobbyServer> {
  const server = await createLobbyServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    secret: 'test-secret-0123456789abcdef',
    tickMs: 50,
    ...options,
  });
  onCleanup(() => server.close());
  return server;
}

export async function connect(
  server: { url: string } | string | readonly string[],
  options: Partial<LobbyClientOptions> = {},
): Promise<LobbyClient> {
  const client = await LobbyClient.connect({
    url:
      typeof server === 'string' || Array.isArray(server)
        ? (server as string | string[])
        : (server as { url: string }).url,
    reconnectDelayMs: 50,
    ...options,
  });
  onCleanup(() => client.close());
  return client;
}

/** A raw `ws` socket that records every server message, for protocol-level tests. */
export class RawClient {
  readonly messages: ServerMessage[] = [];
  /** Binary messages (relay frames), raw. */
  readonly binary: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ predicate: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> =
    [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        this.binary.push(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
        return;
      }
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(message)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(message);
        }
      }
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** `localAddress` (e.g. 127.0.0.7) makes the client look like another host to the lobby. */
  static async open(
    url: string,
    headers: Record<string, string> = {},
    localAddress?: string,
  ): Promise<RawClient> {
    const ws = new WebSocket(url, { headers, ...(localAddress === undefined ? {} : { localAddress }) });
    const client = new RawClient(ws);
    onCleanup(() => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Resolves with the first message (already received or future) that matches. */
  next<T extends ServerMessage['t']>(
    type: T,
    predicate: (m: Extract<ServerMessage, { t: T }>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Extract<ServerMessage, { t: T }>> {
    const match = (m: ServerMessage): boolean =>
      m.t === type && predicate(m as Extract<ServerMessage, { t: T }>);
    const seen = this.messages.find(match);
    if (seen) {
      this.messages.splice(this.messages.indexOf(seen), 1);
      return Promise.resolve(seen as Extract<ServerMessage, { t: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        predicate: match,
        resolve: (m) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(m), 1);
          resolve(m as Extract<ServerMessage, { t: T }>);
        },
      });
    });
  }

  async hello(extra: Record<string, unknown> = {}): Promise<Extract<ServerMessage, { t: 'welcome' }>> {
    this.send({ t: 'hello', v: 1, ...extra });
    return this.next('welcome');
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true (for state with no event, e.g. a metric), or fails. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await delay(20);
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

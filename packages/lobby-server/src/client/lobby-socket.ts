// The client's connection to the lobby: opens the socket, says hello (resuming the session when it
// has a token, starting fresh when the lobby says the token expired), keeps the connection alive,
// matches replies to requests, and reconnects after an unexpected close, walking through every
// lobby URL. It knows nothing about rooms or matches: other messages go to `onServerMessage`.
// Browser-safe: no Node imports.
import { LobbyCloseCode, LobbyError, isLobbyErrorCode } from '../errors.js';
import type { LobbyErrorCode } from '../errors.js';
import type { ServerMessage, WelcomeMessage } from '../protocol/server-messages.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { OPEN } from './socket.js';
import type { SocketFactory, WebSocketLike } from './socket.js';

export interface LobbySocketOptions {
  readonly urls: readonly string[];
  readonly factory: SocketFactory;
  readonly hello: { name?: string; auth?: string; role?: 'player' | 'server'; serverKey?: string };
  readonly resumeToken?: string;
  readonly reconnect: boolean;
  readonly reconnectDelayMs: number;
  readonly maxReconnectDelayMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveMs?: number;
}

export interface LobbySocketHandlers {
  welcome(welcome: WelcomeMessage, wasReconnect: boolean): void;
  serverMessage(message: ServerMessage): void;
  /** A binary message: a relay frame (decoded by the client). */
  binary(bytes: Uint8Array): void;
  /** An error reply that answers no request. */
  error(error: LobbyError): void;
  disconnected(info: { code: number; reason: string; willReconnect: boolean }): void;
  closed(info: { code: number; reason: string }): void;
}

interface Pending {
  resolve(data: unknown): void;
  reject(error: LobbyError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Close codes after which reconnecting would not help. */
const FINAL_CLOSE_CODES = new Set<number>([
  LobbyCloseCode.Unauthorized,
  LobbyCloseCode.UnsupportedVersion,
  LobbyCloseCode.SessionTakenOver,
]);

export class LobbySocket {
  private socket: WebSocketLike | undefined;
  private urlIndex = 0;
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  private welcomed = false;
  private resumeToken: string | undefined;
  private helloWaiter:
    { resolve(w: WelcomeMessage): void; reject(e: LobbyError): void; resume: boolean } | undefined;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempt = 0;
  private closedByUser = false;

  constructor(
    private readonly options: LobbySocketOptions,
    private readonly handlers: LobbySocketHandlers,
  ) {
    this.resumeToken = options.resumeToken;
  }

  get token(): string | undefined {
    return this.resumeToken;
  }

  get ready(): boolean {
    return this.socket?.readyState === OPEN && this.helloWaiter === undefined && this.welcomed;
  }

  /** Opens the socket and resolves with the lobby's welcome. */
  async open(): Promise<WelcomeMessage> {
    const url = this.options.urls[this.urlIndex % this.options.urls.length] ?? '';
    const socket = await this.options.factory(url);
    if (this.closedByUser) {
      socket.close(1000, 'client closed');
      throw new LobbyError('disconnected', 'client was closed');
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    return new Promise<WelcomeMessage>((resolve, reject) => {
      this.helloWaiter = { resolve, reject, resume: this.resumeToken !== undefined };
      socket.onopen = () => this.sendHello(socket, this.resumeToken);
      socket.onmessage = (event) => this.onMessage(event.data);
      socket.onclose = (event) => this.onSocketClose(socket, event.code, event.reason);
      socket.onerror = () => undefined; // a close event follows
    });
  }

  /** Sends a message that expects no reply; throws when not connected. */
  send(message: object): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN)
      throw new LobbyError('disconnected', 'not connected to the lobby');
    socket.send(JSON.stringify(message));
  }

  /** Sends a binary message (a relay frame); throws when not connected. */
  sendBinary(bytes: Uint8Array): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || !this.welcomed)
      throw new LobbyError('disconnected', 'not connected to the lobby');
    socket.send(bytes);
  }

  /** Bytes the socket has not sent yet. */
  bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  /** The URL of the lobby this socket talks to now. */
  get url(): string {
    return this.options.urls[this.urlIndex % this.options.urls.length] ?? '';
  }

  request(type: string, body: object, timeoutMs?: number): Promise<unknown> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || !this.welcomed) {
      return Promise.reject(new LobbyError('disconnected', 'not connected to the lobby'));
    }
    const id = this.nextRequestId;
    this.nextRequestId = (this.nextRequestId % 2_000_000_000) + 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LobbyError('timeout', `no reply to ${type} within the request timeout`));
      }, timeoutMs ?? this.options.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...body, t: type, id }));
    });
  }

  private sendHello(socket: WebSocketLike, resume: string | undefined): void {
    const { name, auth, role, serverKey } = this.options.hello;
    socket.send(
      JSON.stringify({
        t: 'hello',
        v: PROTOCOL_VERSION,
        ...(resume === undefined ? {} : { resume }),
        ...(name === undefined ? {} : { name }),
        ...(auth === undefined ? {} : { auth }),
        ...(role === undefined ? {} : { role }),
        ...(serverKey === undefined ? {} : { serverKey }),
      }),
    );
  }

  private onMessage(raw: unknown): void {
    if (raw instanceof ArrayBuffer) {
      this.handlers.binary(new Uint8Array(raw));
      return;
    }
    if (ArrayBuffer.isView(raw)) {
      this.handlers.binary(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      return;
    }
    if (typeof raw !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (message.t === 'welcome') {
      this.onWelcome(message);
    } else if (message.t === 'ok') {
      const pending = this.pending.get(message.re);
      if (!pending) return;
      this.pending.delete(message.re);
      clearTimeout(pending.timer);
      pending.resolve(message.data);
    } else if (message.t === 'error') {
      this.onError(message);
    } else {
      this.handlers.serverMessage(message);
    }
  }

  private onError(message: Extract<ServerMessage, { t: 'error' }>): void {
    const code: LobbyErrorCode = isLobbyErrorCode(message.code) ? message.code : 'internal';
    const error = new LobbyError(code, message.message, message.details ? { details: message.details } : {});
    const pending = message.re === undefined ? undefined : this.pending.get(message.re);
    if (pending && message.re !== undefined) {
      this.pending.delete(message.re);
      clearTimeout(pending.timer);
      pending.reject(error);
      return;
    }
    const waiter = this.helloWaiter;
    if (!waiter) {
      this.handlers.error(error);
      return;
    }
    if (error.code === 'invalid_token' && waiter.resume && this.socket) {
      // The old session is gone (grace period over): start a fresh one on the same socket.
      this.resumeToken = undefined;
      waiter.resume = false;
      this.sendHello(this.socket, undefined);
      return;
    }
    this.helloWaiter = undefined;
    waiter.reject(error);
  }

  private onWelcome(welcome: WelcomeMessage): void {
    const wasReconnect = this.welcomed;
    this.welcomed = true;
    this.resumeToken = welcome.token;
    this.reconnectAttempt = 0;
    this.startKeepAlive(welcome);
    const waiter = this.helloWaiter;
    this.helloWaiter = undefined;
    this.handlers.welcome(welcome, wasReconnect);
    waiter?.resolve(welcome);
  }

  private startKeepAlive(welcome: WelcomeMessage): void {
    this.stopKeepAlive();
    const every = this.options.keepAliveMs ?? Math.max(50, Math.floor(welcome.idleTimeoutMs / 3));
    this.keepAliveTimer = setInterval(() => {
      if (this.socket?.readyState === OPEN) this.socket.send('{"t":"ping"}');
    }, every);
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer !== undefined) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  private onSocketClose(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.stopKeepAlive();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new LobbyError('disconnected', 'connection to the lobby closed'));
      this.pending.delete(id);
    }
    const waiter = this.helloWaiter;
    this.helloWaiter = undefined;
    const willReconnect =
      !this.closedByUser && this.welcomed && this.options.reconnect && !FINAL_CLOSE_CODES.has(code);
    waiter?.reject(
      new LobbyError(
        code === LobbyCloseCode.Unauthorized ? 'unauthorized' : 'disconnected',
        `lobby closed the connection (${code} ${reason})`,
      ),
    );
    if (!this.welcomed && !waiter) return;
    this.handlers.disconnected({ code, reason, willReconnect });
    if (willReconnect) this.scheduleReconnect();
    else this.handlers.closed({ code, reason });
  }

  private scheduleReconnect(): void {
    const { reconnectDelayMs: base, maxReconnectDelayMs: max } = this.options;
    // First retry the same lobby; later attempts walk through the other URLs.
    const delay =
      Math.min(max, base * 2 ** Math.min(this.reconnectAttempt, 10)) * (0.75 + Math.random() * 0.5);
    if (this.reconnectAttempt > 0) this.urlIndex += 1;
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open().catch(() => {
        // onSocketClose already scheduled the next attempt (or gave up).
      });
    }, delay);
  }

  /** Closes for good (no reconnect). */
  close(): void {
    if (this.closedByUser) return;
    this.closedByUser = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.stopKeepAlive();
    const socket = this.socket;
    if (socket && (socket.readyState === OPEN || socket.readyState === 0))
      socket.close(1000, 'client closed');
    else this.handlers.closed({ code: 1000, reason: 'client closed' });
  }
}

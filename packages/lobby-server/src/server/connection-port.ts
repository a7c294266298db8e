// What the message handlers (handlers.ts, hello.ts) may use of one client's connection. They depend
// on this interface rather than on LobbyConnection, so connection.ts imports the handlers without
// an import cycle. It must never grow socket details: handlers speak protocol messages only.
import type { ServerMessage } from '../protocol/server-messages.js';
import type { SignalGate } from '../signaling/signal-gate.js';
import type { LobbyContext } from './context.js';
import type { SessionSink } from './hub.js';
import type { IpTable } from './rate-limit.js';
import type { Services } from './services.js';

export interface ConnectionEnv {
  readonly ctx: LobbyContext;
  readonly services: Services;
  readonly ipTable: IpTable;
  /** The client's address. */
  readonly ip: string;
  /** What per-address limits count under (see server/address-key.ts). */
  readonly ipKey: string;
  readonly origin: string | undefined;
}

/** A SessionSink too: hello attaches the connection to its session in the hub. */
export interface ConnectionPort extends SessionSink {
  readonly connId: string;
  readonly sessionId: string | undefined;
  readonly role: 'player' | 'server';
  readonly env: ConnectionEnv;
  readonly ctx: LobbyContext;
  /** Whom this session may signal, and the relay (see signaling/signal-gate.ts). */
  readonly signals: SignalGate;
  readonly isReady: boolean;
  becomeReady(sessionId: string, role: 'player' | 'server'): void;
  /** Counts a protocol violation; too many in a window close the connection. */
  violation(now: number): void;
  send(message: ServerMessage): void;
  sendError(error: unknown, re?: number): void;
  close(code: number, reason: string): void;
}

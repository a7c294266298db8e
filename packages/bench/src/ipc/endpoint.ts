// Request/response, events and WebRTC signaling over a Node IPC channel (a forked child's
// `process`, or the parent's ChildProcess handle). One endpoint per side. It must never keep a
// process alive on its own: closing it removes every listener it added.
import type { Serializable } from 'node:child_process';
import { BenchError } from '../errors.js';
import type { SignalMessage, Signaler } from './signal-types.js';

type Wire =
  | { t: 'req'; id: number; cmd: string; args: unknown }
  | { t: 'res'; id: number; ok: true; value: unknown }
  | { t: 'res'; id: number; ok: false; error: string }
  | { t: 'sig'; conn: string; message: SignalMessage }
  | { t: 'evt'; name: string; data: unknown };

/** What both `process` (in a child) and a ChildProcess (in the parent) offer. */
export interface IpcPort {
  send?: ((message: Serializable) => boolean) | undefined;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

type Handler = (args: never) => unknown;

export class IpcEndpoint {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, Handler>();
  private readonly signalHandlers = new Map<string, Set<(m: SignalMessage) => void>>();
  private readonly signalBacklog = new Map<string, SignalMessage[]>();
  private readonly eventHandlers = new Map<string, Set<(data: unknown) => void>>();
  private readonly listener = (raw: unknown): void => this.receive(raw as Wire);

  constructor(private readonly port: IpcPort) {
    port.on('message', this.listener);
  }

  private post(message: Wire): void {
    if (!this.port.send)
      throw new BenchError('PEER_FAILED', 'no IPC channel (process was not forked with ipc)');
    this.port.send(message as unknown as Serializable);
  }

  /** Calls `cmd` on the other side; rejects with its error message or after `timeoutMs`. */
  request<T = unknown>(cmd: string, args: unknown = null, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BenchError('TIMEOUT', `IPC request ${cmd} got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.post({ t: 'req', id, cmd, args });
    });
  }

  /** Serves `cmd`; the handler's return value (or rejection) goes back to the caller. */
  handle<A>(cmd: string, handler: (args: A) => unknown): void {
    this.handlers.set(cmd, handler as Handler);
  }

  emit(name: string, data: unknown = null): void {
    this.post({ t: 'evt', name, data });
  }

  onEvent(name: string, handler: (data: unknown) => void): () => void {
    const set = this.eventHandlers.get(name) ?? new Set();
    set.add(handler);
    this.eventHandlers.set(name, set);
    return () => set.delete(handler);
  }

  /** A Signaler for connection `conn`: the other side's signaler with the same id receives what this one sends. */
  signaler(conn: string): Signaler {
    return {
      send: (message) => this.post({ t: 'sig', conn, message }),
      onMessage: (handler) => {
        const set = this.signalHandlers.get(conn) ?? new Set();
        set.add(handler);
        this.signalHandlers.set(conn, set);
        for (const m of this.signalBacklog.get(conn)?.splice(0) ?? []) handler(m);
        return () => set.delete(handler);
      },
    };
  }

  /** Fails every outstanding request (e.g. the other process died). */
  failPending(reason: string): void {
    for (const p of this.pending.values()) p.reject(new BenchError('PEER_FAILED', reason));
    this.pending.clear();
  }

  close(): void {
    this.port.off('message', this.listener);
    this.failPending('IPC endpoint closed');
  }

  private receive(message: Wire): void {
    switch (message.t) {
      case 'res': {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) p?.resolve(message.value);
        else p?.reject(new BenchError('PEER_FAILED', message.error));
        return;
      }
      case 'req':
        void this.serve(message.id, message.cmd, message.args);
        return;
      case 'sig': {
        const set = this.signalHandlers.get(message.conn);
        if (set?.size) for (const h of [...set]) h(message.message);
        else
          this.signalBacklog.set(message.conn, [
            ...(this.signalBacklog.get(message.conn) ?? []),
            message.message,
          ]);
        return;
      }
      case 'evt':
        for (const h of [...(this.eventHandlers.get(message.name) ?? [])]) h(message.data);
        return;
    }
  }

  private async serve(id: number, cmd: string, args: unknown): Promise<void> {
    const handler = this.handlers.get(cmd);
    try {
      if (!handler) throw new Error(`unknown IPC command ${cmd}`);
      const value = await (handler as (a: unknown) => unknown)(args);
      this.post({ t: 'res', id, ok: true, value });
    } catch (error) {
      const text = error instanceof Error ? `${error.message}` : String(error);
      try {
        this.post({ t: 'res', id, ok: false, error: text });
      } catch {
        // The parent is gone; nothing to tell.
      }
    }
  }
}

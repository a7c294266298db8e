// The typed event emitter shared by the transport, state sync and the lobby client (subpath
// `@tickwire/transport/emitter`): `on` returns its own unsubscribe, `waitFor` turns the next
// matching event into a promise bounded by a timeout and an AbortSignal, and a handler that throws
// is reported to `onHandlerError` instead of breaking the emitter or the native callback that
// triggered it (an exception escaping a node-datachannel callback would crash the process). An
// emit reaches exactly the handlers registered when it started: one added by a handler waits for
// the next emit (a `waitFor` started inside a handler never resolves with the event that started
// it), one removed by a handler is not called any more.
// Pure: it must never import node-datachannel, Node modules or anything platform-specific.
import { TransportError } from '../errors.js';

export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

export interface EmitterOptions {
  /** A handler threw (default: rethrown on a microtask, so it surfaces as an uncaught error). */
  onHandlerError?: (error: unknown) => void;
  /** The error `waitFor` rejects with on timeout (default: TransportError 'TIMEOUT'). */
  timeoutError?: (event: string, timeoutMs: number) => Error;
}

export interface WaitForOptions<A extends unknown[]> {
  /** Only an event whose arguments pass this resolves the wait (default: the next one). */
  predicate?: (...args: A) => boolean;
  /** Rejects after this long (default: no timeout; give one for every network step). */
  timeoutMs?: number;
  /** Rejects with `signal.reason` when aborted. */
  signal?: AbortSignal;
}

const rethrow = (error: unknown): void =>
  queueMicrotask(() => {
    throw error;
  });

const defaultTimeoutError = (event: string, timeoutMs: number): Error =>
  new TransportError('TIMEOUT', `no ${event} event within ${timeoutMs} ms`, {
    details: { step: event, timeoutMs },
  });

/** A registration; `active` goes false on unsubscribe, so an emit in progress skips it. */
interface Entry {
  readonly handler: (...args: never[]) => void;
  active: boolean;
}

export class Emitter<E extends EventMap<E>> {
  // Copy on write: on/off replace the array, so an emit iterates the list as it was when it
  // started without copying it per event (emits are per message on the hot path; on/off are rare).
  private readonly handlers = new Map<keyof E, readonly Entry[]>();
  private readonly onHandlerError: (error: unknown) => void;
  private readonly timeoutError: (event: string, timeoutMs: number) => Error;

  /** `options` may be just the handler-error callback. */
  constructor(options: EmitterOptions | ((error: unknown) => void) = {}) {
    const resolved = typeof options === 'function' ? { onHandlerError: options } : options;
    this.onHandlerError = resolved.onHandlerError ?? rethrow;
    this.timeoutError = resolved.timeoutError ?? defaultTimeoutError;
  }

  on<K extends keyof E>(event: K, handler: E[K]): () => void {
    const entries = this.handlers.get(event) ?? [];
    // The same function registered twice is one registration (either unsubscribe removes it).
    const found = entries.find((e) => e.handler === handler);
    const entry: Entry = found ?? { handler, active: true };
    if (found === undefined) this.handlers.set(event, [...entries, entry]);
    return () => {
      if (!entry.active) return;
      entry.active = false;
      const rest = (this.handlers.get(event) ?? []).filter((e) => e !== entry);
      if (rest.length > 0) this.handlers.set(event, rest);
      else this.handlers.delete(event);
    };
  }

  /** Resolves with the arguments of the next `event` that passes `predicate`. */
  waitFor<K extends keyof E>(
    event: K,
    options: WaitForOptions<Parameters<E[K]>> = {},
  ): Promise<Parameters<E[K]>> {
    const { predicate, timeoutMs, signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        off();
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(signal!.reason);
      };
      const off = this.on(event, ((...args: Parameters<E[K]>) => {
        try {
          if (predicate !== undefined && !predicate(...args)) return;
        } catch (error) {
          done();
          reject(error);
          return;
        }
        done();
        resolve(args);
      }) as E[K]);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          done();
          reject(this.timeoutError(String(event), timeoutMs));
        }, timeoutMs);
      }
    });
  }

  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const entries = this.handlers.get(event);
    if (entries === undefined) return;
    for (const entry of entries) {
      if (!entry.active) continue;
      try {
        (entry.handler as (...a: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }

  listenerCount(event: keyof E): number {
    return this.handlers.get(event)?.length ?? 0;
  }

  /** Removes every handler for later emits (an emit in progress finishes its list). */
  clear(): void {
    this.handlers.clear();
  }
}

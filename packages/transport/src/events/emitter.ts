// The typed event emitter shared by the transport, state sync and the lobby client (subpath
// `@tickwire/transport/emitter`): `on` returns its own unsubscribe, `waitFor` turns the next
// matching event into a promise bounded by a timeout and an AbortSignal, and a handler that throws
// is reported to `onHandlerError` instead of breaking the emitter or the native callback that
// triggered it (an exception escaping a node-datachannel callback would crash the process).
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

export class Emitter<E extends EventMap<E>> {
  private readonly handlers = new Map<keyof E, Set<E[keyof E]>>();
  private readonly onHandlerError: (error: unknown) => void;
  private readonly timeoutError: (event: string, timeoutMs: number) => Error;

  /** `options` may be just the handler-error callback. */
  constructor(options: EmitterOptions | ((error: unknown) => void) = {}) {
    const resolved = typeof options === 'function' ? { onHandlerError: options } : options;
    this.onHandlerError = resolved.onHandlerError ?? rethrow;
    this.timeoutError = resolved.timeoutError ?? defaultTimeoutError;
  }

  on<K extends keyof E>(event: K, handler: E[K]): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
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
    const set = this.handlers.get(event);
    if (!set) return;
    // Iterating the live Set is safe: handlers removed meanwhile are skipped, and no copy is made
    // per message on the hot path.
    for (const handler of set) {
      try {
        (handler as (...a: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }

  listenerCount(event: keyof E): number {
    return this.handlers.get(event)?.size ?? 0;
  }

  clear(): void {
    this.handlers.clear();
  }
}

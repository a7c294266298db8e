// A minimal typed event emitter: `on` returns its own unsubscribe function, and a handler that
// throws is reported to `onHandlerError` instead of breaking the emitter or the native callback
// that triggered it (an exception escaping a node-datachannel callback would crash the process).
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

export class Emitter<E extends EventMap<E>> {
  private readonly handlers = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly onHandlerError: (error: unknown) => void) {}

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

// A minimal typed event emitter for the client: `on` returns its own unsubscribe function and a
// throwing handler is reported instead of breaking the socket callback that emitted the event.
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
    for (const handler of [...set]) {
      try {
        (handler as (...a: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}

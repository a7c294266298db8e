// A small typed event emitter: `on` returns its unsubscribe, a throwing handler never stops the
// others (its error goes to `onError`).

export class Emitter<E extends { [K in keyof E]: (...args: never[]) => void }> {
  private readonly handlers = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly onError: (error: unknown) => void = (e) => console.error(e)) {}

  on<K extends keyof E>(event: K, handler: E[K]): () => void {
    let set = this.handlers.get(event);
    if (set === undefined) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.handlers.get(event);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        (handler as (...a: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

// Runs the connections whose deadline came (deadline-wheel.ts) in bounded slices: at most `batch`
// per event-loop turn, the rest after the I/O that waits (setImmediate). A burst of deadlines (the
// connections opened in one second reach their heartbeat in one second; after a reconnect storm
// thousands share a slot) would otherwise block the relay of signals for as long as all of them
// take. It must never visit an item after `stop()`, nor leave a callback scheduled behind it.
import type { DeadlineWheel } from './deadline-wheel.js';

export class DeadlineDrain<T> {
  private pending: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly wheel: DeadlineWheel<T>,
    private readonly visit: (item: T, now: number) => void,
    private readonly now: () => number,
    /** Items visited per event-loop turn at most. */
    private readonly batch: number,
  ) {}

  /** Visits what is due now; what does not fit in one slice follows in the next turns. */
  run(): void {
    // A drain still under way reaches everything due now by itself.
    if (this.stopped || this.pending !== undefined) return;
    const now = this.now();
    const items = this.wheel.due(now, this.batch);
    for (const item of items) this.visit(item, now);
    if (items.length < this.batch) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      this.run();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.pending !== undefined) clearImmediate(this.pending);
    this.pending = undefined;
  }
}

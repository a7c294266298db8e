// A timer wheel for per-connection deadlines (hello, idle and heartbeat timeouts, unanswered
// offers): each connection sits in the slot of its next deadline, and one process-wide interval
// visits only the slots that came due, instead of walking every connection every sweep (10,000
// connections cost ~15-25 ms of blocked event loop per sweep, once a second, on this machine:
// the signaling tail). It never runs a callback itself and holds no timer: the server's sweep
// interval calls `due()`, so closing the server leaves nothing behind.

export class DeadlineWheel<T> {
  private readonly slots = new Map<number, Set<T>>();
  private readonly slotOf = new Map<T, number>();
  /** Every slot up to this one has been handed out by `due()`. */
  private done: number;

  /** `slotMs`: the resolution; a deadline is reported at most one slot (plus a sweep) late. */
  constructor(
    private readonly slotMs: number,
    now: number,
  ) {
    this.done = Math.floor(now / slotMs);
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Puts `item` at deadline `at`, replacing its previous deadline. */
  schedule(item: T, at: number): void {
    // Never in a slot already handed out: that one would not be visited again.
    const slot = Math.max(this.done + 1, Math.ceil(at / this.slotMs));
    const current = this.slotOf.get(item);
    if (current === slot) return;
    if (current !== undefined) this.slots.get(current)?.delete(item);
    let set = this.slots.get(slot);
    if (!set) {
      set = new Set();
      this.slots.set(slot, set);
    }
    set.add(item);
    this.slotOf.set(item, slot);
  }

  /** Moves `item` earlier when `at` comes before its current deadline (or schedules it). */
  scheduleBy(item: T, at: number): void {
    const current = this.slotOf.get(item);
    if (current === undefined || Math.ceil(at / this.slotMs) < current) this.schedule(item, at);
  }

  remove(item: T): void {
    const slot = this.slotOf.get(item);
    if (slot === undefined) return;
    this.slotOf.delete(item);
    const set = this.slots.get(slot);
    set?.delete(item);
    if (set?.size === 0) this.slots.delete(slot);
  }

  /**
   * Takes out and returns the items whose deadline is `now` or earlier, at most `limit` of them
   * (earliest slots first); the rest stay due and come out of the next call.
   */
  due(now: number, limit = Number.POSITIVE_INFINITY): T[] {
    const last = Math.floor(now / this.slotMs);
    const items: T[] = [];
    for (let slot = this.done + 1; slot <= last; slot += 1) {
      const set = this.slots.get(slot);
      if (!set) continue;
      for (const item of set) {
        if (items.length >= limit) {
          // This slot is not handed out completely: the next call starts with it.
          this.done = slot - 1;
          return items;
        }
        set.delete(item);
        this.slotOf.delete(item);
        items.push(item);
      }
      this.slots.delete(slot);
    }
    if (last > this.done) this.done = last;
    return items;
  }
}

// A fixed-rate tick loop for the authority: schedules each tick against an absolute timeline so
// the rate does not drift with timer granularity, and after a stall runs at most a few catch-up
// ticks instead of a burst. stop() clears the timer so the process can exit.

export class Ticker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private next = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly onTick: (nowMs: number) => void,
    private readonly maxCatchUp = 3,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.next = performance.now() + this.intervalMs;
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.next - performance.now()));
  }

  private fire(): void {
    let now = performance.now();
    let ran = 0;
    while (now >= this.next && ran < this.maxCatchUp) {
      this.onTick(now);
      if (this.timer === undefined) return; // stopped from inside the tick
      this.next += this.intervalMs;
      ran++;
      now = performance.now();
    }
    // Far behind (the process was suspended): drop the missed ticks rather than replay them.
    if (now >= this.next) this.next = now + this.intervalMs;
    this.schedule();
  }
}

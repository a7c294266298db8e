// Bytes per second over the last second, from four 250 ms buckets: cheap enough to call on every
// send and receive of a 60 Hz stream.
const BUCKET_MS = 250;
const BUCKETS = 4;

export class RateMeter {
  private readonly buckets = new Float64Array(BUCKETS);
  private current = 0;
  private currentStart = 0;
  private last = -Infinity;

  /** When `add` was last called (-Infinity before the first). */
  get lastAt(): number {
    return this.last;
  }

  add(bytes: number, now: number): void {
    this.last = now;
    this.roll(now);
    this.buckets[this.current] = (this.buckets[this.current] ?? 0) + bytes;
  }

  perSecond(now: number): number {
    this.roll(now);
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) if (i !== this.current) sum += this.buckets[i]!;
    // The current bucket is partial; the three full ones plus it span 750-1000 ms.
    const span = (BUCKETS - 1) * BUCKET_MS + (now - this.currentStart);
    return span > 0 ? ((sum + this.buckets[this.current]!) * 1000) / span : 0;
  }

  private roll(now: number): void {
    if (this.currentStart === 0) this.currentStart = now;
    let steps = Math.floor((now - this.currentStart) / BUCKET_MS);
    if (steps <= 0) return;
    if (steps > BUCKETS) steps = BUCKETS;
    for (let i = 0; i < steps; i++) {
      this.current = (this.current + 1) % BUCKETS;
      this.buckets[this.current] = 0;
    }
    this.currentStart = now - ((now - this.currentStart) % BUCKET_MS);
  }
}

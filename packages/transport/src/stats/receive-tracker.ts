// Decides, for each unreliable frame that arrives, whether the game should see it, and keeps the
// numbers behind that decision: loss from sequence gaps, out-of-order discards for latest-only
// streams, stale discards (arrived much later than the link's usual transit time, e.g. sent during
// an outage), and RFC 3550 jitter. Needs no clock sync: it only compares transit times of frames
// from the same sender, whose clock offset cancels out.
import { serialDiff16 } from '../channel/frame.js';

export type Verdict = 'deliver' | 'duplicate' | 'out-of-order' | 'stale';

const LOSS_WINDOW_MS = 2000;
/** How far back duplicates are recognised (older frames are caught by the stale check). */
const DEDUPE_WINDOW = 1024;
/** How long the minimum transit time is remembered, so slow clock drift cannot pin it. */
const MIN_TRANSIT_WINDOW_MS = 10_000;

/** Position of `seq` in the dedupe bitmap (seq may be negative after unwrapping). */
function slotOf(seq: number): number {
  return ((seq % DEDUPE_WINDOW) + DEDUPE_WINDOW) % DEDUPE_WINDOW;
}

export class ReceiveTracker {
  private maxSeq: number | undefined;
  private firstSeq = 0;
  private received = 0;
  private readonly latestByStream = new Map<number, number>();
  /** Bitmap of the DEDUPE_WINDOW sequence numbers up to maxSeq: which of them arrived. */
  private readonly seen = new Uint32Array(DEDUPE_WINDOW / 32);
  // transit times are kept relative to the first one seen, as small signed numbers
  private transitBase: number | undefined;
  private minTransit = Infinity;
  private minTransitPrev = Infinity;
  private minWindowStart = 0;
  private lastTransit: number | undefined;
  jitterMs = 0;
  discardedOutOfOrder = 0;
  discardedStale = 0;
  private windowStart = 0;
  private windowStartMaxSeq = 0;
  private windowStartReceived = 0;
  lossFraction = 0;

  constructor(private readonly maxLatenessMs: number) {}

  /** `now` is the local clock in ms; `stamp` the sender's 16-bit ms stamp. */
  accept(seq16: number, stamp16: number, latestOnly: boolean, stream: number, now: number): Verdict {
    const seq = this.unwrap(seq16);
    if (!this.markSeen(seq)) return 'duplicate';
    this.received += 1;
    this.updateLossWindow(now);

    const transit = this.relativeTransit(now, stamp16);
    this.updateJitter(transit);
    const excess = transit - this.currentMinTransit(transit, now);
    if (excess > this.maxLatenessMs) {
      this.discardedStale += 1;
      return 'stale';
    }
    if (latestOnly) {
      const newest = this.latestByStream.get(stream);
      if (newest !== undefined && seq < newest) {
        this.discardedOutOfOrder += 1;
        return 'out-of-order';
      }
      this.latestByStream.set(stream, seq);
    }
    return 'deliver';
  }

  /** Frames never seen: the span of sequence numbers minus what arrived. */
  get lost(): number {
    if (this.maxSeq === undefined) return 0;
    return Math.max(0, this.maxSeq - this.firstSeq + 1 - this.received);
  }

  private unwrap(seq16: number): number {
    if (this.maxSeq === undefined) {
      this.firstSeq = seq16;
      this.windowStartMaxSeq = seq16 - 1;
      return seq16;
    }
    return this.maxSeq + serialDiff16(seq16, this.maxSeq & 0xffff);
  }

  /** Records `seq` as arrived and advances maxSeq; false if it already arrived. Allocation-free. */
  private markSeen(seq: number): boolean {
    if (this.maxSeq === undefined || seq > this.maxSeq) {
      const from = this.maxSeq === undefined ? seq : this.maxSeq + 1;
      // clear the slots the window slides over (at most the whole window)
      for (let s = Math.max(from, seq - DEDUPE_WINDOW + 1); s <= seq; s++) this.clearBit(s);
      this.maxSeq = seq;
    } else if (seq <= this.maxSeq - DEDUPE_WINDOW) {
      return true; // too old to remember; the stale check decides
    } else if (this.getBit(seq)) {
      return false;
    }
    this.setBit(seq);
    return true;
  }

  private getBit(seq: number): boolean {
    const slot = slotOf(seq);
    return (this.seen[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }

  private setBit(seq: number): void {
    const slot = slotOf(seq);
    this.seen[slot >>> 5]! |= 1 << (slot & 31);
  }

  private clearBit(seq: number): void {
    const slot = slotOf(seq);
    this.seen[slot >>> 5]! &= ~(1 << (slot & 31));
  }

  private updateLossWindow(now: number): void {
    if (this.windowStart === 0) this.windowStart = now;
    if (now - this.windowStart < LOSS_WINDOW_MS) return;
    const expected = (this.maxSeq ?? 0) - this.windowStartMaxSeq;
    const got = this.received - this.windowStartReceived;
    this.lossFraction = expected > 0 ? Math.min(1, Math.max(0, 1 - got / expected)) : 0;
    this.windowStart = now;
    this.windowStartMaxSeq = this.maxSeq ?? 0;
    this.windowStartReceived = this.received;
  }

  private relativeTransit(now: number, stamp16: number): number {
    const raw = (Math.floor(now) - stamp16) & 0xffff;
    if (this.transitBase === undefined) this.transitBase = raw;
    return serialDiff16(raw, this.transitBase);
  }

  private currentMinTransit(transit: number, now: number): number {
    if (now - this.minWindowStart > MIN_TRANSIT_WINDOW_MS) {
      this.minTransitPrev = this.minTransit;
      this.minTransit = Infinity;
      this.minWindowStart = now;
    }
    this.minTransit = Math.min(this.minTransit, transit);
    return Math.min(this.minTransit, this.minTransitPrev);
  }

  private updateJitter(transit: number): void {
    if (this.lastTransit !== undefined) {
      const d = Math.abs(transit - this.lastTransit);
      this.jitterMs += (d - this.jitterMs) / 16;
    }
    this.lastTransit = transit;
  }
}

// Which snapshot the authority codes a client's next tick against. With acks arriving late (a
// round trip of 100 ms is 6 ticks at 60 Hz) a delta against the acked tick carries six ticks of
// change. So most ticks are chained instead: coded against the previous tick sent, assumed to have
// arrived, and every `chainTicks`-th tick goes against the acked tick again so a loss costs at most
// that many ticks. Never chains on a lossy link (each loss would cost the rest of the chain).
// The floor it reports is the oldest tick it may still code against: the receiver keeps that one.
import type { Snapshot } from '../snapshot/types.js';

/** While nothing is acked, a full snapshot this often (in case the first one was lost). */
const FULL_EVERY = 16;
/** Downstream loss above which every delta goes against the acked tick. */
const CHAIN_MAX_LOSS = 0.02;

export interface Reference {
  baseline: Snapshot | undefined;
  floorTick: number | undefined;
  /** The baseline is the previous tick sent, not (yet) acknowledged. */
  chained: boolean;
}

export class ReferenceChooser {
  private lastSent: number | undefined;
  private chained = 0;

  /**
   * `sent`: snapshots sent and still held (oldest first); `acked`: the newest acknowledged one.
   * `chainTicks` 1 means never chain: every delta against the acked tick.
   * `tick`: the tick being sent.
   */
  next(
    tick: number,
    sent: ReadonlyMap<number, Snapshot>,
    acked: Snapshot | undefined,
    chainTicks: number,
    loss: number,
  ): Reference {
    const last = this.lastSent === undefined ? undefined : sent.get(this.lastSent);
    if (last !== undefined && chainTicks > 1 && loss < CHAIN_MAX_LOSS) {
      // Deltas against the acked tick fall on the same ticks for every client (tick % chainTicks),
      // so clients that share an entity set and an acked tick share that encoding too.
      const keyTick = tick % chainTicks === 0;
      if (acked !== undefined && last.tick > acked.tick && !keyTick && this.chained < chainTicks - 1) {
        this.chained++;
        return { baseline: last, floorTick: acked.tick, chained: true };
      }
      if (acked === undefined && this.chained < FULL_EVERY - 1) {
        this.chained++;
        // Only ticks still in `sent` can ever be acked (and become a baseline).
        return { baseline: last, floorTick: sent.keys().next().value, chained: true };
      }
    }
    this.chained = 0;
    return { baseline: acked, floorTick: acked?.tick, chained: false };
  }

  /** The tick just sent (the next chained delta codes against it). */
  sentTick(tick: number): void {
    this.lastSent = tick;
  }
}

// Authority side of client inputs: takes the redundant input lists of arriving packets, keeps each
// sequence number once, and hands them to the game in order. Inputs whose every copy was lost are
// skipped and counted; the queue is bounded so a flooding client cannot grow memory. Replayed
// packets (every input already seen), sequence numbers far ahead of anything sent so far, and inputs
// the caller's `admit` check refuses (over budget, for an entity the client does not own) are
// dropped and counted, never queued.

/** Why `admit` refused a new input. */
export type InputRefusal = 'over-budget' | 'not-owned';

export interface InputBufferStats {
  /** Distinct inputs accepted. */
  received: number;
  /** Copies of inputs already accepted or already taken (the redundancy at work). */
  duplicates: number;
  /** Sequence numbers never received before a later input was taken. */
  missing: number;
  /** Inputs dropped because the queue was full. */
  overflow: number;
  /** Packets whose newest input is older than one already taken (a replay, or a late reordered copy). */
  replayed: number;
  /** Packets whose sequence number jumps more than `maxSeqJump` past anything seen (refused whole). */
  seqJumps: number;
  /** New inputs dropped for being over the client's input budget. */
  overBudget: number;
  /** New inputs dropped for commanding an entity the client does not own. */
  notOwned: number;
}

export class InputBuffer<I> {
  private readonly queue = new Map<number, I>();
  /** Highest sequence number handed to the game (-1: none yet). */
  lastTaken = -1;
  private highest = -1;
  /** New sequence numbers `admit` refused, so their redundant copies are not judged (or counted) again. */
  private readonly refused = new Set<number>();
  readonly stats: InputBufferStats = {
    received: 0,
    duplicates: 0,
    missing: 0,
    overflow: 0,
    replayed: 0,
    seqJumps: 0,
    overBudget: 0,
    notOwned: 0,
  };

  /**
   * `maxSeqJump`: how far past the highest sequence number seen (or past 0, for the first packet) a
   * packet may reach; a client numbers its inputs from 0, one per input, so a bigger jump is forged
   * (default 4096: over a minute of inputs at 60 Hz).
   */
  constructor(
    private readonly capacity = 128,
    private readonly maxSeqJump = 4096,
  ) {}

  /**
   * Inputs of one packet, oldest first, the last one having sequence `newestSeq`. `admit` judges
   * each input not seen before; what it refuses is dropped and counted.
   */
  accept(newestSeq: number, inputs: readonly I[], admit?: (input: I) => InputRefusal | undefined): void {
    if (inputs.length === 0) return;
    // A client's newest input is never older than one the authority already applied (its own
    // redundant copies name the same newest one): older is a replay, or a rare reordered packet.
    if (newestSeq < this.lastTaken) {
      this.stats.replayed++;
      return;
    }
    if (newestSeq > Math.max(this.highest, this.lastTaken, 0) + this.maxSeqJump) {
      this.stats.seqJumps++;
      return;
    }
    const first = newestSeq - inputs.length + 1;
    for (let i = 0; i < inputs.length; i++) {
      const seq = first + i;
      if (seq <= this.lastTaken || this.queue.has(seq) || this.refused.has(seq)) {
        this.stats.duplicates++;
        continue;
      }
      if (this.queue.size >= this.capacity) {
        this.stats.overflow++;
        continue;
      }
      const refusal = admit?.(inputs[i]!);
      if (refusal !== undefined) {
        if (refusal === 'over-budget') this.stats.overBudget++;
        else this.stats.notOwned++;
        if (this.refused.size >= this.capacity) this.refused.delete(this.refused.values().next().value!);
        this.refused.add(seq);
        if (seq > this.highest) this.highest = seq;
        continue;
      }
      this.queue.set(seq, inputs[i]!);
      this.stats.received++;
      if (seq > this.highest) this.highest = seq;
    }
  }

  /** Queued inputs in sequence order (at most `max`), marking them processed. */
  take(max = Infinity): { seq: number; input: I }[] {
    if (this.queue.size === 0) return [];
    const seqs = [...this.queue.keys()].sort((a, b) => a - b);
    const out: { seq: number; input: I }[] = [];
    for (const seq of seqs) {
      if (out.length >= max) break;
      if (this.lastTaken >= 0 && seq > this.lastTaken + 1) this.stats.missing += seq - this.lastTaken - 1;
      out.push({ seq, input: this.queue.get(seq)! });
      this.queue.delete(seq);
      this.lastTaken = seq;
    }
    for (const seq of this.refused) if (seq <= this.lastTaken) this.refused.delete(seq);
    return out;
  }

  get pending(): number {
    return this.queue.size;
  }
}

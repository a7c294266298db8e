// Authority side of client inputs: takes the redundant input lists of arriving packets, keeps each
// sequence number once, and hands them to the game in order. Inputs whose every copy was lost are
// skipped and counted; the queue is bounded so a flooding client cannot grow memory.

export interface InputBufferStats {
  /** Distinct inputs accepted. */
  received: number;
  /** Copies of inputs already accepted or already taken (the redundancy at work). */
  duplicates: number;
  /** Sequence numbers never received before a later input was taken. */
  missing: number;
  /** Inputs dropped because the queue was full. */
  overflow: number;
}

export class InputBuffer<I> {
  private readonly queue = new Map<number, I>();
  /** Highest sequence number handed to the game (-1: none yet). */
  lastTaken = -1;
  private highest = -1;
  readonly stats: InputBufferStats = { received: 0, duplicates: 0, missing: 0, overflow: 0 };

  constructor(private readonly capacity = 128) {}

  /** Inputs of one packet, oldest first, the last one having sequence `newestSeq`. */
  accept(newestSeq: number, inputs: readonly I[]): void {
    const first = newestSeq - inputs.length + 1;
    for (let i = 0; i < inputs.length; i++) {
      const seq = first + i;
      if (seq <= this.lastTaken || this.queue.has(seq)) {
        this.stats.duplicates++;
        continue;
      }
      if (this.queue.size >= this.capacity) {
        this.stats.overflow++;
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
    return out;
  }

  get pending(): number {
    return this.queue.size;
  }
}

// Client-side prediction with server reconciliation. The client applies its own inputs at once
// through the same pure step function the authority runs; when an authoritative state arrives
// with the newest input sequence the authority applied, the client restarts from that state and
// replays the inputs still unacknowledged. Mispredictions therefore vanish within one round trip.

export interface PredictorOptions<State, Input> {
  /** Pure: the state after applying one input (the authority must use the same function). */
  step: (state: State, input: Input) => State;
  initial: State;
  /** Inputs kept for replay at most (default 256); older ones are dropped unacknowledged. */
  maxPending?: number;
}

export interface Reconciliation<State> {
  /** State before the correction, and after (authoritative + replayed inputs). */
  before: State;
  after: State;
  /** Inputs replayed on top of the authoritative state. */
  replayed: number;
}

export class Predictor<State, Input> {
  private pending: { seq: number; input: Input }[] = [];
  private current: State;
  private acked = -1;

  constructor(private readonly options: PredictorOptions<State, Input>) {
    this.current = options.initial;
  }

  /** The predicted state: authoritative state plus every unacknowledged input. */
  get state(): State {
    return this.current;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Applies an input locally right away; `seq` is the number it was sent with. */
  apply(seq: number, input: Input): State {
    if (seq <= this.acked) return this.current;
    this.pending.push({ seq, input });
    const max = this.options.maxPending ?? 256;
    if (this.pending.length > max) this.pending.splice(0, this.pending.length - max);
    this.current = this.options.step(this.current, input);
    return this.current;
  }

  /** The authority's state after applying inputs up to `ackedSeq` (-1: none yet). */
  reconcile(authoritative: State, ackedSeq: number): Reconciliation<State> {
    const before = this.current;
    if (ackedSeq > this.acked) this.acked = ackedSeq;
    this.pending = this.pending.filter((p) => p.seq > this.acked);
    let state = authoritative;
    for (const { input } of this.pending) state = this.options.step(state, input);
    this.current = state;
    return { before, after: state, replayed: this.pending.length };
  }
}

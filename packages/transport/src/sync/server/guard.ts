// What the authority allows one client to cost it: a budget of input packets and of new inputs per
// tick (token buckets refilled each tick), how long it may go without acknowledging a snapshot
// before it only gets a keyframe now and then, and when either abuse has lasted long enough to end
// the client (a violation, acted on by the glue). Pure bookkeeping: it never touches a socket and
// never throws on anything a client sends; every refusal is counted.

/** Why a client was cut off. */
export const PeerViolation = {
  /** No new snapshot acknowledged for `unackedCloseTicks` ticks. */
  Unacked: 'unacked',
  /** Over its input or packet budget on half the ticks of a `floodCloseTicks` window. */
  Flood: 'flood',
} as const;
export type PeerViolation = (typeof PeerViolation)[keyof typeof PeerViolation];

export interface GuardOptions {
  /** Ticks without a new ack before snapshots drop to a keyframe every `degradedEvery` ticks (default: tickRate, 1 s). */
  staleAckTicks?: number;
  /** While degraded, one full snapshot every this many ticks (default: tickRate / 4, four a second). */
  degradedEvery?: number;
  /** Ticks without a new ack before the client is cut off (default: 10 × tickRate; Infinity: never). */
  unackedCloseTicks?: number;
  /** New (distinct) inputs accepted per second on average (default 240). */
  inputsPerSecond?: number;
  /** Inputs accepted at once after a quiet spell (default 128: two full redundant packets). */
  inputBurst?: number;
  /** Client packets decoded per second on average (default 480); the rest are dropped undecoded. */
  packetsPerSecond?: number;
  /** Packets accepted at once (default 64). */
  packetBurst?: number;
  /**
   * A client over budget on half the ticks of any window this long is cut off (default: tickRate,
   * i.e. half of any second; Infinity: never). A burst after a stall costs a tick or two, not half.
   */
  floodCloseTicks?: number;
}

export interface GuardStats {
  /** Snapshots are down to occasional keyframes because the client stopped acknowledging. */
  degraded: boolean;
  /** Ticks since the client last acknowledged a new snapshot (0 before anything was sent). */
  unackedTicks: number;
  /** Ticks on which it was skipped while degraded. */
  degradedSkips: number;
  /** Inputs dropped for being over the input budget. */
  inputsOverBudget: number;
  /** Packets dropped undecoded for being over the packet budget. */
  packetsOverBudget: number;
  violation: PeerViolation | undefined;
}

class Bucket {
  private tokens: number;
  constructor(
    private readonly perTick: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  refill(): void {
    this.tokens = Math.min(this.burst, this.tokens + this.perTick);
  }
  take(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class PeerGuard {
  readonly staleAckTicks: number;
  readonly degradedEvery: number;
  private readonly unackedCloseTicks: number;
  private readonly floodCloseTicks: number;
  private readonly inputs: Bucket;
  private readonly packets: Bucket;
  /** The tick of the last ack progress, or of the first snapshot sent. */
  private progressTick: number | undefined;
  private tick = 0;
  /** Over-budget flags of the last `floodCloseTicks` ticks (a ring), and how many are set. */
  private readonly overRing: Uint8Array;
  private overCount = 0;
  private lastDegradedSend = -Infinity;
  private overThisTick = false;
  private readonly counters = { degradedSkips: 0, inputsOverBudget: 0, packetsOverBudget: 0 };
  violation: PeerViolation | undefined;

  constructor(tickRate: number, options: GuardOptions = {}) {
    this.staleAckTicks = options.staleAckTicks ?? Math.round(tickRate);
    this.degradedEvery = Math.max(1, options.degradedEvery ?? Math.round(tickRate / 4));
    this.unackedCloseTicks = options.unackedCloseTicks ?? Math.round(10 * tickRate);
    this.floodCloseTicks = options.floodCloseTicks ?? Math.round(tickRate);
    this.overRing = new Uint8Array(
      Number.isFinite(this.floodCloseTicks) ? Math.max(1, this.floodCloseTicks) : 1,
    );
    this.inputs = new Bucket((options.inputsPerSecond ?? 240) / tickRate, options.inputBurst ?? 128);
    this.packets = new Bucket((options.packetsPerSecond ?? 480) / tickRate, options.packetBurst ?? 64);
  }

  /** Called once per authority tick, before anything is sent: refills budgets, judges the last tick. */
  startTick(tick: number): void {
    this.tick = tick;
    this.inputs.refill();
    this.packets.refill();
    // The last tick goes into the window: a sustained (even bursty) flood fills half of it, a
    // legitimate burst after a stall does not.
    const slot = tick % this.overRing.length;
    this.overCount += (this.overThisTick ? 1 : 0) - this.overRing[slot]!;
    this.overRing[slot] = this.overThisTick ? 1 : 0;
    this.overThisTick = false;
    if (this.violation !== undefined) return;
    if (Number.isFinite(this.floodCloseTicks) && this.overCount >= this.floodCloseTicks / 2)
      this.violation = PeerViolation.Flood;
    else if (this.unackedTicks >= this.unackedCloseTicks) this.violation = PeerViolation.Unacked;
  }

  /** One client packet arrived: false when it is over budget (drop it undecoded). */
  admitPacket(): boolean {
    if (this.packets.take()) return true;
    this.counters.packetsOverBudget++;
    this.overThisTick = true;
    return false;
  }

  /** One new input arrived: false when it is over budget. */
  admitInput(): boolean {
    if (this.inputs.take()) return true;
    this.counters.inputsOverBudget++;
    this.overThisTick = true;
    return false;
  }

  sent(tick: number): void {
    this.progressTick ??= tick;
  }

  acked(tick: number): void {
    this.progressTick = Math.max(this.progressTick ?? tick, tick);
  }

  get unackedTicks(): number {
    return this.progressTick === undefined ? 0 : Math.max(0, this.tick - this.progressTick);
  }

  get degraded(): boolean {
    return this.unackedTicks > this.staleAckTicks;
  }

  /** Whether a degraded client gets this tick's snapshot (a keyframe) or is skipped (counted). */
  dueWhileDegraded(tick: number): boolean {
    if (tick - this.lastDegradedSend >= this.degradedEvery) {
      this.lastDegradedSend = tick;
      return true;
    }
    this.counters.degradedSkips++;
    return false;
  }

  stats(): GuardStats {
    return {
      degraded: this.degraded,
      unackedTicks: this.unackedTicks,
      ...this.counters,
      violation: this.violation,
    };
  }
}

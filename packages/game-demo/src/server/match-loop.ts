// One 30 Hz loop for every match a dedicated server runs: each tick steps the matches one after
// another (two 60 Hz simulation steps and the snapshots of each). One timer per process rather
// than one per match, so matches never pile their ticks onto the same moment by chance, and the
// process has one number that says whether it keeps up: the work of a whole tick and how late it
// started (and the CPU time it used, which a machine busy with others does not inflate). Each tick
// is scheduled on an absolute timeline; after a stall at most a few ticks catch up. A match that
// throws is counted and reported; it never stops the others.
import { Emitter } from '@tickwire/transport/emitter';
import { SNAPSHOT_HZ } from '../sim/index.js';

/** One tick of the loop, for metrics and benchmarks. */
export interface LoopTick {
  /** Time stepping every match took, ms. */
  workMs: number;
  /**
   * Process CPU time (every thread) spent meanwhile, ms: unlike workMs it does not grow when the
   * machine is busy with other processes and the loop waits for a core.
   */
  cpuMs: number;
  /** How long after its due time the tick started, ms. */
  lateMs: number;
  matches: number;
}

/** What the loop steps: an ArenaHost, or a match with extras moved in the same tick. */
export interface SteppedMatch {
  step(): void;
}

export interface MatchLoopEvents<M> {
  tick: (tick: LoopTick) => void;
  error: (error: unknown, match: M) => void;
}

export interface MatchLoopTotals {
  ticks: number;
  /** Ticks that started more than half a period after their due time. */
  lateTicks: number;
  /** Ticks dropped after a stall (beyond the catch-up allowance). */
  skippedTicks: number;
  failedSteps: number;
}

const MAX_CATCH_UP = 3;

export class MatchLoop<M extends SteppedMatch> {
  readonly periodMs = 1000 / SNAPSHOT_HZ;
  readonly totals: MatchLoopTotals = { ticks: 0, lateTicks: 0, skippedTicks: 0, failedSteps: 0 };
  /** The last tick's work, ms. */
  lastWorkMs = 0;
  private readonly events = new Emitter<MatchLoopEvents<M>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = 0;

  constructor(private readonly matches: () => Iterable<M>) {}

  on<K extends keyof MatchLoopEvents<M>>(event: K, handler: MatchLoopEvents<M>[K]): () => void {
    return this.events.on(event, handler);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.due = performance.now() + this.periodMs;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.due - performance.now()));
  }

  private fire(): void {
    let now = performance.now();
    for (let ran = 0; now >= this.due && ran < MAX_CATCH_UP; ran++) {
      this.tick(now);
      if (this.timer === undefined) return;
      this.due += this.periodMs;
      now = performance.now();
    }
    if (now >= this.due) {
      const skipped = Math.floor((now - this.due) / this.periodMs) + 1;
      this.totals.skippedTicks += skipped;
      this.due += skipped * this.periodMs;
    }
    this.schedule();
  }

  private tick(started: number): void {
    const cpu0 = process.cpuUsage();
    let matches = 0;
    for (const match of this.matches()) {
      matches++;
      try {
        match.step();
      } catch (error) {
        this.totals.failedSteps++;
        this.events.emit('error', error, match);
      }
    }
    const workMs = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const lateMs = started - this.due;
    this.lastWorkMs = workMs;
    this.totals.ticks++;
    if (lateMs > this.periodMs / 2) this.totals.lateTicks++;
    this.events.emit('tick', { workMs, cpuMs, lateMs, matches });
  }
}

// Where every ship was at each recent tick, for lag compensation: the authority asks "where was
// ship N at tick T" when testing a shot fired by a player whose view was T ticks old. A fixed ring
// of ticks, so memory stays bounded however long a match runs.

export interface PastPosition {
  x: number;
  y: number;
  alive: boolean;
}

export class PositionHistory {
  private readonly ticks: number[];
  private readonly frames: Map<number, PastPosition>[];

  constructor(private readonly capacity = 64) {
    this.ticks = new Array<number>(capacity).fill(-1);
    this.frames = Array.from({ length: capacity }, () => new Map());
  }

  /** Records the positions at `tick` (overwrites the slot of tick - capacity). */
  record(tick: number, ships: Iterable<{ id: number; x: number; y: number; alive: boolean }>): void {
    const slot = tick % this.capacity;
    const frame = this.frames[slot]!;
    frame.clear();
    for (const s of ships) frame.set(s.id, { x: s.x, y: s.y, alive: s.alive });
    this.ticks[slot] = tick;
  }

  /** Ship `id` at `tick`, or undefined when that tick is no longer (or not yet) held. */
  at(tick: number, id: number): PastPosition | undefined {
    if (tick < 0) return undefined;
    const slot = tick % this.capacity;
    if (this.ticks[slot] !== tick) return undefined;
    return this.frames[slot]!.get(id);
  }

  clear(): void {
    this.ticks.fill(-1);
  }
}

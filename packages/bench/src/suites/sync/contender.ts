// What the sync suite measures of each way to ship world state: the authority applies one tick
// of game changes to its own state representation and encodes what the client needs (`encode`,
// timed together, since game code pays for change tracking), then the client decodes and applies
// it (`decode`). Payloads are the application bytes only; transport framing is not counted.
import { applyOps } from './ops.js';
import type { EntitySpec, Op } from './scenario.js';

export interface Contender {
  readonly name: string;
  /** Applies `ops` (none for the first, full snapshot) and returns the packets for the client. */
  encode(ops: readonly Op[] | undefined): Uint8Array[];
  decode(payloads: readonly Uint8Array[]): void;
  /** Entities the client holds after the last decode, for the suite's sanity check. */
  clientCount(): number;
}

export type ContenderFactory = (initial: readonly EntitySpec[]) => Contender;

/** Plain game-state objects, shared by the contenders that serialize the whole state. */
export class PlainWorld {
  readonly entities = new Map<number, EntitySpec>();

  constructor(initial: readonly EntitySpec[]) {
    for (const e of initial) this.entities.set(e.id, { ...e });
  }

  apply(ops: readonly Op[]): void {
    applyOps(
      {
        get: (id) => this.entities.get(id),
        spawn: (e) => this.entities.set(e.id, { ...e }),
        despawn: (id) => this.entities.delete(id),
      },
      ops,
    );
  }
}

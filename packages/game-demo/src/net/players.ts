// The authority's seat list: who plays in this match, their seat number, whether they are ready,
// connected, a bot, and what each has sent that was refused. Seats are kept for a grace period
// after a disconnect so a player who comes back gets the same ship and score.
import type { SyncServerClient } from '@tickwire/transport';
import { MAX_PLAYERS } from '../sim/index.js';
import type { PathType, RosterEntry } from './messages.js';
import type { ArenaInput } from './schema.js';

/** Inputs, messages and packets a player sent that the authority ignored, by reason. */
export interface RefusedCounters {
  /** Inputs whose values the game rules refuse (out of range, not finite). */
  badInputs: number;
  /** Inputs beyond what one player may queue (a flood), thrown away unapplied. */
  floodedInputs: number;
  /** Reliable messages that do not parse, or arrive before the hello. */
  badMessages: number;
  /** Chat lines over the rate limit. */
  chatLimited: number;
}

export interface Seat {
  readonly slot: number;
  /** Stable identity: the lobby session id, or `bot:N`. */
  readonly key: string;
  name: string;
  ready: boolean;
  bot: boolean;
  client: SyncServerClient<ArenaInput> | undefined;
  /** When the player disconnected (ms, performance.now()), if it did. */
  leftAt: number | undefined;
  ping: number;
  path: PathType;
  corrections: number;
  /** Its input jitter buffer holds enough to play from (see ArenaHost.takeInputs). */
  primed: boolean;
  chatTimes: number[];
  readonly refused: RefusedCounters;
}

export class Seats {
  private readonly bySlot = new Map<number, Seat>();

  get size(): number {
    return this.bySlot.size;
  }

  all(): IterableIterator<Seat> {
    return this.bySlot.values();
  }

  byKey(key: string): Seat | undefined {
    for (const seat of this.bySlot.values()) if (seat.key === key) return seat;
    return undefined;
  }

  byClient(client: SyncServerClient<ArenaInput>): Seat | undefined {
    for (const seat of this.bySlot.values()) if (seat.client === client) return seat;
    return undefined;
  }

  get(slot: number): Seat | undefined {
    return this.bySlot.get(slot);
  }

  /** A new seat, or undefined when the match is full. */
  add(key: string, name: string, bot: boolean): Seat | undefined {
    if (this.bySlot.size >= MAX_PLAYERS) return undefined;
    let slot = 1;
    while (this.bySlot.has(slot)) slot++;
    const seat: Seat = {
      slot,
      key,
      name,
      ready: bot,
      bot,
      client: undefined,
      leftAt: undefined,
      ping: 0,
      path: 'unknown',
      corrections: 0,
      primed: false,
      chatTimes: [],
      refused: { badInputs: 0, floodedInputs: 0, badMessages: 0, chatLimited: 0 },
    };
    this.bySlot.set(slot, seat);
    return seat;
  }

  remove(slot: number): void {
    this.bySlot.delete(slot);
  }

  roster(): RosterEntry[] {
    return [...this.bySlot.values()].map((s) => ({
      slot: s.slot,
      key: s.key,
      name: s.name,
      ready: s.ready,
      connected: s.bot || s.leftAt === undefined,
      bot: s.bot,
      ping: Math.min(60_000, Math.round(s.ping)),
      path: s.path,
    }));
  }
}

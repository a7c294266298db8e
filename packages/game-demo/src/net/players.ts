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

/** What a player's applied inputs did on the authority (why its shots did or did not land). */
export interface PlayedCounters {
  /** Inputs applied to its ship. */
  inputs: number;
  /** Of those, inputs holding fire. */
  fireInputs: number;
  /** Shots those fired (the rest waited for the fire cooldown, or came while dead). */
  shots: number;
  /** Its shots that hit a ship. */
  hits: number;
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
  readonly played: PlayedCounters;
}

/** One seat as the authority sees it (ArenaHost.stats().seats): what a player's inputs came to. */
export interface SeatReport {
  slot: number;
  name: string;
  bot: boolean;
  connected: boolean;
  played: PlayedCounters;
  refused: RefusedCounters;
  /**
   * The sync layer's count of its inputs: distinct ones accepted, sequence numbers never received,
   * replayed or far-ahead packets refused, inputs and packets over the budget, queued now, and the
   * last sequence number applied. Undefined for a bot or while disconnected.
   */
  sync:
    | {
        received: number;
        missing: number;
        replayed: number;
        seqJumps: number;
        overBudget: number;
        overflow: number;
        packetsOverBudget: number;
        pending: number;
        lastProcessed: number;
      }
    | undefined;
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
      played: { inputs: 0, fireInputs: 0, shots: 0, hits: 0 },
    };
    this.bySlot.set(slot, seat);
    return seat;
  }

  remove(slot: number): void {
    this.bySlot.delete(slot);
  }

  reports(): SeatReport[] {
    return [...this.bySlot.values()].map((s) => {
      const sync = s.client?.stats();
      return {
        slot: s.slot,
        name: s.name,
        bot: s.bot,
        connected: s.bot || s.leftAt === undefined,
        played: { ...s.played },
        refused: { ...s.refused },
        sync:
          sync === undefined
            ? undefined
            : {
                received: sync.inputs.received,
                missing: sync.inputs.missing,
                replayed: sync.inputs.replayed,
                seqJumps: sync.inputs.seqJumps,
                overBudget: sync.inputs.overBudget,
                overflow: sync.inputs.overflow,
                packetsOverBudget: sync.guard.packetsOverBudget,
                pending: sync.inputs.pending,
                lastProcessed: sync.inputs.lastProcessed,
              },
      };
    });
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

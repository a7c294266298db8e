// What a player keeps of the match so that it can go on after a host migration: the last
// authoritative scoreboard (each seat's lobby identity, name, score, deaths, ready flag) and the
// round clock, read from the last snapshot and roster the old host sent. The player the lobby
// makes the new host seeds its ArenaHost with it, so the match carries on instead of restarting.
// Built only from values the sync decoder and parseHostEvent already checked; it must never be
// taken from another player's say-so (each new host uses what it saw itself).
import { Phase } from '../sim/index.js';
import type { RosterEntry } from './messages.js';
import type { ArenaView } from './view.js';

export interface CarriedSeat {
  /** Lobby session id, or `bot:N` for a bot that lived in the old host. */
  key: string;
  name: string;
  bot: boolean;
  ready: boolean;
  score: number;
  deaths: number;
}

export interface MatchRecord {
  /** The lobby room the match belongs to: a record is never carried into another room. */
  roomId: string;
  round: number;
  phase: Phase;
  secondsLeft: number;
  seats: CarriedSeat[];
}

const PHASES = new Set<string>(Object.values(Phase));

/** The record of `view` (the latest snapshot, not an interpolated one) with the seats `roster` names. */
export function recordMatch(roomId: string, view: ArenaView, roster: readonly RosterEntry[]): MatchRecord {
  const bySlot = new Map(roster.map((entry) => [entry.slot, entry]));
  const seats: CarriedSeat[] = [];
  for (const ship of view.ships) {
    const entry = bySlot.get(ship.player);
    // A ship whose seat the last roster did not name yet is not carried: it has no identity.
    if (entry === undefined) continue;
    seats.push({
      key: entry.key,
      name: entry.name,
      bot: entry.bot,
      ready: entry.ready,
      score: ship.score,
      deaths: ship.deaths,
    });
  }
  const m = view.match;
  return {
    roomId,
    round: m.round,
    phase: PHASES.has(m.phase) ? (m.phase as Phase) : Phase.Warmup,
    secondsLeft: m.secondsLeft,
    seats,
  };
}

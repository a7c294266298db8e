// The matching rules, as pure functions over tickets: a skill window that widens with waiting
// time, regions chosen by measured latency within a bound, parties kept whole. Given one anchor
// ticket (the longest waiting) it finds a full match or says why there is none yet.
import type { QueueWaitReason } from '../protocol/codes.js';
import type { TicketRecord } from './records.js';

export interface MatchParams {
  readonly ratingWindow: number;
  readonly ratingWidenPerSecond: number;
  readonly maxRatingWindow: number;
  readonly regionSlackMs: number;
  readonly maxRttMs: number;
  readonly regionWidenAfterMs: number;
  /** Region for matches of tickets that measured no region. */
  readonly defaultRegion: string;
}

/** A ticket that measured no region accepts any. */
export const ANY_REGION = '*';

export function ratingWindowOf(ticket: TicketRecord, now: number, p: MatchParams): number {
  const waitedSeconds = Math.max(0, now - ticket.enqueuedAt) / 1000;
  return Math.min(p.maxRatingWindow, p.ratingWindow + p.ratingWidenPerSecond * waitedSeconds);
}

/**
 * Regions this ticket accepts now, best first. At first only regions within `regionSlackMs` of
 * its best one (and under `maxRttMs`); after `regionWidenAfterMs` every region under `maxRttMs`.
 * A ticket whose best region is over the bound still accepts that best region.
 */
export function acceptableRegions(ticket: TicketRecord, now: number, p: MatchParams): string[] {
  if (ticket.regions.length === 0) return [ANY_REGION];
  const sorted = [...ticket.regions].sort((a, b) => a.rttMs - b.rttMs);
  const best = sorted[0]?.rttMs ?? 0;
  const widened = now - ticket.enqueuedAt >= p.regionWidenAfterMs;
  const bound = Math.max(best, widened ? p.maxRttMs : Math.min(p.maxRttMs, best + p.regionSlackMs));
  return sorted.filter((entry) => entry.rttMs <= bound).map((entry) => entry.region);
}

export function accepts(regions: readonly string[], region: string): boolean {
  return region === ANY_REGION || regions.includes(ANY_REGION) || regions.includes(region);
}

export function skillCompatible(a: TicketRecord, b: TicketRecord, now: number, p: MatchParams): boolean {
  return Math.abs(a.rating - b.rating) <= Math.max(ratingWindowOf(a, now, p), ratingWindowOf(b, now, p));
}

export type MatchAttempt =
  | { readonly found: true; readonly tickets: readonly TicketRecord[]; readonly region: string }
  | { readonly found: false; readonly reason: QueueWaitReason };

function playerCount(tickets: readonly TicketRecord[]): number {
  return tickets.reduce((sum, ticket) => sum + ticket.members.length, 0);
}

export function findMatch(
  anchor: TicketRecord,
  others: readonly TicketRecord[],
  now: number,
  p: MatchParams,
): MatchAttempt {
  const size = anchor.matchSize;
  if (anchor.members.length === size)
    return { found: true, tickets: [anchor], region: regionOf(acceptableRegions(anchor, now, p)[0], p) };
  const pool = others.filter((ticket) => ticket.id !== anchor.id && ticket.mode === anchor.mode);
  if (playerCount(pool) + anchor.members.length < size) return { found: false, reason: 'not_enough_players' };

  const anchorRegions = acceptableRegions(anchor, now, p);
  const accepted = new Map(pool.map((ticket) => [ticket.id, acceptableRegions(ticket, now, p)] as const));
  const candidateRegions = anchorRegions.includes(ANY_REGION)
    ? [...new Set([...pool.flatMap((ticket) => accepted.get(ticket.id) ?? []), ANY_REGION])]
    : anchorRegions;

  let sawRegion = false;
  let sawSkill = false;
  for (const region of candidateRegions) {
    const inRegion = pool.filter((ticket) => accepts(accepted.get(ticket.id) ?? [], region));
    if (inRegion.length === 0) continue;
    sawRegion = true;
    const inWindow = inRegion
      .filter((ticket) => skillCompatible(anchor, ticket, now, p))
      .sort(
        (a, b) =>
          Math.abs(a.rating - anchor.rating) - Math.abs(b.rating - anchor.rating) ||
          a.enqueuedAt - b.enqueuedAt,
      );
    if (inWindow.length === 0) continue;
    sawSkill = true;
    const chosen: TicketRecord[] = [anchor];
    let players = anchor.members.length;
    for (const ticket of inWindow) {
      if (players + ticket.members.length > size) continue;
      if (!chosen.every((other) => skillCompatible(other, ticket, now, p))) continue;
      chosen.push(ticket);
      players += ticket.members.length;
      if (players === size) return { found: true, tickets: chosen, region: regionOf(region, p) };
    }
  }
  if (!sawRegion) return { found: false, reason: 'region_latency' };
  if (!sawSkill) return { found: false, reason: 'skill_window' };
  return { found: false, reason: 'party_size' };
}

export function regionOf(region: string | undefined, p: MatchParams): string {
  return region === undefined || region === ANY_REGION ? p.defaultRegion : region;
}

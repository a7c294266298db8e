// One matchmaking tick's queue of one mode, indexed for the leader's loop: it makes exactly the
// choices `findMatch` (matcher.ts) would make over the tickets not used yet, but walks outward from
// the anchor's rating instead of filtering, mapping and sorting the whole queue for every anchor
// (with 10,000 players queued that was O(n² log n) per tick, seconds of the leader's CPU). It must
// never choose differently from `findMatch`: test/match-pool.test.ts compares the two on random
// queues. Pure and synchronous: no store access, no clock (the tick's `now` is fixed).
import type { MatchAttempt, MatchParams } from './matcher.js';
import { ANY_REGION, acceptableRegions, accepts, regionOf, skillCompatible } from './matcher.js';
import type { TicketRecord } from './records.js';

interface Entry {
  readonly ticket: TicketRecord;
  /** Place in the queue order the pool was built from (`findMatch`'s `others` order). */
  readonly index: number;
  /** `acceptableRegions` at the tick's `now`. */
  readonly accepted: readonly string[];
  taken: boolean;
}

/** Entries of one rating, in queue order (enqueuedAt, then index). */
interface Run {
  readonly rating: number;
  readonly entries: readonly Entry[];
  /** Entries before this one are all taken for good (see `skipTaken`). */
  cursor: number;
}

/** Entries accepting one region (by name, ANY_REGION included), in queue order. */
interface RegionList {
  readonly region: string;
  readonly entries: Entry[];
  /** Entries before this one are all taken for good (see `firstLive`). */
  cursor: number;
}

const byQueueOrder = (a: Entry, b: Entry) => a.ticket.enqueuedAt - b.ticket.enqueuedAt || a.index - b.index;

export class MatchPool {
  private readonly byId = new Map<string, Entry>();
  private readonly runs: Run[] = [];
  private readonly regionLists = new Map<string, RegionList>();
  /** Live (not taken) entries accepting ANY_REGION, and per region name. */
  private anyCount = 0;
  private readonly regionCounts = new Map<string, number>();
  private liveCount = 0;
  private livePlayers = 0;
  /** The anchor being searched for: out of the pool only until it finds nothing. */
  private anchorId: string | undefined;

  /** `tickets`: the queue of one mode in the order `findMatch` would be given them. */
  constructor(
    tickets: readonly TicketRecord[],
    private readonly now: number,
    private readonly p: MatchParams,
  ) {
    const entries = tickets.map((ticket, index): Entry => ({
      ticket,
      index,
      accepted: acceptableRegions(ticket, now, p),
      taken: false,
    }));
    for (const entry of entries) {
      this.byId.set(entry.ticket.id, entry);
      for (const region of entry.accepted) {
        let list = this.regionLists.get(region);
        if (!list) {
          list = { region, entries: [], cursor: 0 };
          this.regionLists.set(region, list);
        }
        list.entries.push(entry);
      }
      this.count(entry, 1);
    }
    const sorted = [...entries].sort((a, b) => a.ticket.rating - b.ticket.rating || byQueueOrder(a, b));
    for (let i = 0; i < sorted.length;) {
      const rating = sorted[i]!.ticket.rating;
      let j = i;
      while (j < sorted.length && sorted[j]!.ticket.rating === rating) j += 1;
      this.runs.push({ rating, entries: sorted.slice(i, j), cursor: 0 });
      i = j;
    }
  }

  private count(entry: Entry, delta: 1 | -1): void {
    this.liveCount += delta;
    this.livePlayers += delta * entry.ticket.members.length;
    for (const region of entry.accepted) {
      if (region === ANY_REGION) this.anyCount += delta;
      else this.regionCounts.set(region, (this.regionCounts.get(region) ?? 0) + delta);
    }
  }

  private take(entry: Entry): void {
    if (entry.taken) return;
    entry.taken = true;
    this.count(entry, -1);
  }

  private restore(entry: Entry): void {
    if (!entry.taken) return;
    entry.taken = false;
    this.count(entry, 1);
  }

  /** True while the ticket is in the pool (not matched in this tick). */
  has(ticketId: string): boolean {
    const entry = this.byId.get(ticketId);
    return entry !== undefined && !entry.taken;
  }

  /**
   * `findMatch(anchor, <the pool's other live tickets>, now, p)`. A found match takes its tickets
   * out of the pool for the rest of the tick; a ticket without a match stays a candidate.
   */
  find(anchor: TicketRecord): MatchAttempt {
    const entry = this.byId.get(anchor.id);
    // The anchor is no candidate for itself: out of the pool while it looks.
    const wasLive = entry !== undefined && !entry.taken;
    if (entry) this.take(entry);
    this.anchorId = anchor.id;
    try {
      const attempt = this.search(anchor, entry?.accepted ?? acceptableRegions(anchor, this.now, this.p));
      if (attempt.found) {
        for (const ticket of attempt.tickets) {
          const chosen = this.byId.get(ticket.id);
          if (chosen) this.take(chosen);
        }
      } else if (entry && wasLive) this.restore(entry);
      return attempt;
    } finally {
      this.anchorId = undefined;
    }
  }

  private search(anchor: TicketRecord, anchorRegions: readonly string[]): MatchAttempt {
    const { p } = this;
    const size = anchor.matchSize;
    if (anchor.members.length === size)
      return { found: true, tickets: [anchor], region: regionOf(anchorRegions[0], p) };
    if (this.livePlayers + anchor.members.length < size)
      return { found: false, reason: 'not_enough_players' };
    const candidateRegions = anchorRegions.includes(ANY_REGION) ? this.poolRegions() : anchorRegions;
    let sawRegion = false;
    let sawSkill = false;
    for (const region of candidateRegions) {
      if (!this.anyInRegion(region)) continue;
      sawRegion = true;
      const chosen: TicketRecord[] = [anchor];
      let players = anchor.members.length;
      for (const candidate of this.outward(anchor.rating)) {
        const ticket = candidate.ticket;
        if (!accepts(candidate.accepted, region) || !skillCompatible(anchor, ticket, this.now, p)) continue;
        sawSkill = true;
        if (players + ticket.members.length > size) continue;
        if (!chosen.every((other) => skillCompatible(other, ticket, this.now, p))) continue;
        chosen.push(ticket);
        players += ticket.members.length;
        if (players === size) return { found: true, tickets: chosen, region: regionOf(region, p) };
      }
    }
    if (!sawRegion) return { found: false, reason: 'region_latency' };
    if (!sawSkill) return { found: false, reason: 'skill_window' };
    return { found: false, reason: 'party_size' };
  }

  /** Some live ticket accepts `region` (findMatch's `inRegion` is not empty). */
  private anyInRegion(region: string): boolean {
    if (region === ANY_REGION) return this.liveCount > 0;
    return this.anyCount > 0 || (this.regionCounts.get(region) ?? 0) > 0;
  }

  /**
   * What `findMatch` tries for an anchor that accepts any region: every region a live ticket
   * accepts, in the order they first appear in the queue, then ANY_REGION.
   */
  private poolRegions(): string[] {
    const firsts: Array<{ region: string; entry: Entry }> = [];
    for (const list of this.regionLists.values()) {
      const entry = this.firstLive(list);
      if (entry) firsts.push({ region: list.region, entry });
    }
    firsts.sort(
      (a, b) =>
        a.entry.index - b.entry.index ||
        a.entry.accepted.indexOf(a.region) - b.entry.accepted.indexOf(b.region),
    );
    const regions = firsts.map((f) => f.region);
    if (!regions.includes(ANY_REGION)) regions.push(ANY_REGION);
    return regions;
  }

  private firstLive(list: RegionList): Entry | undefined {
    list.cursor = this.skipTaken(list.entries, list.cursor);
    for (let i = list.cursor; i < list.entries.length; i += 1) {
      if (!list.entries[i]!.taken) return list.entries[i];
    }
    return undefined;
  }

  /**
   * The first index from `cursor` on that is not taken for good. Tickets of a found match stay
   * taken for the tick, so a cursor moves past them once; the anchor is out only while it looks,
   * so it stops the cursor (and is skipped by the caller's own `taken` check).
   */
  private skipTaken(entries: readonly Entry[], cursor: number): number {
    let i = cursor;
    while (i < entries.length && entries[i]!.taken && entries[i]!.ticket.id !== this.anchorId) i += 1;
    return i;
  }

  /**
   * Live tickets in findMatch's order of preference: rating distance to `rating`, then queue
   * order, stopping beyond `maxRatingWindow` (no ticket there is skill-compatible).
   */
  private *outward(rating: number): Generator<Entry> {
    const { runs } = this;
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid]!.rating < rating) lo = mid + 1;
      else hi = mid;
    }
    let right = lo;
    let left = lo - 1;
    const bound = this.p.maxRatingWindow;
    while (left >= 0 || right < runs.length) {
      const dl = left >= 0 ? Math.abs(runs[left]!.rating - rating) : Infinity;
      const dr = right < runs.length ? Math.abs(runs[right]!.rating - rating) : Infinity;
      const d = Math.min(dl, dr);
      if (!(d <= bound)) return;
      // Every run at this distance (one each side at most, more only by rounding) merges in
      // queue order, as findMatch's stable sort by (distance, enqueuedAt) orders them.
      const tied: Run[] = [];
      while (left >= 0 && Math.abs(runs[left]!.rating - rating) === d) tied.push(runs[left--]!);
      while (right < runs.length && Math.abs(runs[right]!.rating - rating) === d) tied.push(runs[right++]!);
      for (const run of tied) run.cursor = this.skipTaken(run.entries, run.cursor);
      if (tied.length === 1) {
        const run = tied[0]!;
        for (let i = run.cursor; i < run.entries.length; i += 1) {
          const entry = run.entries[i]!;
          if (!entry.taken) yield entry;
        }
        continue;
      }
      const merged = tied.flatMap((run) => run.entries.slice(run.cursor)).sort(byQueueOrder);
      for (const entry of merged) if (!entry.taken) yield entry;
    }
  }
}

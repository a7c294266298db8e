// The matchmaking loop, run by the cluster leader every tick: takes waiting tickets (oldest
// first), forms matches with the rules in matcher.ts (found through match-pool.ts's index), claims
// the tickets atomically (a ticket that vanished, e.g. left the queue meanwhile, aborts that match)
// and tells waiting players why they still wait every `queueStatusMs`.
import type { LobbyContext } from '../server/context.js';
import { keys } from '../state/records.js';
import type { MatchParams } from './matcher.js';
import { acceptableRegions, ratingWindowOf } from './matcher.js';
import type { MatchService } from './match-service.js';
import type { QueueService } from './queue-service.js';
import type { TicketRecord } from './records.js';
import { MatchPool } from './match-pool.js';
import type { QueueWaitReason } from '../protocol/codes.js';

/** Matches claimed and proposed (or waiting tickets reported) at once within one tick. */
const TICK_CONCURRENCY = 64;

/**
 * Runs `work` over `items`, at most `limit` at a time; waits for all of them, then rethrows the
 * first failure (so none is left running or unobserved behind a rejected tick).
 */
async function eachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

export class Matchmaker {
  constructor(
    private readonly ctx: LobbyContext,
    private readonly queues: QueueService,
    private readonly matches: MatchService,
  ) {}

  private params(): MatchParams {
    const c = this.ctx.config;
    return {
      ratingWindow: c.ratingWindow,
      ratingWidenPerSecond: c.ratingWidenPerSecond,
      maxRatingWindow: c.maxRatingWindow,
      regionSlackMs: c.regionSlackMs,
      maxRttMs: c.maxRttMs,
      regionWidenAfterMs: c.regionWidenAfterMs,
      defaultRegion: c.region,
    };
  }

  /** Takes the tickets out of the queue; all or nothing. */
  private async claim(tickets: readonly TicketRecord[]): Promise<TicketRecord[] | undefined> {
    const claimed: TicketRecord[] = [];
    for (const ticket of tickets) {
      const current = await this.ctx.store.update<TicketRecord, TicketRecord | undefined>(
        keys.ticket(ticket.id),
        (value) => ({
          next: value ? null : undefined,
          result: value,
        }),
      );
      if (!current) {
        for (const back of claimed) await this.ctx.store.put(keys.ticket(back.id), back);
        return undefined;
      }
      claimed.push(current);
    }
    for (const ticket of claimed) await this.ctx.store.setRemove(keys.tickets, ticket.id);
    return claimed;
  }

  async tick(): Promise<void> {
    const now = this.ctx.now();
    const p = this.params();
    const waiting = (await this.queues.waiting()).sort((a, b) => a.enqueuedAt - b.enqueuedAt);
    // Every match of the tick is decided first, in memory, over one indexed pool per mode (the
    // same choices as findMatch over the tickets not used yet); then the claims and proposals,
    // which touch disjoint tickets and sessions, run side by side instead of one store round
    // trip after another.
    const byMode = new Map<string, TicketRecord[]>();
    for (const ticket of waiting) {
      const queue = byMode.get(ticket.mode);
      if (queue) queue.push(ticket);
      else byMode.set(ticket.mode, [ticket]);
    }
    const pools = new Map([...byMode].map(([mode, queue]) => [mode, new MatchPool(queue, now, p)] as const));
    const found: Array<{ tickets: readonly TicketRecord[]; mode: string; region: string }> = [];
    const unmatched: Array<{ ticket: TicketRecord; reason: QueueWaitReason }> = [];
    for (const anchor of waiting) {
      const pool = pools.get(anchor.mode);
      if (!pool?.has(anchor.id)) continue;
      const attempt = pool.find(anchor);
      if (attempt.found) found.push({ tickets: attempt.tickets, mode: anchor.mode, region: attempt.region });
      else unmatched.push({ ticket: anchor, reason: attempt.reason });
    }
    await eachConcurrently(found, TICK_CONCURRENCY, async (match) => {
      const claimed = await this.claim(match.tickets);
      if (claimed) await this.matches.propose(claimed, match.mode, match.region);
    });
    // A ticket that waited as an anchor but was matched by a later one is not told it waits.
    const stillWaiting = unmatched.filter(({ ticket }) => pools.get(ticket.mode)?.has(ticket.id));
    await eachConcurrently(stillWaiting, TICK_CONCURRENCY, ({ ticket, reason }) =>
      this.report(ticket, reason, now, p),
    );
  }

  private async report(
    ticket: TicketRecord,
    reason: TicketRecord['lastReason'] & string,
    now: number,
    p: MatchParams,
  ): Promise<void> {
    const due = ticket.statusAt === undefined || now - ticket.statusAt >= this.ctx.config.queueStatusMs;
    if (!due && ticket.lastReason === reason) return;
    await this.ctx.store.update<TicketRecord, void>(keys.ticket(ticket.id), (current) => ({
      next: current ? { ...current, lastReason: reason, statusAt: due ? now : current.statusAt } : undefined,
      result: undefined,
    }));
    if (!due) return;
    await this.ctx.hub.sendMany(
      ticket.members.map((m) => m.id),
      {
        t: 'queue.status',
        ticketId: ticket.id,
        mode: ticket.mode,
        waitedMs: now - ticket.enqueuedAt,
        ratingWindow: Math.round(ratingWindowOf(ticket, now, p)),
        regions: acceptableRegions(ticket, now, p),
        reason,
      },
    );
  }
}

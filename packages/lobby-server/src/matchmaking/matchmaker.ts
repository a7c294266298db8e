// The matchmaking loop, run by the cluster leader every tick: takes waiting tickets (oldest
// first), forms matches with the rules in matcher.ts, claims the tickets atomically (a ticket
// that vanished, e.g. left the queue meanwhile, aborts that match) and tells waiting players why
// they still wait every `queueStatusMs`.
import type { LobbyContext } from '../server/context.js';
import { keys } from '../state/records.js';
import type { MatchParams } from './matcher.js';
import { acceptableRegions, findMatch, ratingWindowOf } from './matcher.js';
import type { MatchService } from './match-service.js';
import type { QueueService } from './queue-service.js';
import type { TicketRecord } from './records.js';

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
    const used = new Set<string>();
    for (const anchor of waiting) {
      if (used.has(anchor.id)) continue;
      const others = waiting.filter((t) => !used.has(t.id) && t.id !== anchor.id && t.mode === anchor.mode);
      const attempt = findMatch(anchor, others, now, p);
      if (attempt.found) {
        const claimed = await this.claim(attempt.tickets);
        for (const ticket of attempt.tickets) used.add(ticket.id);
        if (claimed) await this.matches.propose(claimed, anchor.mode, attempt.region);
        continue;
      }
      await this.report(anchor, attempt.reason, now, p);
    }
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

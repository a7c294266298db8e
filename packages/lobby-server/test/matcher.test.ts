// The matching rules as pure functions: widening skill window, region choice by latency, parties
// kept whole, and the reason reported when no match is possible yet.
import { describe, expect, it } from 'vitest';
import { acceptableRegions, findMatch, ratingWindowOf } from '../src/index.js';
import type { MatchParams, TicketRecord } from '../src/index.js';

const p: MatchParams = {
  ratingWindow: 100,
  ratingWidenPerSecond: 50,
  maxRatingWindow: 500,
  regionSlackMs: 30,
  maxRttMs: 150,
  regionWidenAfterMs: 10_000,
  defaultRegion: 'home',
};

let next = 0;
function ticket(partial: Partial<TicketRecord> & { size?: number; rating?: number }): TicketRecord {
  next += 1;
  const size = partial.size ?? 1;
  const rating = partial.rating ?? 1500;
  return {
    id: `t${next}`,
    leaderId: `p${next}-0`,
    members: Array.from({ length: size }, (_, i) => ({ id: `p${next}-${i}`, name: 'x', rating })),
    mode: 'duel',
    matchSize: 2,
    rating,
    regions: [],
    enqueuedAt: 0,
    ...partial,
  };
}

describe('matcher', () => {
  it('widens the skill window with waiting time up to the maximum', () => {
    const t = ticket({ enqueuedAt: 0 });
    expect(ratingWindowOf(t, 0, p)).toBe(100);
    expect(ratingWindowOf(t, 4_000, p)).toBe(300);
    expect(ratingWindowOf(t, 60_000, p)).toBe(500);
  });

  it('matches close ratings at once and distant ones only after the window widened', () => {
    const a = ticket({ rating: 1000 });
    const near = ticket({ rating: 1080 });
    expect(findMatch(a, [near], 0, p)).toMatchObject({ found: true, region: 'home' });
    const far = ticket({ rating: 1300 });
    expect(findMatch(a, [far], 0, p)).toEqual({ found: false, reason: 'skill_window' });
    expect(findMatch(a, [far], 4_000, p).found).toBe(true);
  });

  it('prefers the lowest-latency common region within the slack, and widens regions later', () => {
    expect(
      acceptableRegions(
        ticket({
          regions: [
            { region: 'us', rttMs: 90 },
            { region: 'eu', rttMs: 20 },
            { region: 'as', rttMs: 45 },
          ],
        }),
        0,
        p,
      ),
    ).toEqual(['eu', 'as']);
    const eu = ticket({
      regions: [
        { region: 'eu', rttMs: 20 },
        { region: 'us', rttMs: 110 },
      ],
    });
    const us = ticket({
      regions: [
        { region: 'us', rttMs: 25 },
        { region: 'eu', rttMs: 100 },
      ],
    });
    expect(findMatch(eu, [us], 0, p)).toEqual({ found: false, reason: 'region_latency' });
    // After regionWidenAfterMs both accept any region under maxRttMs: the anchor's best wins.
    expect(findMatch(eu, [us], 10_000, p)).toMatchObject({ found: true, region: 'eu' });
    const both = ticket({
      regions: [
        { region: 'eu', rttMs: 30 },
        { region: 'us', rttMs: 35 },
      ],
    });
    expect(findMatch(us, [both], 0, p)).toMatchObject({ found: true, region: 'us' });
    // No measurement means any region; the match lands where the measured player is.
    expect(findMatch(ticket({}), [eu], 0, p)).toMatchObject({ found: true, region: 'eu' });
  });

  it('never splits a party and reports party_size when sizes do not add up', () => {
    const squad = (size: number, enqueuedAt = 0) => ticket({ size, matchSize: 4, mode: 'squad', enqueuedAt });
    const three = squad(3);
    const two = squad(2);
    const twoMore = squad(2);
    expect(findMatch(three, [two, twoMore], 0, p)).toEqual({ found: false, reason: 'party_size' });
    const one = squad(1);
    const result = findMatch(three, [two, one], 0, p);
    expect(result.found && result.tickets.map((t) => t.id)).toEqual([three.id, one.id]);
    const pair = findMatch(two, [twoMore], 0, p);
    expect(pair.found && pair.tickets.flatMap((t) => t.members).length).toBe(4);
  });

  it('says not_enough_players when the mode has too few players', () => {
    expect(findMatch(ticket({}), [], 0, p)).toEqual({ found: false, reason: 'not_enough_players' });
    expect(findMatch(ticket({}), [ticket({ mode: 'other' })], 0, p)).toEqual({
      found: false,
      reason: 'not_enough_players',
    });
  });
});

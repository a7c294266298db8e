// The leader's indexed matching (match-pool.ts) must choose exactly what findMatch would choose,
// anchor by anchor, over the tickets not yet used in the tick: the rule set lives in findMatch,
// the pool only finds the same answer faster. Random queues with tied ratings and enqueue times,
// parties, several modes and measured regions, at several moments (windows widening).
import { describe, expect, it } from 'vitest';
import { findMatch } from '../src/index.js';
import type { MatchAttempt, MatchParams, TicketRecord } from '../src/index.js';
import { MatchPool } from '../src/matchmaking/match-pool.js';

const p: MatchParams = {
  ratingWindow: 100,
  ratingWidenPerSecond: 50,
  maxRatingWindow: 500,
  regionSlackMs: 30,
  maxRttMs: 150,
  regionWidenAfterMs: 10_000,
  defaultRegion: 'home',
};

/** Deterministic PRNG (mulberry32), so a failure names its seed and replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomQueue(random: () => number, count: number): TicketRecord[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const modes = [
    { mode: 'duel', matchSize: 2 },
    { mode: 'squad', matchSize: 4 },
  ];
  return Array.from({ length: count }, (_, n) => {
    const { mode, matchSize } = pick(modes);
    const size = matchSize === 2 ? 1 : pick([1, 1, 2, 3]);
    // Few distinct ratings (ties, equal distances on both sides) or any rating.
    const rating = random() < 0.5 ? pick([1300, 1400, 1450, 1500, 1550, 1600, 1700]) : 1000 + random() * 1000;
    const regions =
      random() < 0.4
        ? []
        : ['eu', 'us', 'as']
            .filter(() => random() < 0.6)
            .map((region) => ({ region, rttMs: Math.round(random() * 200) }));
    return {
      id: `t${n}`,
      leaderId: `p${n}-0`,
      members: Array.from({ length: size }, (_, i) => ({ id: `p${n}-${i}`, name: 'x', rating })),
      mode,
      matchSize,
      rating,
      regions,
      enqueuedAt: pick([0, 0, 1_000, 2_000, Math.round(random() * 20_000)]),
    };
  });
}

type Outcome = { anchor: string; tickets?: string[]; region?: string; reason?: string };

const outcome = (anchor: TicketRecord, attempt: MatchAttempt): Outcome =>
  attempt.found
    ? { anchor: anchor.id, tickets: attempt.tickets.map((t) => t.id), region: attempt.region }
    : { anchor: anchor.id, reason: attempt.reason };

/** The matchmaker's tick as it was: findMatch over a filtered copy of the queue per anchor. */
function reference(waiting: readonly TicketRecord[], now: number): Outcome[] {
  const used = new Set<string>();
  const outcomes: Outcome[] = [];
  for (const anchor of waiting) {
    if (used.has(anchor.id)) continue;
    const others = waiting.filter((t) => !used.has(t.id) && t.id !== anchor.id && t.mode === anchor.mode);
    const attempt = findMatch(anchor, others, now, p);
    if (attempt.found) for (const t of attempt.tickets) used.add(t.id);
    outcomes.push(outcome(anchor, attempt));
  }
  return outcomes;
}

function pooled(waiting: readonly TicketRecord[], now: number): Outcome[] {
  const pools = new Map<string, MatchPool>();
  for (const mode of new Set(waiting.map((t) => t.mode))) {
    pools.set(
      mode,
      new MatchPool(
        waiting.filter((t) => t.mode === mode),
        now,
        p,
      ),
    );
  }
  const outcomes: Outcome[] = [];
  for (const anchor of waiting) {
    const pool = pools.get(anchor.mode)!;
    if (!pool.has(anchor.id)) continue;
    outcomes.push(outcome(anchor, pool.find(anchor)));
  }
  return outcomes;
}

describe('match pool', () => {
  it('makes the same matches as findMatch, anchor by anchor, on random queues', () => {
    let matches = 0;
    let waits = 0;
    for (let seed = 1; seed <= 400; seed += 1) {
      const random = rng(seed);
      const waiting = randomQueue(random, 2 + Math.floor(random() * 60)).sort(
        (a, b) => a.enqueuedAt - b.enqueuedAt,
      );
      for (const now of [0, 3_000, 30_000]) {
        const expected = reference(waiting, now);
        expect(pooled(waiting, now), `seed ${seed} at ${now} ms`).toEqual(expected);
        for (const o of expected) {
          if (o.tickets) matches += 1;
          else waits += 1;
        }
      }
    }
    // The random queues exercise both outcomes, not just one.
    expect(matches).toBeGreaterThan(1_000);
    expect(waits).toBeGreaterThan(1_000);
  });

  it('agrees on a large queue and reports every reason findMatch reports', () => {
    const reasons = new Set<string>();
    for (const seed of [7, 8, 9]) {
      const waiting = randomQueue(rng(seed), 600).sort((a, b) => a.enqueuedAt - b.enqueuedAt);
      const expected = reference(waiting, 1_000);
      expect(pooled(waiting, 1_000)).toEqual(expected);
      for (const o of expected) if (o.reason) reasons.add(o.reason);
    }
    expect([...reasons].sort()).toEqual(['party_size', 'region_latency', 'skill_window']);
  });
});

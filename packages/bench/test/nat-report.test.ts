// The NAT suites' rows (src/suites/nat/report.ts): with `firstIsCold` (the Chromium suite, whose
// first run of a pair starts right after its browsers launched) the first run's open time is a row
// of its own and the percentiles come from the other runs, while success and paths count them all.
import { describe, expect, it } from 'vitest';
import { rows } from '../src/suites/nat/report.js';
import type { Case } from '../src/suites/nat/report.js';
import type { PairRun } from '../src/suites/nat/run-pair.js';

const spec = {
  name: 'public~public',
  a: { site: 'pub', index: 0, kind: 'public' },
  b: { site: 'pubb', index: 0, kind: 'public' },
  expected: 'host',
} as const;
const c: Case = { name: 'public~public', spec, runs: 4 };

function run(openMs: number, ok = true): PairRun {
  return {
    ok,
    openMs,
    connectMs: openMs - 10,
    path: 'host',
    fellBack: false,
    triedTurn: false,
    outcomes: [] as never,
  };
}

const value = (out: ReturnType<typeof rows>, metric: string) => out.find((r) => r.metric === metric)?.value;

describe('NAT rows', () => {
  const runs = [run(2_200), run(60), run(80), run(70, false)];

  it('times every successful run by default', () => {
    const out = rows(c, runs);
    expect(value(out, 'open_p95_ms')).toBeGreaterThan(1_000);
    expect(value(out, 'cold_open_ms')).toBeUndefined();
  });

  it('with firstIsCold: the first run apart, percentiles over the others, success over all', () => {
    const out = rows(c, runs, { firstIsCold: true });
    expect(value(out, 'cold_open_ms')).toBe(2_200);
    expect(value(out, 'open_p95_ms')).toBeLessThanOrEqual(80);
    expect(value(out, 'open_p50_ms')).toBeGreaterThanOrEqual(60);
    expect(value(out, 'runs')).toBe(4);
    expect(value(out, 'success_rate')).toBe(0.75);
    expect(value(out, 'path_host')).toBe(3);
  });

  it('a single run is timed even when cold (nothing else to time)', () => {
    const out = rows(c, [run(500)], { firstIsCold: true });
    expect(value(out, 'open_p50_ms')).toBe(500);
    expect(value(out, 'cold_open_ms')).toBeUndefined();
  });
});

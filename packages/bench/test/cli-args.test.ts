import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli/args.js';
import { isBenchError } from '../src/errors.js';
import { SUITE_NAMES } from '../src/suites/names.js';

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (isBenchError(error, 'USAGE')) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCliArgs', () => {
  it('parses a suite with every option', () => {
    expect(
      parseCliArgs([
        'rtt',
        '--json',
        'out.json',
        '--quick',
        '--report',
        'docs/bench',
        '--markdown',
        'BENCHMARKS.md',
      ]),
    ).toEqual({
      suites: ['rtt'],
      target: 'rtt',
      json: 'out.json',
      report: 'docs/bench',
      markdown: 'BENCHMARKS.md',
      quick: true,
      help: false,
    });
  });

  it('accepts --json=FILE and options before the suite', () => {
    expect(parseCliArgs(['--json=x.json', 'loss'])).toMatchObject({
      suites: ['loss'],
      json: 'x.json',
      quick: false,
    });
  });

  it('expands all to every suite in registry order', () => {
    expect(parseCliArgs(['all', '--quick']).suites).toEqual([...SUITE_NAMES]);
  });

  it('returns help without requiring a suite', () => {
    expect(parseCliArgs(['-h']).help).toBe(true);
    expect(parseCliArgs(['--help', 'rtt']).help).toBe(true);
  });

  it('rejects unknown suites, options, missing values and extra positionals', () => {
    expect(usageError(['nope'])).toMatch(/unknown suite "nope"/);
    expect(usageError([])).toMatch(/missing suite/);
    expect(usageError(['rtt', 'loss'])).toMatch(/expected one suite/);
    expect(usageError(['rtt', '--fast'])).toMatch(/--fast/);
    expect(usageError(['rtt', '--json'])).toMatch(/--json/);
    expect(usageError(['rtt', '--markdown', 'B.md'])).toMatch(/--report/);
  });
});

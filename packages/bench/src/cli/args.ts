// Command-line parsing for `tickwire-bench <suite|all> [--json FILE] [--quick] [--report DIR]
// [--markdown FILE]`. Returns typed options or throws a USAGE BenchError; never exits the process
// itself, so it can be tested directly.
import { parseArgs } from 'node:util';
import { BenchError } from '../errors.js';
import { SUITE_NAMES, isSuiteName } from '../suites/names.js';
import type { SuiteName } from '../suites/names.js';

export interface CliOptions {
  suites: SuiteName[];
  /** Requested name as typed: a suite, or `all`. */
  target: string;
  json?: string;
  report?: string;
  markdown?: string;
  quick: boolean;
  help: boolean;
}

export const USAGE = `usage: tickwire-bench <suite|all> [--json FILE] [--quick] [--report DIR] [--markdown FILE]

suites: ${SUITE_NAMES.join(', ')}
  --json FILE       write { "suite", "results": [{ name, metric, value, unit }] } (for "all": an array of those)
  --quick           short run for CI (each suite about a minute or two)
  --report DIR      write DIR/<suite>.svg (charts), DIR/<suite>.json and an HTML report with inline SVG
                    (DIR/<suite>.html, or DIR/index.html for "all")
  --markdown FILE   update this suite's section of FILE (e.g. BENCHMARKS.md); charts link to --report DIR
  -h, --help        this text`;

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'string' },
        report: { type: 'string' },
        markdown: { type: 'string' },
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new BenchError('USAGE', (cause as Error).message, { cause });
  }
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  if (help) return { suites: [], target: '', quick: false, help: true };
  if (positionals.length !== 1) {
    throw new BenchError(
      'USAGE',
      positionals.length === 0 ? 'missing suite name' : `expected one suite, got ${positionals.join(' ')}`,
    );
  }
  const target = positionals[0] as string;
  let suites: SuiteName[];
  if (target === 'all') suites = [...SUITE_NAMES];
  else if (isSuiteName(target)) suites = [target];
  else throw new BenchError('USAGE', `unknown suite "${target}" (known: ${SUITE_NAMES.join(', ')}, all)`);
  if (values.markdown !== undefined && values.report === undefined) {
    throw new BenchError(
      'USAGE',
      '--markdown needs --report DIR (the markdown links to the chart files there)',
    );
  }
  return {
    suites,
    target,
    quick: values.quick ?? false,
    help: false,
    ...(values.json === undefined ? {} : { json: values.json }),
    ...(values.report === undefined ? {} : { report: values.report }),
    ...(values.markdown === undefined ? {} : { markdown: values.markdown }),
  };
}

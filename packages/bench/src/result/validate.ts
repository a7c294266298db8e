// Checks a parsed JSON value against the documented report shape, so a suite that emits NaN, a
// missing unit or a stray field type fails loudly in CI instead of corrupting BENCHMARKS.md.
import { BenchError } from '../errors.js';
import type { SuiteReport } from './types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists every way `value` deviates from `{ suite, results: [{ name, metric, value, unit }], notes? }`. */
export function reportProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['report is not an object'];
  const problems: string[] = [];
  if (typeof value.suite !== 'string' || value.suite === '')
    problems.push('suite must be a non-empty string');
  if (value.notes !== undefined) {
    if (!Array.isArray(value.notes) || value.notes.some((n) => typeof n !== 'string')) {
      problems.push('notes must be an array of strings');
    }
  }
  if (!Array.isArray(value.results)) return [...problems, 'results must be an array'];
  value.results.forEach((entry: unknown, i) => {
    if (!isRecord(entry)) {
      problems.push(`results[${i}] is not an object`);
      return;
    }
    for (const key of ['name', 'metric', 'unit'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '')
        problems.push(`results[${i}].${key} must be a non-empty string`);
    }
    if (typeof entry.value !== 'number' || !Number.isFinite(entry.value)) {
      problems.push(`results[${i}].value must be a finite number`);
    }
    const extra = Object.keys(entry).filter((k) => !['name', 'metric', 'value', 'unit'].includes(k));
    if (extra.length) problems.push(`results[${i}] has unexpected keys: ${extra.join(', ')}`);
  });
  return problems;
}

/** Returns `value` typed as a SuiteReport, or throws INVALID_REPORT naming every problem. */
export function assertSuiteReport(value: unknown): SuiteReport {
  const problems = reportProblems(value);
  if (problems.length) throw new BenchError('INVALID_REPORT', `invalid report: ${problems.join('; ')}`);
  return value as SuiteReport;
}

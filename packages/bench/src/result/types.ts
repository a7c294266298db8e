// The one result shape every suite produces and every consumer (JSON, table, charts, BENCHMARKS.md)
// reads. A result is one number: contender `name`, `metric`, `value`, `unit`. Anything that is not
// a single number (CDF curves, series) travels as a chart, never inside `results`.
import type { Chart } from '../report/chart-types.js';

export interface BenchResult {
  /** Contender or case, e.g. `tickwire-unreliable` or `ws@5%`. */
  name: string;
  /** What was measured, e.g. `rtt_p50`. */
  metric: string;
  value: number;
  /** Unit of `value`, e.g. `us`, `ms`, `msgs/s`, `ratio`, `bytes`. */
  unit: string;
}

/** The JSON written by `--json`: `{ suite, results }`, plus free-text notes (limits, why a peer could not run). */
export interface SuiteReport {
  suite: string;
  results: BenchResult[];
  notes?: string[];
}

/** What a suite runner returns: the results, and optionally charts and notes for the report. */
export interface SuiteOutput {
  results: BenchResult[];
  charts?: Chart[];
  notes?: string[];
}

export interface SuiteOptions {
  /** Short run for CI: each suite finishes within about a minute or two. */
  quick: boolean;
  /** Called with the completed fraction (0..1) as the run advances. */
  onProgress?: (fraction: number) => void;
  /** The run's report directory (`--report`), for suites that also save files (screenshots). */
  reportDir?: string;
}

/**
 * The common suite interface. Suites written by other packages' owners return the bare array;
 * the runner's own suites return a SuiteOutput with charts.
 */
export type SuiteRunner = (options: SuiteOptions) => Promise<BenchResult[] | SuiteOutput>;

/** Normalizes either return form of a SuiteRunner. */
export function toSuiteOutput(value: BenchResult[] | SuiteOutput): SuiteOutput {
  return Array.isArray(value) ? { results: value } : value;
}

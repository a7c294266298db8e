// @tickwire/bench as a library: the runner's pieces other packages (or scripts) may reuse — the
// statistics, the result types and validation, the suite registry and the report renderers.
export { BenchError, BenchErrorCode, isBenchError } from './errors.js';
export { cdfPoints, histogram, tailProbabilities } from './stats/distribution.js';
export type { CdfPoint, HistogramBin } from './stats/distribution.js';
export { mean, percentile, percentileSorted, sortAscending, stddev, summarize } from './stats/percentile.js';
export type { Summary } from './stats/percentile.js';
export { toSuiteOutput } from './result/types.js';
export type { BenchResult, SuiteOptions, SuiteOutput, SuiteReport, SuiteRunner } from './result/types.js';
export { assertSuiteReport, reportProblems } from './result/validate.js';
export { SUITE_NAMES, isSuiteName } from './suites/names.js';
export type { SuiteName } from './suites/names.js';
export { SUITES } from './suites/registry.js';
export type { SuiteEntry } from './suites/registry.js';
export { runSuite } from './runner.js';
export type { RunStatus, SuiteRun } from './runner.js';
export { parseCliArgs, USAGE } from './cli/args.js';
export type { CliOptions } from './cli/args.js';
export { formatMarkdownTable, formatTable, pivotResults } from './cli/table.js';
export { renderSvg } from './report/svg.js';
export type { BarChart, BarGroup, Chart, LineChart, LineSeries, Scale } from './report/chart-types.js';
export { renderHtml } from './report/html.js';
export { renderSection, upsertSection } from './report/markdown.js';
export { machineInfo } from './report/machine.js';
export type { MachineInfo } from './report/machine.js';

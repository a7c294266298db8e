// Runs one suite through the common interface and turns whatever happens — results, an
// unavailable module, a thrown error — into a SuiteRun the outputs can record. A failing suite
// never stops `all`: its run says why, and the CLI exit status reports it.
import { isBenchError } from './errors.js';
import { defaultCharts } from './report/default-charts.js';
import type { Chart } from './report/chart-types.js';
import { toSuiteOutput } from './result/types.js';
import type { SuiteReport } from './result/types.js';
import { reportProblems } from './result/validate.js';
import type { SuiteName } from './suites/names.js';
import { SUITES } from './suites/registry.js';

export type RunStatus = 'ok' | 'unavailable' | 'failed';

export interface SuiteRun {
  report: SuiteReport;
  charts: Chart[];
  status: RunStatus;
  seconds: number;
}

export async function runSuite(
  name: SuiteName,
  options: { quick: boolean; onProgress?: (fraction: number) => void; reportDir?: string },
): Promise<SuiteRun> {
  const started = performance.now();
  const seconds = (): number => Math.round((performance.now() - started) / 100) / 10;
  try {
    const runner = await SUITES[name].load();
    const output = toSuiteOutput(
      await runner({
        quick: options.quick,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.reportDir === undefined ? {} : { reportDir: options.reportDir }),
      }),
    );
    const report: SuiteReport = {
      suite: name,
      results: output.results,
      ...(output.notes?.length ? { notes: output.notes } : {}),
    };
    const problems = reportProblems(report);
    if (problems.length) {
      return {
        report: {
          suite: name,
          results: [],
          notes: [...(output.notes ?? []), `failed: invalid results: ${problems.join('; ')}`],
        },
        charts: [],
        status: 'failed',
        seconds: seconds(),
      };
    }
    const charts = output.charts?.length ? output.charts : defaultCharts(name, output.results);
    return { report, charts, status: 'ok', seconds: seconds() };
  } catch (error) {
    const unavailable = isBenchError(error, 'SUITE_UNAVAILABLE') || isBenchError(error, 'NETLAB_UNSUPPORTED');
    const message = error instanceof Error ? error.message : String(error);
    const note = unavailable ? `unavailable: ${message}` : `failed: ${message}`;
    if (!unavailable && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return {
      report: { suite: name, results: [], notes: [note] },
      charts: [],
      status: unavailable ? 'unavailable' : 'failed',
      seconds: seconds(),
    };
  }
}

#!/usr/bin/env node
// tickwire-bench: runs benchmark suites and writes their results (terminal table, JSON, HTML/SVG
// report, BENCHMARKS.md sections). Exit status: 0 when every requested suite ran or was
// unavailable (with the reason recorded), 1 when one failed, 2 on a usage error.
import { USAGE, parseCliArgs } from './cli/args.js';
import { createProgressBar } from './cli/progress.js';
import { formatTable } from './cli/table.js';
import { isBenchError } from './errors.js';
import { machineInfo } from './report/machine.js';
import { updateMarkdown, writeJson, writeReportDir } from './report/write.js';
import { runSuite } from './runner.js';
import type { SuiteRun } from './runner.js';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    if (!isBenchError(error, 'USAGE')) throw error;
    process.stderr.write(`tickwire-bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const machine = machineInfo();
  const command = `pnpm bench ${argv.join(' ')}`;
  process.stderr.write(
    `tickwire-bench: ${options.suites.join(', ')}${options.quick ? ' (quick)' : ''}, load ${machine.loadAvg1}\n`,
  );
  const runs: SuiteRun[] = [];
  for (const suite of options.suites) {
    const bar = createProgressBar(suite);
    const run = await runSuite(suite, {
      quick: options.quick,
      onProgress: (f) => bar.update(f),
      ...(options.report === undefined ? {} : { reportDir: options.report }),
    });
    bar.done();
    runs.push(run);
    process.stdout.write(`\n== ${suite} (${run.status}, ${run.seconds} s)\n`);
    if (run.report.results.length) process.stdout.write(`${formatTable(run.report.results)}\n`);
    for (const note of run.report.notes ?? []) process.stdout.write(`note: ${note}\n`);
  }
  if (options.json) await writeJson(options.json, runs, options.target === 'all');
  if (options.report) await writeReportDir(options.report, runs, machine, command);
  if (options.markdown && options.report)
    await updateMarkdown(options.markdown, options.report, runs, machine, command);
  return runs.some((r) => r.status === 'failed') ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Every suite closes what it opened; if a native handle still holds the loop, say which and
    // leave instead of hanging CI.
    const guard = setTimeout(() => {
      process.stderr.write(
        `tickwire-bench: still running 10 s after finishing; open: ${process.getActiveResourcesInfo().join(', ')}\n`,
      );
      process.exit(code === 0 ? 3 : code);
    }, 10_000);
    guard.unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `tickwire-bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

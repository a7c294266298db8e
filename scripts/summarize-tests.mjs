// Totals vitest's JSON reports over every workspace package and prints the closing line CI reads.
// A package that has tests but left no report (its build or test run crashed) counts as one failure.
// Arguments from scripts/test.sh: `--check=NAME=STATUS` for each repository-wide check (Prettier,
// import rules, type check), a non-zero status counting as one failure; `--turbo-status=N`, turbo's
// exit status, counted as one failure only when no test failure explains it (a lint or build error).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ['packages', 'tools']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const hasTests = existsSync(join(dir, 'test'));
    const report = join(dir, 'test-results.json');
    if (!existsSync(report)) {
      if (hasTests) {
        console.error(`[summary] ${dir}: no test report`);
        failed += 1;
      }
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const suiteFailures = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
    ).length;
    // A run that failed without any failed test (a suite that could not even load, a crash)
    // still counts as a failure.
    const unexplained = r.success === false && (r.numFailedTests ?? 0) + suiteFailures === 0 ? 1 : 0;
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + suiteFailures + unexplained;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.error(
      `[summary] ${dir}: ${r.numPassedTests} passed, ${r.numFailedTests + suiteFailures + unexplained} failed, ${r.numPendingTests} skipped`,
    );
  }
}
for (const arg of process.argv.slice(2)) {
  const check = /^--check=([\w-]+)=(\d+)$/.exec(arg);
  if (!check) continue;
  if (check[2] !== '0') {
    console.error(`[summary] check ${check[1]}: failed`);
    failed += 1;
  } else console.error(`[summary] check ${check[1]}: ok`);
}
const turbo = process.argv.slice(2).find((arg) => arg.startsWith('--turbo-status='));
if (turbo !== undefined && turbo !== '--turbo-status=0' && failed === 0) {
  console.error('[summary] build or lint failed (turbo exited with an error, no test failed)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed === 0 && passed > 0 ? 0 : 1);

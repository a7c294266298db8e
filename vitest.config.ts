// The one vitest configuration of the monorepo: a project per workspace package that has a test/
// folder (packages/* and tools/*), each running its test/**/*.test.ts against real peers, servers
// and browsers (hence long timeouts and forked workers: native handles do not share threads well).
//
// `vitest run` at the root runs every project. A package's `test` script (what turbo runs, with
// the package as working directory) runs `vitest run --config ../../vitest.config.ts`: then only
// that package's project runs, and its JSON report lands in <package>/test-results.json, which
// scripts/summarize-tests.mjs totals. A new test file or a new package with a test/ folder is
// picked up without touching this file; per-package differences go in `overrides`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Settings every project shares. */
const shared: TestProjectInlineConfiguration['test'] = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 30_000,
  pool: 'forks',
};

/** Per-package settings on top of `shared`, keyed by folder (e.g. 'packages/game-demo'). */
const overrides: Record<string, TestProjectInlineConfiguration['test']> = {
  // One file at a time: the browser tests run two Chromium contexts each and the probes measure
  // timing; side by side on a small CI machine they would measure each other.
  'packages/game-demo': { fileParallelism: false },
  // Each file runs `npm install` once into a temporary project: slow (registry, native packages),
  // so files run one after another with generous timeouts, and the tarballs are packed once.
  'tools/pack-test': {
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
};

const packageDirs = ['packages', 'tools'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group))
        .map((name) => `${group}/${name}`)
        .filter((dir) => existsSync(join(root, dir, 'package.json')) && existsSync(join(root, dir, 'test')))
    : [],
);

function project(dir: string): TestProjectInlineConfiguration {
  const { name } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string };
  return { test: { ...shared, ...overrides[dir], name, root: join(root, dir) } };
}

// Inside a package only its own project runs (turbo caches and reports per package).
const here = relative(root, process.cwd()).split('\\').join('/');
const selected = packageDirs.includes(here) ? [here] : packageDirs;

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: join(process.cwd(), 'test-results.json') },
    projects: selected.map(project),
  },
});

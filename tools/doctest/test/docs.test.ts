// The docs are code: every ts block of every README.md and of docs/**/*.md compiles against the
// built workspace packages, and blocks marked `<!-- doc-test: run -->` run in a fresh Node process
// that must exit 0 by itself (no leaked peer, socket or timer) within the timeout.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockMode, collectDocBlocks, DocTestWorkspace, formatProblems, toModule } from '../src/index.js';
import type { Problem } from '../src/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const RUN_TIMEOUT_MS = 30_000;

const blocks = collectDocBlocks(repoRoot);
const tested = blocks.filter((b) => b.mode !== BlockMode.skip).map(toModule);
let workspace: DocTestWorkspace;
let problems: Map<string, Problem[]>;

beforeAll(() => {
  workspace = new DocTestWorkspace(repoRoot, packageDir);
  problems = workspace.check(tested);
}, 120_000);
afterAll(() => workspace?.dispose());

it('finds the docs and their blocks', () => {
  const files = new Set(blocks.map((b) => b.file));
  expect(files).toContain('README.md');
  expect(files).toContain('packages/transport/README.md');
  expect(files).toContain('docs/guide/state-sync.md');
  expect(files).toContain('docs/guide/getting-started.md');
  expect(tested.filter((m) => m.block.mode === BlockMode.run).length).toBeGreaterThanOrEqual(2);
});

it('skips only with a reason', () => {
  for (const block of blocks.filter((b) => b.mode === BlockMode.skip))
    expect(block.reason, `${block.file}:${block.line}`).toMatch(/\S/);
});

const byFile = new Map<string, typeof tested>();
for (const module of tested)
  byFile.set(module.block.file, [...(byFile.get(module.block.file) ?? []), module]);

for (const [file, modules] of byFile) {
  describe(file, () => {
    for (const module of modules) {
      it(`block at line ${module.block.line} compiles`, () => {
        const found = problems.get(module.name) ?? [];
        expect(found, formatProblems(found)).toEqual([]);
      });
      if (module.block.mode === BlockMode.run) {
        it(
          `block at line ${module.block.line} runs and exits by itself`,
          async () => {
            expect(formatProblems(problems.get(module.name) ?? [])).toBe('');
            const result = await workspace.run(module, RUN_TIMEOUT_MS, modules);
            const why = `${module.block.file}:${module.block.line}\n${result.output}`;
            expect(result.timedOut, `did not exit within ${RUN_TIMEOUT_MS} ms: ${why}`).toBe(false);
            expect(result.code, why).toBe(0);
          },
          RUN_TIMEOUT_MS + 10_000,
        );
      }
    }
  });
}

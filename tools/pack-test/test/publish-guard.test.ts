// Plain `npm publish` would ship the lobby's `workspace:^` dependency as it is; its prepublishOnly
// guard refuses npm and lets pnpm (which rewrites the range) through.
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { explain, run } from './support/run.js';

const root = resolve(import.meta.dirname, '../../..');
const guard = join(root, 'scripts/publish-guard.mjs');

// Run with this process's environment: under `pnpm turbo` it carries pnpm's user agent, which
// npm adopts as its own (the guard's first version was fooled by exactly that).
it('npm publish of the lobby stops at the guard, before packing anything', async () => {
  const result = await run('npm', ['publish', '--dry-run'], {
    cwd: join(root, 'packages/lobby-server'),
    timeoutMs: 60_000,
  });
  expect(result.code, explain(result)).not.toBe(0);
  expect(result.stderr).toContain('Publish with `pnpm release`');
});

it('the guard lets pnpm through', async () => {
  const env = { ...process.env, npm_execpath: '/usr/lib/node_modules/pnpm/bin/pnpm.cjs' };
  const result = await run(process.execPath, [guard], { cwd: root, timeoutMs: 30_000, env });
  expect(result.code, explain(result)).toBe(0);
});

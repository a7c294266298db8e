// `npm create tickwire` end to end, from the packed tarballs: npm runs the create-tickwire bin
// from its tarball (as `npm create` does from the registry), the scaffolded game's tickwire
// dependencies are pointed at the local tarballs, then one `npm install`, the game's own
// `npm test` (type check + lobby, authority and Node clients) and `npm run build` (the Vite +
// Pixi client bundles for the browser) must pass there.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { explain, run } from './support/run.js';

const packed = inject('packed');
const workdir = join(packed.root, 'starter');
const game = join(workdir, 'my-game');

function tarballOf(name: string): string {
  const found = packed.packages.find((p) => p.name === name);
  if (!found) throw new Error(`${name} was not packed`);
  return found.tarball;
}

// The installed project is large: removed as soon as this file is done (the global teardown
// removes whatever else the run left).
afterAll(() => rm(workdir, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(workdir, { recursive: true });
  const created = await run(
    'npm',
    [
      'exec',
      '--yes',
      '--prefer-offline',
      `--package=${tarballOf('create-tickwire')}`,
      '--',
      'create-tickwire',
      'my-game',
    ],
    { cwd: workdir, timeoutMs: 120_000 },
  );
  expect(created.code, explain(created)).toBe(0);
  expect(created.stdout).toContain('npm run dev');

  // The published starter asks for `^<version>` from the registry; here: the tarballs just packed.
  const manifestPath = join(game, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies)) {
    if (dep.startsWith('@tickwire/')) manifest.dependencies[dep] = `file:${tarballOf(dep)}`;
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

  const installed = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      cwd: game,
      timeoutMs: 280_000,
    },
  );
  expect(installed.code, explain(installed)).toBe(0);
});

it('scaffolds the game with its own name and a .gitignore', () => {
  const manifest = JSON.parse(readFileSync(join(game, 'package.json'), 'utf8')) as { name: string };
  expect(manifest.name).toBe('my-game');
  expect(existsSync(join(game, '.gitignore'))).toBe(true);
});

it("the game's own npm test passes: type check, then a Node client plays through the lobby", async () => {
  const result = await run('npm', ['test'], {
    cwd: game,
    timeoutMs: 240_000,
    env: { ...process.env, CI: 'true' },
  });
  expect(result.code, explain(result)).toBe(0);
  expect(result.leftovers).toBe(false);
  expect(result.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+2 passed/);
}, 250_000);

it('the Vite + Pixi client builds for the browser without any Node module', async () => {
  const result = await run('npm', ['run', 'build'], { cwd: game, timeoutMs: 240_000 });
  expect(result.code, explain(result)).toBe(0);
  expect(result.leftovers).toBe(false);
  const assets = readdirSync(join(game, 'dist/assets')).filter((file) => file.endsWith('.js'));
  expect(assets.length).toBeGreaterThan(0);
  const bundle = assets.map((file) => readFileSync(join(game, 'dist/assets', file), 'utf8')).join('\n');
  expect(bundle).toContain('RTCPeerConnection');
  expect(bundle).not.toContain('node-datachannel');
}, 250_000);

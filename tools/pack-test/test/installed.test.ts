// The packed tarballs installed with plain npm into a temporary project outside the monorepo (no
// pnpm, no workspace links), then used there: two peers exchange messages, the lobby starts from
// the installed bin and seats a player who connects to the room's host through it, and a
// TypeScript file type-checks against the shipped declarations.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { explain, run } from './support/run.js';

const packed = inject('packed');
const project = join(packed.root, 'consumer');
const fixtures = join(import.meta.dirname, 'fixtures');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function tarballOf(name: string): string {
  const found = packed.packages.find((p) => p.name === name);
  if (!found) throw new Error(`${name} was not packed`);
  return found.tarball;
}

// The installed project is large: removed as soon as this file is done (the global teardown
// removes whatever else the run left).
afterAll(() => rm(project, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'tickwire-consumer', private: true, type: 'module' }, null, 2),
  );
  for (const file of ['peers.mjs', 'lobby.mjs', 'consumer.ts']) {
    copyFileSync(join(fixtures, file), join(project, file));
  }
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: ['node'],
        strict: true,
        noEmit: true,
        // ioredis's own declarations import an untyped module; the lobby's types reference
        // ioredis, so a consumer with skipLibCheck off sees that error (not ours; most set it on).
        skipLibCheck: true,
      },
      files: ['consumer.ts'],
    }),
  );
  // One install: the tarballs plus @types/node for the type check; third-party dependencies
  // (msgpackr, node-datachannel, ws, …) come from the registry or npm's cache.
  const result = await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      tarballOf('@tickwire/transport'),
      tarballOf('@tickwire/lobby-server'),
      '@types/node@^20.19.0',
    ],
    { cwd: project, timeoutMs: 280_000 },
  );
  expect(result.code, explain(result)).toBe(0);
});

it('two installed peers connect over createSignalerPair and exchange messages, then the process exits', async () => {
  const result = await run(process.execPath, ['peers.mjs'], { cwd: project, timeoutMs: 45_000 });
  expect(result.code, explain(result)).toBe(0);
  expect(result.leftovers).toBe(false);
  expect(JSON.parse(result.stdout.trim())).toEqual({
    platform: 'node',
    request: { channel: 'reliable', data: { hello: 'authority' } },
    reply: { channel: 'reliable', data: { welcome: 'client', echo: 'authority' } },
  });
});

it('the installed lobby bin seats a player, who connects to the host through it', async () => {
  const result = await run(process.execPath, ['lobby.mjs'], { cwd: project, timeoutMs: 60_000 });
  expect(result.code, explain(result)).toBe(0);
  expect(result.leftovers).toBe(false);
  const report = JSON.parse(result.stdout.trim()) as Record<string, unknown>;
  expect(report).toMatchObject({
    lobby: 'listening',
    members: ['host', 'player'],
    joinedPlayer: true,
    tokenArrived: true,
  });
  expect(report.listed).toEqual([report.roomCode]);
});

it('type-checks a TypeScript consumer against the shipped declarations', async () => {
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
    cwd: project,
    timeoutMs: 120_000,
  });
  expect(result.code, explain(result)).toBe(0);
});

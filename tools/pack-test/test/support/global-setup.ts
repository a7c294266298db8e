// Packs every public workspace package once per test run, exactly as it would be published
// (`pnpm pack` rewrites `workspace:` ranges into versions), into a temporary folder the test files
// share. The packages must be built first (turbo's `test` task depends on their `build`).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { explain, run } from './run.js';

export interface PackedPackage {
  name: string;
  version: string;
  dir: string;
  tarball: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    packed: { root: string; packages: PackedPackage[] };
  }
}

const workspaceRoot = resolve(import.meta.dirname, '../../../..');

function publicPackages(): { name: string; version: string; dir: string }[] {
  const packagesDir = join(workspaceRoot, 'packages');
  const found = [];
  for (const entry of readdirSync(packagesDir)) {
    const manifestPath = join(packagesDir, entry, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    if (manifest.private === true) continue;
    found.push({ name: manifest.name, version: manifest.version, dir: join(packagesDir, entry) });
  }
  return found;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'tickwire-pack-'));
  const tarballs = join(root, 'tarballs');
  const packages: PackedPackage[] = [];
  for (const pkg of publicPackages()) {
    if (!existsSync(join(pkg.dir, 'dist'))) {
      throw new Error(`${pkg.name} is not built (no dist/): run \`pnpm turbo run build\` first`);
    }
    const result = await run('pnpm', ['pack', '--pack-destination', tarballs, '--json'], {
      cwd: pkg.dir,
      timeoutMs: 120_000,
    });
    if (result.code !== 0) throw new Error(`pnpm pack failed for ${pkg.name}\n${explain(result)}`);
    const { filename } = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { filename: string };
    packages.push({ ...pkg, tarball: filename });
  }
  project.provide('packed', { root, packages });
  // Asynchronous: a synchronous delete of two node_modules trees blocks vitest's main process
  // long enough for it to report its workers as not terminating.
  return () => rm(root, { recursive: true, force: true });
}

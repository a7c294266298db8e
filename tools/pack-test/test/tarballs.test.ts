// What is inside each packed tarball, checked file by file: a manifest npm can install (no
// `workspace:` ranges), the MIT LICENSE, source maps whose sources ship too, runnable bins.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { explain, run } from './support/run.js';

const packed = inject('packed');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

it('packs the public packages, the starter included', () => {
  expect(packed.packages.map((p) => p.name).sort()).toEqual(
    expect.arrayContaining(['@tickwire/lobby-server', '@tickwire/transport', 'create-tickwire']),
  );
});

describe.each(packed.packages)('$name tarball', (pkg) => {
  const dir = join(packed.root, 'extracted', pkg.name.replace('/', '+'));
  const root = join(dir, 'package');
  let manifest: Record<string, unknown>;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const result = await run('tar', ['-xzf', pkg.tarball, '-C', dir], { cwd: dir, timeoutMs: 60_000 });
    expect(result.code, explain(result)).toBe(0);
    manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  });

  it('has no workspace: ranges and versions its tickwire dependencies like itself', () => {
    const text = readFileSync(join(root, 'package.json'), 'utf8');
    expect(text).not.toContain('workspace:');
    const deps = { ...(manifest.dependencies as Record<string, string> | undefined) };
    for (const [name, range] of Object.entries(deps)) {
      if (name.startsWith('@tickwire/')) expect(range).toBe(`^${pkg.version}`);
    }
  });

  it('ships the MIT LICENSE', () => {
    expect(manifest.license).toBe('MIT');
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License/);
    expect(license).toContain('tickwire contributors');
  });

  it('ships the sources its source maps point at', () => {
    const files = filesUnder(root);
    const maps = files.filter((f) => f.endsWith('.map'));
    const missing: string[] = [];
    for (const map of maps) {
      const parsed = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of parsed.sources) {
        const target = resolve(dirname(map), parsed.sourceRoot ?? '', source);
        if (!existsSync(target) || !target.startsWith(root))
          missing.push(`${relative(root, map)} → ${source}`);
      }
    }
    // Every sourceMappingURL comment names a map that is in the tarball.
    for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
      const match = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, 'utf8'));
      if (match && !existsSync(resolve(dirname(file), match[1]!)))
        missing.push(`${relative(root, file)} → ${match[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('has runnable bins', () => {
    const bin = (manifest.bin ?? {}) as Record<string, string>;
    for (const path of Object.values(bin)) {
      expect(readFileSync(join(root, path), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    }
  });
});

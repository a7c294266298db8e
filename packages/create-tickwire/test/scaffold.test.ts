// Scaffolding without installing anything: the files the starter gets, its package name and
// tickwire versions, refusing to write into a folder that holds files, and the bin's exit codes.
// (Installing and running the scaffolded game is tools/pack-test's starter test.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScaffoldError, ownVersion, packageNameFrom, scaffold } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'create-tickwire-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cli = join(import.meta.dirname, '../dist/cli.js');

describe('scaffold', () => {
  it('writes the starter with its own name, matching tickwire versions and a real .gitignore', () => {
    const result = scaffold({ targetDir: join(root, 'My Game') });
    expect(result.name).toBe('my-game');
    expect(result.files).toEqual(
      expect.arrayContaining([
        '.gitignore',
        'README.md',
        'index.html',
        'package.json',
        'server/authority.ts',
        'server/main.ts',
        'shared/game.ts',
        'src/join.ts',
        'src/main.ts',
        'test/game.test.ts',
        'tsconfig.json',
      ]),
    );
    expect(result.files).not.toContain('_gitignore');
    const manifest = JSON.parse(readFileSync(join(result.dir, 'package.json'), 'utf8')) as {
      name: string;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.name).toBe('my-game');
    expect(manifest.dependencies['@tickwire/transport']).toBe(`^${ownVersion()}`);
    expect(manifest.dependencies['@tickwire/lobby-server']).toBe(`^${ownVersion()}`);
    expect(Object.keys(manifest.scripts)).toEqual(expect.arrayContaining(['dev', 'start', 'test', 'build']));
  });

  it('uses the tickwire range it is given (tests point it at local tarballs)', () => {
    const result = scaffold({ targetDir: join(root, 'ranged'), tickwireRange: '0.0.0-local' });
    const manifest = JSON.parse(readFileSync(join(result.dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['@tickwire/transport']).toBe('0.0.0-local');
  });

  it('fills an empty folder but never one that holds files', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(scaffold({ targetDir: empty }).files.length).toBeGreaterThan(5);

    const taken = join(root, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    expect(() => scaffold({ targetDir: taken })).toThrow(
      expect.objectContaining({ name: 'ScaffoldError', code: 'NOT_EMPTY' }),
    );
    expect(readFileSync(join(taken, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses names npm would refuse', () => {
    expect(packageNameFrom('  Space Race 2!  ')).toBe('space-race-2');
    expect(packageNameFrom('...')).toBeUndefined();
    expect(() => scaffold({ targetDir: join(root, '...') })).toThrow(ScaffoldError);
    expect(() => scaffold({ targetDir: join(root, 'ok'), name: 'Not Valid' })).toThrow(
      expect.objectContaining({ code: 'BAD_NAME' }),
    );
  });
});

describe('create-tickwire bin', () => {
  const runCli = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });

  it('scaffolds into the folder it is given and says what to run next', () => {
    const result = runCli('from-cli');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cd from-cli');
    expect(result.stdout).toContain('npm run dev');
    expect(readFileSync(join(root, 'from-cli/package.json'), 'utf8')).toContain('"name": "from-cli"');
  });

  it('exits 1 with a message for a folder that holds files, 2 for bad arguments', () => {
    const taken = runCli('from-cli');
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('not empty');
    const bad = runCli('one', 'two');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Usage');
  });
});

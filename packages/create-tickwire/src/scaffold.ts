// Copies the starter template into a new folder and makes it that project's own: its package
// name, tickwire versions matching this package (they are released together), a real .gitignore.
// It must never write into a folder that already holds files, and never touches anything outside
// the target folder.
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ScaffoldErrorCode = {
  /** The target exists and is not an empty directory. */
  NOT_EMPTY: 'NOT_EMPTY',
  /** No npm package name can be made from the target's folder name. */
  BAD_NAME: 'BAD_NAME',
} as const;
export type ScaffoldErrorCode = (typeof ScaffoldErrorCode)[keyof typeof ScaffoldErrorCode];

export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
  constructor(
    readonly code: ScaffoldErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ScaffoldOptions {
  /** Folder to create (or an empty one to fill). */
  targetDir: string;
  /** package.json name; default: made from the folder's name. */
  name?: string;
  /** Range for the @tickwire/* dependencies; default `^` + this package's version. */
  tickwireRange?: string;
}

export interface ScaffoldResult {
  dir: string;
  name: string;
  files: string[];
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const templateDir = join(packageRoot, 'template');

/** This package's version: the tickwire packages are versioned together (changesets `fixed`). */
export function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** npm's rules for a package name, applied to a folder name: lower case, url-safe, ≤ 214 chars. */
export function packageNameFrom(folder: string): string | undefined {
  const name = folder
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/-+$/, '');
  return name.length > 0 && name.length <= 214 ? name : undefined;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  const dir = resolve(options.targetDir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new ScaffoldError(ScaffoldErrorCode.NOT_EMPTY, `${dir} already exists and is not empty`);
  }
  const name = options.name ?? packageNameFrom(basename(dir));
  if (name === undefined || packageNameFrom(name) !== name) {
    throw new ScaffoldError(
      ScaffoldErrorCode.BAD_NAME,
      `cannot make an npm package name from "${options.name ?? basename(dir)}"`,
    );
  }
  cpSync(templateDir, dir, { recursive: true });
  // npm never packs a file called .gitignore, so the template carries it as _gitignore.
  renameSync(join(dir, '_gitignore'), join(dir, '.gitignore'));

  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    name: string;
    dependencies: Record<string, string>;
  };
  manifest.name = name;
  const range = options.tickwireRange ?? `^${ownVersion()}`;
  for (const dep of Object.keys(manifest.dependencies)) {
    if (dep.startsWith('@tickwire/')) manifest.dependencies[dep] = range;
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, name, files: listFiles(dir).sort() };
}

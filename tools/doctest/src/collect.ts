// Finds the markdown the harness covers: every README.md in the repository and everything under
// docs/ (except generated output), skipping dependencies and build output. Read-only.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseMarkdown, type DocBlock } from './markdown.js';

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.turbo', '.blocks', 'bench-results']);
/** Generated, not written by hand (TypeDoc output). */
const GENERATED = ['docs/api'];

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    const rel = relative(root, path).split(sep).join('/');
    if (entry.isDirectory()) {
      if (SKIP_DIRS.has(entry.name) || GENERATED.includes(rel)) continue;
      walk(path, root, out);
    } else if (
      entry.isFile() &&
      (entry.name === 'README.md' || (rel.startsWith('docs/') && rel.endsWith('.md')))
    ) {
      out.push(rel);
    }
  }
}

/** Repository-relative paths (with `/`) of the markdown files to test, sorted. */
export function findDocFiles(repoRoot: string): string[] {
  const out: string[] = [];
  walk(repoRoot, repoRoot, out);
  return out.sort();
}

/** The ts blocks of every doc file. Throws DocTestMarkupError on bad markers. */
export function collectDocBlocks(repoRoot: string): DocBlock[] {
  return findDocFiles(repoRoot).flatMap((file) =>
    parseMarkdown(file, readFileSync(join(repoRoot, file), 'utf8')),
  );
}

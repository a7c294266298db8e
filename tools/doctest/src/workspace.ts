// A scratch folder inside this package where doc block modules are written, type-checked and run.
// It lives under tools/doctest (not the system temp dir) so that `@tickwire/*`, `vitest` and `vite`
// resolve through this package's node_modules, as they would in a user's project. One folder per
// process; dispose() removes it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transpile, typeCheck, workspaceCompilerOptions, type Problem } from './compile.js';
import type { BlockModule } from './module.js';
import { runScript, type RunResult } from './run.js';

export class DocTestWorkspace {
  readonly dir: string;

  constructor(
    private readonly repoRoot: string,
    packageDir: string,
  ) {
    this.dir = join(packageDir, '.blocks', String(process.pid));
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Writes the modules and type-checks them together; problems keyed by module name. */
  check(modules: readonly BlockModule[]): Map<string, Problem[]> {
    const seen = new Map<string, BlockModule>();
    for (const module of modules) {
      const other = seen.get(module.name);
      if (other !== undefined)
        throw new Error(
          `${module.block.file}:${module.block.line}: module ${module.name} already defined at line ${other.block.line}`,
        );
      seen.set(module.name, module);
      this.write(`${module.name}.ts`, module.source);
    }
    return typeCheck(modules, this.dir, workspaceCompilerOptions(this.repoRoot, this.dir));
  }

  /**
   * Runs one module in a fresh Node process (see runScript). `siblings` (the other blocks of its
   * page) are transpiled next to it, so its imports of `./name.js` resolve.
   */
  run(module: BlockModule, timeoutMs: number, siblings: readonly BlockModule[] = []): Promise<RunResult> {
    for (const sibling of siblings) this.write(`${sibling.name}.js`, transpile(sibling));
    const script = this.write(`${module.name}.js`, transpile(module));
    return runScript(script, { cwd: dirname(script), timeoutMs });
  }

  private write(relativePath: string, text: string): string {
    const path = join(this.dir, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

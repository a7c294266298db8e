// A scratch folder inside this package where doc block modules are written, type-checked and run.
// It lives under tools/doctest (not the system temp dir) so that `@tickwire/*`, `vitest` and `vite`
// resolve through this package's node_modules, as they would in a user's project. One folder per
// process; dispose() removes it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    for (const module of modules) writeFileSync(join(this.dir, `${module.name}.ts`), module.source);
    return typeCheck(modules, this.dir, workspaceCompilerOptions(this.repoRoot, this.dir));
  }

  /** Runs one module in a fresh Node process (see runScript). */
  run(module: BlockModule, timeoutMs: number): Promise<RunResult> {
    const script = join(this.dir, `${module.name}.mjs`);
    writeFileSync(script, transpile(module));
    return runScript(script, { cwd: this.dir, timeoutMs });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

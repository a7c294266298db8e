// Type-checks doc block modules with the TypeScript compiler API, in one program, with the
// workspace's strict options (tsconfig.base.json), resolving `@tickwire/*` imports to the built
// packages exactly as a user's project would. It reports problems; it never emits files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { docLocation, type BlockModule } from './module.js';

export interface Problem {
  /** `file.md:line` */
  readonly at: string;
  readonly code: number;
  readonly message: string;
}

/** The compiler options of `tsconfig.base.json` at `repoRoot`, set up for checking only. */
export function workspaceCompilerOptions(repoRoot: string, dir: string): ts.CompilerOptions {
  const file = join(repoRoot, 'tsconfig.base.json');
  const config = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.convertCompilerOptionsFromJson(config.config.compilerOptions, dir, file);
  if (parsed.errors.length > 0)
    throw new Error(
      parsed.errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('\n'),
    );
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    // Doc blocks are snippets: a value shown but not used is fine.
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
}

/**
 * Checks every module (written as `<dir>/<name>.ts` beforehand) and returns the problems of each,
 * keyed by module name, located in the markdown.
 */
export function typeCheck(
  modules: readonly BlockModule[],
  dir: string,
  options: ts.CompilerOptions,
): Map<string, Problem[]> {
  const paths = new Map(modules.map((m) => [join(dir, `${m.name}.ts`), m]));
  const program = ts.createProgram({ rootNames: [...paths.keys()], options });
  const problems = new Map<string, Problem[]>(modules.map((m) => [m.name, []]));
  const global: Problem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const module = diagnostic.file ? paths.get(diagnostic.file.fileName) : undefined;
    if (module === undefined || diagnostic.file === undefined || diagnostic.start === undefined) {
      // Options or library problems: they concern every block.
      global.push({ at: diagnostic.file?.fileName ?? 'compiler options', code: diagnostic.code, message });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.get(module.name)!.push({ at: docLocation(module, line), code: diagnostic.code, message });
  }
  if (global.length > 0) for (const list of problems.values()) list.push(...global);
  return problems;
}

/** JavaScript for a module (types stripped, ES modules kept) so Node can run it. */
export function transpile(module: BlockModule): string {
  return ts.transpileModule(module.source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
    fileName: `${module.name}.ts`,
  }).outputText;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.at}: TS${p.code} ${p.message}`).join('\n');
}

// @tickwire/doctest: compiles and runs the TypeScript blocks of the repository's docs (see README).
export { BlockMode, DocTestMarkupError, parseMarkdown } from './markdown.js';
export type { DocBlock } from './markdown.js';
export { blockName, docLocation, toModule } from './module.js';
export type { BlockModule } from './module.js';
export { formatProblems, transpile, typeCheck, workspaceCompilerOptions } from './compile.js';
export type { Problem } from './compile.js';
export { runScript } from './run.js';
export type { RunOptions, RunResult } from './run.js';
export { collectDocBlocks, findDocFiles } from './collect.js';
export { DocTestWorkspace } from './workspace.js';

// Turns a doc block into the TypeScript module the harness compiles, and remembers which markdown
// line each module line came from, so a compiler error points at the docs, not at a temp file.
import type { DocBlock } from './markdown.js';

export interface BlockModule {
  readonly block: DocBlock;
  /**
   * Path without extension, unique per block: `<md path slug>/<NAME>` for a `file NAME.ts` block,
   * else `<md path slug>/L<line>`. Blocks of one page share a folder, so they can import each other.
   */
  readonly name: string;
  readonly source: string;
  /** Markdown line of each module line (0-based index); undefined for prelude and harness lines. */
  readonly lineMap: readonly (number | undefined)[];
}

export function blockName(block: DocBlock): string {
  const slug = block.file
    .replace(/\.md$/i, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const base = block.fileName?.replace(/\.(ts|mts|tsx)$/, '') ?? `L${block.line}`;
  return `${slug}/${base}`;
}

export function toModule(block: DocBlock): BlockModule {
  const lines: string[] = [];
  const lineMap: (number | undefined)[] = [];
  for (const line of block.prelude === '' ? [] : block.prelude.split('\n')) {
    lines.push(line);
    lineMap.push(undefined);
  }
  for (const segment of block.segments) {
    segment.code.split('\n').forEach((line, index) => {
      lines.push(line);
      lineMap.push(segment.line + index);
    });
  }
  // Every block is its own module, even one without imports, so blocks never share globals.
  lines.push('export {};');
  lineMap.push(undefined);
  return { block, name: blockName(block), source: lines.join('\n') + '\n', lineMap };
}

/** `file:line` in the markdown for a 0-based module line (the block's opening line for hidden code). */
export function docLocation(module: BlockModule, moduleLine: number): string {
  const line = module.lineMap[moduleLine];
  return line === undefined
    ? `${module.block.file}:${module.block.line} (prelude)`
    : `${module.block.file}:${line}`;
}

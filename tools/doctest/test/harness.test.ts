// The harness itself: markers parse as documented, bad markup is an error rather than a block
// silently left out, compiler errors point at the markdown line, and a failing, throwing or hanging
// block is caught (the hanging one killed at its timeout).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockMode, DocTestMarkupError, DocTestWorkspace, parseMarkdown, toModule } from '../src/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const fence = '```';

describe('parseMarkdown', () => {
  it('finds ts blocks, ignores other languages, reads markers', () => {
    const md = [
      '# Title',
      `${fence}sh`,
      'npm i x',
      fence,
      '<!-- doc-test: run -->',
      '',
      `${fence}ts`,
      'const a = 1;',
      fence,
      'Prose.',
      '<!-- doc-test: skip (a partial fragment) -->',
      `${fence}typescript`,
      'a +',
      fence,
      '<!-- doc-test: prelude declare const b: number; -->',
      `${fence}ts`,
      'console.log(b);',
      fence,
    ].join('\n');
    const blocks = parseMarkdown('x.md', md);
    expect(blocks.map((b) => [b.line, b.mode])).toEqual([
      [7, BlockMode.run],
      [12, BlockMode.skip],
      [16, BlockMode.compile],
    ]);
    expect(blocks[0]!.segments).toEqual([{ code: 'const a = 1;', line: 8 }]);
    expect(blocks[1]!.reason).toBe('a partial fragment');
    expect(blocks[2]!.prelude).toBe('declare const b: number;');
  });

  it('joins continue blocks into the module before them, and run applies to the whole', () => {
    const md = [
      `${fence}ts`,
      'const a = 1;',
      fence,
      'Then:',
      '<!-- doc-test: continue -->',
      '<!-- doc-test: run -->',
      `${fence}ts`,
      'console.log(a);',
      fence,
    ].join('\n');
    const [block, ...rest] = parseMarkdown('x.md', md);
    expect(rest).toEqual([]);
    expect(block!.mode).toBe(BlockMode.run);
    expect(block!.segments.map((s) => s.line)).toEqual([2, 8]);
    const module = toModule(block!);
    expect(module.source).toContain('const a = 1;\nconsole.log(a);');
  });

  it('names a block by its file marker, so another block of the page can import it', () => {
    const md = ['<!-- doc-test: file game.ts -->', `${fence}ts`, 'export const speed = 4;', fence].join('\n');
    const [block] = parseMarkdown('docs/guide/x.md', md);
    expect(block!.fileName).toBe('game.ts');
    expect(toModule(block!).name).toBe('docs-guide-x/game');
    expect(toModule(parseMarkdown('docs/guide/x.md', `${fence}ts\nlet a;\n${fence}`)[0]!).name).toBe(
      'docs-guide-x/L1',
    );
  });

  it.each([
    ['a file name with a path', '<!-- doc-test: file ../x.ts -->\n```ts\nx\n```', /plain NAME.ts/],
    ['a skip without a reason', '<!-- doc-test: skip -->\n```ts\nx\n```', /needs a reason/],
    ['an empty reason', '<!-- doc-test: skip () -->\n```ts\nx\n```', /needs a reason/],
    ['an unknown marker', '<!-- doc-test: runn -->\n```ts\nx\n```', /unknown doc-test marker/],
    [
      'a marker before prose',
      '<!-- doc-test: run -->\nProse.\n```ts\nx\n```',
      /not followed by a code block/,
    ],
    ['a marker at the end', 'text\n<!-- doc-test: run -->\n', /not followed by a code block/],
    ['a marker on a shell block', '<!-- doc-test: run -->\n```sh\nls\n```', /ts blocks only/],
    ['continue with nothing before', '<!-- doc-test: continue -->\n```ts\nx\n```', /continue needs/],
    ['an unclosed fence', 'a\n```ts\nconst x = 1;\n', /never closed/],
  ])('refuses %s', (_name, md, message) => {
    expect(() => parseMarkdown('bad.md', md)).toThrow(DocTestMarkupError);
    expect(() => parseMarkdown('bad.md', md)).toThrow(message);
  });
});

describe('compile and run', () => {
  let workspace: DocTestWorkspace;
  beforeAll(() => {
    workspace = new DocTestWorkspace(repoRoot, packageDir);
  });
  afterAll(() => workspace?.dispose());

  const block = (code: string, mode: BlockMode = BlockMode.run) =>
    toModule({ file: 'docs/fake.md', line: 10, mode, prelude: '', segments: [{ code, line: 11 }] });

  it('reports a type error at its markdown line, and accepts good code against the packages', () => {
    const bad = block(
      "import { createSignalerPair } from '@tickwire/transport';\nconst [a] = createSignalerPair();\na.sendd({ kind: 'bye' });",
    );
    const good = {
      ...block("import { createSignalerPair } from '@tickwire/transport';\ncreateSignalerPair();"),
      name: 'good',
    };
    const problems = workspace.check([bad, good]);
    expect(problems.get(bad.name)!.map((p) => p.at)).toEqual(['docs/fake.md:13']);
    expect(problems.get(bad.name)![0]!.message).toMatch(/sendd/);
    expect(problems.get('good')).toEqual([]);
  });

  it('runs a block that imports another block of its page', async () => {
    const game = toModule({
      file: 'docs/fake.md',
      line: 1,
      mode: BlockMode.compile,
      fileName: 'game.ts',
      prelude: '',
      segments: [{ code: 'export const speed: number = 4;', line: 2 }],
    });
    const main = block(
      "import { speed } from './game.js';\nif (speed !== 4) throw new Error('wrong');\nconsole.log('speed', speed);",
    );
    expect(workspace.check([game, main]).get(main.name)).toEqual([]);
    const result = await workspace.run(main, 10_000, [game, main]);
    expect(result).toMatchObject({ code: 0, timedOut: false });
    expect(result.output).toContain('speed 4');
  });

  it('passes a block that exits 0 by itself', async () => {
    const result = await workspace.run(block('console.log("hello from a block");'), 10_000);
    expect(result).toMatchObject({ code: 0, timedOut: false });
    expect(result.output).toContain('hello from a block');
  });

  it('fails a block that throws', async () => {
    const result = await workspace.run({ ...block('throw new Error("boom");'), name: 'throws' }, 10_000);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('boom');
  });

  it('kills a block that never exits (a leaked timer) at its timeout', async () => {
    const result = await workspace.run({ ...block('setInterval(() => {}, 1000);'), name: 'hangs' }, 1_500);
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
  });
});

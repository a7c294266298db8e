// Finds the TypeScript blocks of one markdown file and the doc-test markers in front of them.
// Pure text in, blocks out: it never touches the file system, so it is tested on strings. Anything
// it does not understand (an unknown marker, a skip without a reason, an unclosed fence) is an
// error, never a block silently left out.

/** What the harness does with a block. */
export const BlockMode = { compile: 'compile', run: 'run', skip: 'skip' } as const;
export type BlockMode = (typeof BlockMode)[keyof typeof BlockMode];

/** One ```ts fence, or several joined by `continue` markers into one module. */
export interface DocBlock {
  /** Markdown file, as given to parseMarkdown (repository-relative in the harness). */
  readonly file: string;
  /** 1-based line of the first fence's opening ``` line. */
  readonly line: number;
  readonly mode: BlockMode;
  /** Why it is skipped (mode skip only). */
  readonly reason?: string;
  /** Module file name from a `file NAME.ts` marker, so other blocks of the same page can import it. */
  readonly fileName?: string;
  /** Hidden code from `prelude` markers, placed before the block (declarations the prose implies). */
  readonly prelude: string;
  /** The code segments in order, each with the markdown line of its first code line. */
  readonly segments: readonly { readonly code: string; readonly line: number }[];
}

export class DocTestMarkupError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'DocTestMarkupError';
  }
}

const TS_INFO = new Set(['ts', 'typescript', 'mts']);
const MARKER = /^<!--\s*doc-test:\s*([\s\S]*?)\s*-->$/;

type Marker =
  | { kind: 'run' }
  | { kind: 'skip'; reason: string }
  | { kind: 'continue' }
  | { kind: 'file'; name: string }
  | { kind: 'prelude'; code: string };

function parseMarker(body: string, file: string, line: number): Marker {
  if (body === 'run') return { kind: 'run' };
  if (body === 'continue') return { kind: 'continue' };
  const skip = /^skip\s*\((.*)\)$/s.exec(body);
  if (skip) {
    const reason = skip[1]!.trim();
    if (reason === '') throw new DocTestMarkupError(file, line, 'doc-test skip needs a reason: skip (why)');
    return { kind: 'skip', reason };
  }
  if (body.startsWith('skip'))
    throw new DocTestMarkupError(file, line, 'doc-test skip needs a reason: skip (why)');
  const fileName = /^file\s+(\S+)$/.exec(body);
  if (fileName) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(ts|mts|tsx)$/.test(fileName[1]!) || fileName[1]!.includes('..'))
      throw new DocTestMarkupError(
        file,
        line,
        `doc-test file name must be a plain NAME.ts, got "${fileName[1]}"`,
      );
    return { kind: 'file', name: fileName[1]! };
  }
  const prelude = /^prelude\s+([\s\S]+)$/.exec(body);
  if (prelude) return { kind: 'prelude', code: prelude[1]!.trim() };
  throw new DocTestMarkupError(
    file,
    line,
    `unknown doc-test marker "${body}" (run, skip (why), continue, file NAME.ts, prelude CODE)`,
  );
}

/** Every ```ts block of `text`, with `continue` blocks folded into the block they continue. */
export function parseMarkdown(file: string, text: string): DocBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: {
    file: string;
    line: number;
    mode: BlockMode;
    reason?: string;
    fileName?: string;
    prelude: string[];
    segments: { code: string; line: number }[];
  }[] = [];
  let pending: { marker: Marker; line: number }[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    // A marker may span several lines (a long prelude): collect up to its closing -->.
    if (trimmed.startsWith('<!--') && /^<!--\s*doc-test:/.test(trimmed)) {
      const start = i;
      let comment = trimmed;
      while (!comment.endsWith('-->')) {
        i++;
        if (i >= lines.length) throw new DocTestMarkupError(file, start + 1, 'unclosed doc-test marker');
        comment += '\n' + lines[i]!.trim();
      }
      const body = MARKER.exec(comment)?.[1];
      if (body === undefined) throw new DocTestMarkupError(file, start + 1, 'malformed doc-test marker');
      pending.push({ marker: parseMarker(body, file, start + 1), line: start + 1 });
      i++;
      continue;
    }
    const fence = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(raw);
    if (!fence) {
      // Markers bind to the next fence; prose in between breaks the binding (blank lines do not).
      if (trimmed !== '' && pending.length > 0)
        throw new DocTestMarkupError(
          file,
          pending[0]!.line,
          'doc-test marker is not followed by a code block',
        );
      i++;
      continue;
    }
    const indent = fence[1]!.length;
    const ticks = fence[2]!;
    const info = fence[3]!.toLowerCase();
    const open = i;
    const body: string[] = [];
    i++;
    while (i < lines.length && !lines[i]!.trimStart().startsWith(ticks)) {
      body.push(lines[i]!.slice(Math.min(indent, lines[i]!.length - lines[i]!.trimStart().length)));
      i++;
    }
    if (i >= lines.length) throw new DocTestMarkupError(file, open + 1, 'code block is never closed');
    i++; // the closing fence
    const markers = pending;
    pending = [];
    if (!TS_INFO.has(info)) {
      if (markers.length > 0)
        throw new DocTestMarkupError(
          file,
          open + 1,
          `doc-test markers apply to ts blocks only, not "${info}"`,
        );
      continue;
    }
    const segment = { code: body.join('\n'), line: open + 2 };
    const prelude = markers.flatMap((m) => (m.marker.kind === 'prelude' ? [m.marker.code] : []));
    const skip = markers.find((m) => m.marker.kind === 'skip')?.marker;
    const run = markers.some((m) => m.marker.kind === 'run');
    const named = markers.find((m) => m.marker.kind === 'file')?.marker;
    if (skip && (run || markers.some((m) => m.marker.kind === 'continue')))
      throw new DocTestMarkupError(file, open + 1, 'a skipped block cannot also run or continue');
    if (markers.some((m) => m.marker.kind === 'continue')) {
      const previous = blocks.at(-1);
      if (previous === undefined || previous.mode === BlockMode.skip)
        throw new DocTestMarkupError(file, open + 1, 'continue needs a tested ts block before it');
      if (named)
        throw new DocTestMarkupError(
          file,
          open + 1,
          'a continued block takes the file name of its first part',
        );
      previous.segments.push(segment);
      previous.prelude.push(...prelude);
      if (run) previous.mode = BlockMode.run;
      continue;
    }
    blocks.push({
      file,
      line: open + 1,
      mode: skip ? BlockMode.skip : run ? BlockMode.run : BlockMode.compile,
      ...(skip?.kind === 'skip' ? { reason: skip.reason } : {}),
      ...(named?.kind === 'file' ? { fileName: named.name } : {}),
      prelude,
      segments: [segment],
    });
  }
  if (pending.length > 0)
    throw new DocTestMarkupError(file, pending[0]!.line, 'doc-test marker is not followed by a code block');
  return blocks.map((b) => ({ ...b, prelude: b.prelude.join('\n') }));
}

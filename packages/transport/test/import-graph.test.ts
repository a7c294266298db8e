// The transport's module graph (type-only imports included): no import cycles, and the layers
// point one way. The rtc seam and the channel, stats and negotiation layers never reach up into
// the connection class or the sync layer; the sync engine never reaches into a platform adapter.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Module → the modules it imports (relative imports only, as paths under src/). */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g)].map((m) =>
      relative(src, resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))),
    );
    edges.set(relative(src, file), deps);
  }
  return edges;
}

function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'active') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('transport module graph', () => {
  const edges = graph();

  it('has no import cycles', () => {
    expect(edges.size).toBeGreaterThan(50);
    expect(cycles(edges)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const withCycle = new Map(edges);
    withCycle.set('rtc/adapter.ts', [...(edges.get('rtc/adapter.ts') ?? []), 'connection/types.ts']);
    expect(cycles(withCycle).length).toBeGreaterThan(0);
  });

  it('keeps the layers pointing one way', () => {
    const violations: string[] = [];
    const rules: [RegExp, RegExp][] = [
      // The platform seam knows nothing above it.
      [/^rtc\//, /^(connection|channel|negotiation|stats|sync|signal)\//],
      // Layers under the connection never import the connection class or the sync layer.
      [/^(channel|negotiation|stats|codec|events)\//, /^(connection\/connection\.ts|sync\/)/],
      // The sync engine (not its glue) never touches a platform adapter or the connection class.
      [/^sync\//, /^(rtc\/(node|browser)-adapter|connection\/connection\.ts)/],
    ];
    for (const [from, deps] of edges) {
      for (const dep of deps) {
        for (const [source, forbidden] of rules) {
          if (source.test(from) && forbidden.test(dep)) violations.push(`${from} → ${dep}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});

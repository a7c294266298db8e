// The shared typed emitter (`@tickwire/transport/emitter`): unsubscribe, waitFor with predicate,
// timeout and AbortSignal (listeners and timers gone afterwards), handler errors reported, and the
// subpath entries staying pure (the lobby client and browser bundles import them).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Emitter } from '../src/events/emitter.js';
import { TransportError } from '../src/errors.js';

interface Events {
  tick: (n: number) => void;
  named: (name: string, score: number) => void;
}

describe('Emitter', () => {
  it('delivers to handlers until they unsubscribe', () => {
    const emitter = new Emitter<Events>();
    const got: number[] = [];
    const off = emitter.on('tick', (n) => got.push(n));
    emitter.emit('tick', 1);
    off();
    emitter.emit('tick', 2);
    expect(got).toEqual([1]);
    expect(emitter.listenerCount('tick')).toBe(0);
  });

  it('an emit reaches the handlers registered when it started', async () => {
    const emitter = new Emitter<Events>();
    const got: string[] = [];
    let next: Promise<[number]> | undefined;
    const offLate = emitter.on('tick', (n) => got.push(`late ${n}`));
    emitter.on('tick', (n) => {
      got.push(`first ${n}`);
      // Added during the emit: waits for the next one, not this.
      next ??= emitter.waitFor('tick');
      emitter.on('tick', (m) => got.push(`added ${m}`));
      offLate();
    });
    emitter.on('tick', (n) => got.push(`second ${n}`));
    emitter.emit('tick', 1);
    expect(got).toEqual(['late 1', 'first 1', 'second 1']);
    got.length = 0;
    emitter.emit('tick', 2);
    await expect(next).resolves.toEqual([2]);
    expect(got).toEqual(['first 2', 'second 2', 'added 2']);
  });

  it('removes a handler during an emit before it is called, and counts a twice-added one once', () => {
    const emitter = new Emitter<Events>();
    const got: number[] = [];
    const record = (n: number) => got.push(n);
    let offRecord = () => {};
    emitter.on('tick', () => offRecord());
    offRecord = emitter.on('tick', record);
    emitter.on('tick', record);
    expect(emitter.listenerCount('tick')).toBe(2);
    emitter.emit('tick', 1);
    expect(got).toEqual([]);
    expect(emitter.listenerCount('tick')).toBe(1);
  });

  it('reports a throwing handler and still calls the others', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<Events>({ onHandlerError: (error) => errors.push(error) });
    const got: number[] = [];
    emitter.on('tick', () => {
      throw new Error('boom');
    });
    emitter.on('tick', (n) => got.push(n));
    emitter.emit('tick', 3);
    expect(got).toEqual([3]);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('waitFor resolves with the arguments of the first event passing the predicate', async () => {
    const emitter = new Emitter<Events>();
    const wait = emitter.waitFor('named', { predicate: (_, score) => score > 5, timeoutMs: 5_000 });
    emitter.emit('named', 'low', 1);
    emitter.emit('named', 'high', 9);
    emitter.emit('named', 'later', 10);
    await expect(wait).resolves.toEqual(['high', 9]);
    expect(emitter.listenerCount('named')).toBe(0);
  });

  it('waitFor rejects with a TIMEOUT naming the event, or a custom error', async () => {
    const emitter = new Emitter<Events>();
    const error = await emitter.waitFor('tick', { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'TIMEOUT', details: { step: 'tick', timeoutMs: 5 } });
    expect(emitter.listenerCount('tick')).toBe(0);

    class LobbyTimeout extends Error {}
    const custom = new Emitter<Events>({ timeoutError: (event) => new LobbyTimeout(event) });
    await expect(custom.waitFor('tick', { timeoutMs: 5 })).rejects.toBeInstanceOf(LobbyTimeout);
  });

  it('waitFor rejects with the abort reason, also when already aborted', async () => {
    const emitter = new Emitter<Events>();
    const controller = new AbortController();
    const wait = emitter.waitFor('tick', { signal: controller.signal, timeoutMs: 60_000 });
    controller.abort(new Error('shutting down'));
    await expect(wait).rejects.toThrow('shutting down');
    expect(emitter.listenerCount('tick')).toBe(0);
    await expect(emitter.waitFor('tick', { signal: controller.signal })).rejects.toThrow('shutting down');
    expect(emitter.listenerCount('tick')).toBe(0);
  });

  it('waitFor rejects when the predicate throws', async () => {
    const emitter = new Emitter<Events>();
    const wait = emitter.waitFor('tick', {
      predicate: () => {
        throw new Error('bad predicate');
      },
    });
    emitter.emit('tick', 1);
    await expect(wait).rejects.toThrow('bad predicate');
    expect(emitter.listenerCount('tick')).toBe(0);
  });
});

/** Every module `entry` reaches through relative imports, with the bare/`node:` specifiers it uses. */
function importGraph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
      const spec = match[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(entry);
  return { files, external };
}

describe('pure subpath entries', () => {
  const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
  it.each(['events/emitter.ts', 'internals.ts'])('%s imports no platform code', (entry) => {
    const { files, external } = importGraph(resolve(src, entry));
    expect([...external].filter((spec) => spec === 'node-datachannel' || spec.startsWith('node:'))).toEqual(
      [],
    );
    // rtc/adapter.ts is the interface only; the adapters behind it are platform code.
    expect(
      [...files].filter((file) => /rtc\/(node-adapter|browser-adapter|native-lifetime)/.test(file)),
    ).toEqual([]);
  });
});

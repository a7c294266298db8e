// A Node process that opens and closes tickwire connections must exit by itself: no native handle,
// timer or thread may keep it alive.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/open-close.mjs', import.meta.url));

describe('process lifetime', () => {
  it('exits by itself after closing its connections', async () => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(killer);
    expect(signal, `child output:\n${out}`).toBeNull();
    expect(code, `child output:\n${out}`).toBe(0);
    expect(out).toContain('exchanged 2');
  });
});

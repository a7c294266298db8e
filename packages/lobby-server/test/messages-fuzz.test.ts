// Runs test/fuzz/messages.fuzz.mjs (property- and mutation-based fuzzing of parseClientMessage,
// seeded with every message type and known JSON bombs) in a child process whose heap is capped at
// 256 MB: every input must give a typed LobbyError or a message that is plain data and valid
// again; a crash, an accepted message that breaks that promise, or an out-of-memory end fails.
// Uses the built package (dist). test/fuzz.test.ts sends random messages at a live lobby instead.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fuzz/messages.fuzz.mjs', import.meta.url));
/** Fixed by default so CI is reproducible; FUZZ_SEED explores other inputs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);

interface Report {
  targets: Record<string, { value: number; refused: number; crashed: number; broken: number }>;
  crashes: unknown[];
  peakHeapMB: number;
  prototypeIntact: boolean;
}

function runFuzzer(): Promise<{ code: number | null; report: Report | undefined; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=256', SCRIPT, String(SEED), String(RUNS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop();
      resolve({ code, report: line ? (JSON.parse(line) as Report) : undefined, stderr });
    });
  });
}

describe('lobby message fuzzing under a 256 MB heap', () => {
  it('answers every input with a typed error or a plain, valid message; no crash, bounded heap', async () => {
    const { code, report, stderr } = await runFuzzer();
    expect(stderr).not.toMatch(/heap out of memory/i);
    expect(report, stderr).toBeDefined();
    expect(report!.crashes).toEqual([]);
    expect(code).toBe(0);
    expect(report!.prototypeIntact).toBe(true);
    expect(report!.peakHeapMB).toBeLessThan(200);
    const counts = report!.targets['parseClientMessage']!;
    expect(counts.crashed + counts.broken).toBe(0);
    expect(counts.value + counts.refused).toBeGreaterThanOrEqual(RUNS);
    expect(counts.value).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(0);
  }, 120_000);
});

// Runs test/fuzz/decoders.fuzz.mjs (property- and mutation-based fuzzing of the data channels' frame
// parsers and whole receive path, the codec, snapshot and input decoders, seeded with the known
// bombs) in a child process whose heap is capped at 256 MB: a decoder that allocated without bound
// would end the child with an out-of-memory crash, and any exception that is not a typed refusal is
// reported as a crash. Uses the built package (dist).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fuzz/decoders.fuzz.mjs', import.meta.url));
/** Fixed by default so CI is reproducible; FUZZ_SEED explores other inputs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

interface Report {
  targets: Record<string, { value: number; refused: number; crashed: number }>;
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

describe('decoder fuzzing under a 256 MB heap', () => {
  it('gives a typed refusal or a value for every input, never a crash, with bounded heap', async () => {
    const { code, report, stderr } = await runFuzzer();
    expect(stderr).not.toMatch(/heap out of memory/i);
    expect(report, stderr).toBeDefined();
    expect(report!.crashes).toEqual([]);
    expect(code).toBe(0);
    expect(report!.prototypeIntact).toBe(true);
    expect(report!.peakHeapMB).toBeLessThan(200);
    for (const [name, counts] of Object.entries(report!.targets)) {
      // Each target saw its seeds plus RUNS generated inputs, and both outcomes occurred.
      expect(counts.value + counts.refused, name).toBeGreaterThanOrEqual(RUNS);
      expect(counts.value, name).toBeGreaterThan(0);
      expect(counts.refused, name).toBeGreaterThan(0);
    }
    expect(Object.keys(report!.targets)).toEqual([
      'codec.datagram',
      'codec.stream',
      'snapshot.decoder',
      'snapshot.receiver',
      'input.withSchema',
      'input.noSchema',
      'frame.unreliable',
      'frame.reliable',
      'receiver.unreliable',
      'receiver.reliable',
    ]);
  }, 120_000);
});

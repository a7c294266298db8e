// Runs one transpiled doc block in a fresh Node process. The process must finish by itself within
// the timeout with exit code 0: a block that leaks a peer, socket or timer keeps its process alive
// and fails here, exactly as it would hang a user's script. On timeout the process is killed, so a
// hanging block never outlives its test.
import { spawn } from 'node:child_process';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly output: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
}

/** Output kept per run: enough to show why a block failed, bounded so a chatty block cannot flood. */
const MAX_OUTPUT = 64 * 1024;

export function runScript(scriptPath: string, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [scriptPath], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'test' },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, durationMs: performance.now() - started, output });
    });
  });
}

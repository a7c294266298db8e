// Runs a command the way a user's shell would, in its own process group, and reports how it
// ended. It must never leave anything running: on a time-out the whole group is killed, and after
// a normal exit any process still in the group (a lobby or a Vite server somebody forgot to stop)
// is killed and reported as `leftovers`, so a test can fail on it.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when processes of the command's group were still alive after it exited. */
  leftovers: boolean;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function waitForGroupExit(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    // Polling is the only way to watch a process group we are not the parent of.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    if (pgid === undefined) {
      reject(new Error(`could not start ${command}`));
      return;
    }
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pgid);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      killGroup(pgid);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Processes that closed their stdio can outlive the leader for a moment while they exit.
      void waitForGroupExit(pgid, 3_000).then((exited) => {
        if (!exited) killGroup(pgid);
        resolve({ code, signal, stdout, stderr, timedOut, leftovers: !exited });
      });
    });
  });
}

/** A message that shows what went wrong when a command did not succeed. */
export function explain(result: RunResult): string {
  const tail = (text: string) => text.split('\n').slice(-40).join('\n');
  return [
    `exit code ${result.code}, signal ${result.signal}, timed out ${result.timedOut}, leftovers ${result.leftovers}`,
    `--- stdout ---\n${tail(result.stdout)}`,
    `--- stderr ---\n${tail(result.stderr)}`,
  ].join('\n');
}

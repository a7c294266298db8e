// One network namespace, driven through `ip`, `sysctl` and `iptables-restore` run inside it.
// It must never touch the root namespace: every command is scoped with `ip -n` / `ip netns exec`.

import { readFileSync } from 'node:fs';
import { runCommand, runCommandSync } from '../exec/run-command.js';

export type SysctlSettings = Readonly<Record<string, string | number>>;

export class Netns {
  private constructor(readonly name: string) {}

  static async create(name: string): Promise<Netns> {
    await runCommand('ip', ['netns', 'add', name]);
    return new Netns(name);
  }

  /** Runs `ip` commands (one per line, without the leading `ip`) in this namespace in one process. */
  async ip(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await runCommand('ip', ['-n', this.name, '-batch', '-'], { input: lines.join('\n') + '\n' });
  }

  async sysctl(settings: SysctlSettings): Promise<void> {
    const pairs = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
    await this.exec('sysctl', ['-q', '-w', ...pairs]);
  }

  /** Loads rules without flushing the rest; a chain declared in `rules` is replaced atomically. */
  async iptablesRestore(rules: string): Promise<void> {
    await runCommand('ip', ['netns', 'exec', this.name, 'iptables-restore', '--noflush'], { input: rules });
  }

  exec(command: string, args: readonly string[] = []): Promise<string> {
    return runCommand('ip', ['netns', 'exec', this.name, command, ...args]);
  }
}

/** Names of every namespace `ip netns` knows, netlab's or not. */
export function listNamespacesSync(): string[] {
  return runCommandSync('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0);
}

export async function listNamespaces(): Promise<string[]> {
  return (await runCommand('ip', ['netns', 'list']))
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0);
}

function parsePids(output: string): number[] {
  return output
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: that is the goal.
    }
  }
}

/** True while the pid exists and has not exited yet (a zombie has exited: only reaping is left). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * SIGKILL is only a request: on a busy machine a killed process may run on for milliseconds
 * before it exits. Processes that are not our children (a shell's background job) send no exit
 * event, so their pids are checked until they are gone, bounded by KILL_WAIT_MS.
 */
const KILL_WAIT_MS = 5_000;
const KILL_POLL_MS = 5;

/**
 * Kills every process still inside the namespace (children of children included, which no
 * ChildProcess handle knows about), waits until they have exited, and deletes it. A namespace
 * that is already gone is fine.
 */
export async function destroyNamespace(name: string): Promise<void> {
  try {
    const pids = parsePids(await runCommand('ip', ['netns', 'pids', name]));
    killAll(pids);
    const deadline = Date.now() + KILL_WAIT_MS;
    while (pids.some(alive) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, KILL_POLL_MS));
    }
    await runCommand('ip', ['netns', 'del', name]);
  } catch (error) {
    if (!(await listNamespaces()).includes(name)) return;
    throw error;
  }
}

export function destroyNamespaceSync(name: string): void {
  try {
    const pids = parsePids(runCommandSync('ip', ['netns', 'pids', name]));
    killAll(pids);
    // Exit and signal hooks cannot wait for a timer: block the thread between checks instead.
    const deadline = Date.now() + KILL_WAIT_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (pids.some(alive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, KILL_POLL_MS);
    runCommandSync('ip', ['netns', 'del', name]);
  } catch (error) {
    if (!listNamespacesSync().includes(name)) return;
    throw error;
  }
}

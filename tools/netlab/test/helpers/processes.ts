// Facts about processes and namespaces on this machine, for cleanup assertions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** True while the pid exists and is not a zombie (an exited process nobody reaped yet). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function namespaceNames(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.length > 0);
}

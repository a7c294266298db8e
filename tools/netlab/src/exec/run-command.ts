// Runs system commands (ip, iptables-restore, sysctl, cc) and turns a non-zero exit into a
// NetlabError that carries the command line and its stderr. It must never use a shell: every
// argument is passed as-is, so names and addresses cannot be misread.

import { execFile, execFileSync } from 'node:child_process';
import { NetlabError } from '../errors.js';

export interface RunOptions {
  /** Written to the command's stdin (e.g. an `ip -batch -` script or iptables-restore rules). */
  readonly input?: string;
}

function describe(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}

function failure(command: string, args: readonly string[], stderr: string, cause: unknown): NetlabError {
  const detail = stderr.trim() || (cause instanceof Error ? cause.message : String(cause));
  return new NetlabError('COMMAND_FAILED', `\`${describe(command, args)}\` failed: ${detail}`, { cause });
}

/** Runs a command to completion and resolves with its stdout. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(failure(command, args, stderr, error));
        else resolve(stdout);
      },
    );
    // A command that exits before reading its stdin closes the pipe; that is its error to report.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** The synchronous twin, for process-exit cleanup where no promise will ever settle. */
export function runCommandSync(command: string, args: readonly string[], options: RunOptions = {}): string {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      input: options.input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw failure(command, args, typeof stderr === 'string' ? stderr : '', error);
  }
}

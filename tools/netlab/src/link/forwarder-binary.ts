// Builds the C delay forwarder on first use into a cache outside git, keyed by a hash of its
// source, so an edited source is rebuilt and parallel test files share one binary. It must never
// leave a half-written binary where another process could run it: it compiles to a temporary
// name and renames atomically.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetlabError } from '../errors.js';
import { runCommand } from '../exec/run-command.js';

/** The C source, shipped next to src/ and dist/ (both are two levels below the package root). */
export const FORWARDER_SOURCE = fileURLToPath(new URL('../../native/delay-forwarder.c', import.meta.url));

let building: Promise<string> | undefined;

async function build(): Promise<string> {
  let source: Buffer;
  try {
    source = readFileSync(FORWARDER_SOURCE);
  } catch (cause) {
    throw new NetlabError('FORWARDER_FAILED', `cannot read ${FORWARDER_SOURCE}`, { cause });
  }
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(process.env['NETLAB_CACHE_DIR'] ?? join(tmpdir(), 'tickwire-netlab'), hash);
  const binary = join(dir, 'delay-forwarder');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  try {
    await runCommand('cc', ['-O2', '-Wall', '-o', partial, FORWARDER_SOURCE]);
    renameSync(partial, binary);
  } catch (cause) {
    rmSync(partial, { force: true });
    throw new NetlabError(
      'FORWARDER_FAILED',
      `compiling the delay forwarder failed: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return binary;
}

/** Path of the compiled forwarder, building it if this source version was never built here. */
export function forwarderBinary(): Promise<string> {
  building ??= build().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}

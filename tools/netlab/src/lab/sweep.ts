// Removes namespaces left behind by processes that died without cleaning up (SIGKILL, a crashed
// test worker). It must never touch a namespace of a live process or one netlab did not create.

import { parseLabName } from '../netns/names.js';
import { destroyNamespace, listNamespaces } from '../netns/netns.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to someone else; it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes every netlab namespace whose creating process is gone; resolves with their names. */
export async function sweepStaleLabs(): Promise<string[]> {
  const stale = (await listNamespaces()).filter((name) => {
    const parsed = parseLabName(name);
    return parsed !== undefined && !isAlive(parsed.pid);
  });
  for (const name of stale) await destroyNamespace(name);
  return stale;
}

let swept: Promise<unknown> | undefined;

/** Runs one sweep per process (before its first lab); later calls reuse that sweep. */
export function sweepStaleLabsOnce(): Promise<unknown> {
  swept ??= sweepStaleLabs().catch(() => undefined);
  return swept;
}

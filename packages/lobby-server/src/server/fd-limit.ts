// Reads the process's open-file limit (Linux /proc/self/limits), so the global socket cap can be
// kept under it: a cap above the limit would let sockets use up the descriptors the lobby needs
// for everything else (Redis, logs, the sockets of `/healthz`). Never throws: undefined elsewhere.
import { readFileSync } from 'node:fs';

/** Descriptors kept back for everything that is not a client socket. */
export const RESERVED_DESCRIPTORS = 64;

export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s+/)[3];
    const value = soft === undefined ? NaN : Number(soft);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The configured cap, lowered to stay `RESERVED_DESCRIPTORS` under the open-file limit. */
export function effectiveSocketCap(configured: number, limit: number | undefined = openFileLimit()): number {
  if (limit === undefined) return configured;
  return Math.max(1, Math.min(configured, limit - RESERVED_DESCRIPTORS));
}

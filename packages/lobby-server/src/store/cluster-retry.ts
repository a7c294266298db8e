// Retries a Redis Cluster command that the cluster refused while a slot changed hands (a failover or
// a resharding). Such a refusal means the command was not run, so running it again is safe even
// when it is not idempotent (SET NX, a compare-and-set script). It must never retry anything else:
// an error after a command may have run (a dropped connection) is passed on as it is.
//
// Why the store needs this although ioredis follows redirections: with auto-pipelining, ioredis
// re-sends a pipeline only when every refusal in it has the same text, and MOVED names the slot, so
// one batch holding keys of several slots of the failed master surfaces `MOVED <slot> <node>` to
// its callers (about 40 refusals per failover under load in a probe with 40 concurrent writers).
//
// Why each resend re-reads the slot map first: for such a batch ioredis neither records the new
// owner nor refreshes its slot map (redis/ioredis#2075), so re-sending alone goes to the old master
// again, in the same kind of mixed batch. Whether anything else happened to refresh the map (a
// MULTI or a batch whose refusals were all alike) was luck: when nothing did, every writer of a CI
// run got MOVED for two seconds from a map that still named the demoted master, and gave up.
import { settlesWithin } from '../server/deadline.js';

/** Refusals that say "not run here, not now": the slot moved, is moving, or has no master yet. */
const TRANSIENT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|LOADING|READONLY) /;

/**
 * How long one command keeps being re-sent before its refusal is passed on, and the pause between
 * sends (doubling from `firstDelayMs` up to `maxDelayMs`). A deadline rather than a count: what
 * ends the refusals is the cluster settling (a manual failover takes ~0.1-0.5 s, longer on a
 * loaded machine), and the bound must stay well under a lobby request's 10 s timeout.
 */
export const CLUSTER_RETRY = { deadlineMs: 5_000, firstDelayMs: 10, maxDelayMs: 200 } as const;

/** The cluster kept refusing a command as transient until CLUSTER_RETRY.deadlineMs ran out. */
export class ClusterUnsettledError extends Error {
  override readonly name = 'ClusterUnsettledError';
  readonly code = 'cluster_unsettled';

  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
    cause: Error,
  ) {
    super(
      `Redis Cluster refused the command for ${elapsedMs} ms (${attempts} attempts), last: ${cause.message}`,
      { cause },
    );
  }
}

/** What the retry needs of the connection: ioredis's `Cluster` re-reads CLUSTER SLOTS on demand. */
export interface SlotMap {
  refreshSlotsCache(callback?: (error?: Error | null) => void): void;
}

/**
 * ioredis's own refusal, before sending, of an auto-pipelined batch whose keys' slots moved to
 * different nodes since the batch was formed (seen in a failover under load): nothing was sent.
 */
const PIPELINE_SPLIT = 'All keys in the pipeline should belong to the same slots allocation group';

export function isClusterTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT.test(error.message) || error.message.startsWith(PIPELINE_SPLIT)) return true;
  // A MULTI whose queued commands were refused: EXEC aborts; ioredis keeps the refusals.
  const previous = (error as Error & { previousErrors?: unknown[] }).previousErrors;
  return (
    error.message.startsWith('EXECABORT') &&
    Array.isArray(previous) &&
    previous.length > 0 &&
    previous.every(isClusterTransient)
  );
}

/**
 * Resolves once the slot map has been re-read (or the attempt failed: the next send tells). ioredis
 * runs one refresh at a time and hands its result to every caller that asked meanwhile, so a burst
 * of refused commands costs one CLUSTER SLOTS, not one each.
 */
function refreshed(slots: SlotMap): Promise<void> {
  return new Promise((resolve) => slots.refreshSlotsCache(() => resolve()));
}

/**
 * Runs `command` (a function, so each attempt sends the command again) and re-sends it while the
 * cluster refuses it with a transient refusal: each time after re-reading the slot map and a
 * jittered, growing pause (writers refused together must not come back as one batch again), until
 * CLUSTER_RETRY.deadlineMs has passed; then throws ClusterUnsettledError with the last refusal.
 */
export async function retryClusterRefusals<T>(slots: SlotMap, command: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await command();
    } catch (error) {
      if (!isClusterTransient(error)) throw error;
      const elapsed = Date.now() - started;
      if (elapsed >= CLUSTER_RETRY.deadlineMs) {
        throw new ClusterUnsettledError(attempt, elapsed, error as Error);
      }
      const left = CLUSTER_RETRY.deadlineMs - elapsed;
      const backoff = Math.min(CLUSTER_RETRY.maxDelayMs, CLUSTER_RETRY.firstDelayMs * 2 ** (attempt - 1));
      const pause = Math.min(left, backoff * (0.5 + Math.random() / 2));
      await Promise.all([
        new Promise((resolve) => setTimeout(resolve, pause)),
        // A refresh stuck on an unresponsive node (ioredis waits slotsRefreshTimeout per node)
        // must not hold the command past its deadline.
        settlesWithin(refreshed(slots), left),
      ]);
    }
  }
}

// Retries a Redis Cluster command that the cluster refused while a slot changed hands (a failover or
// a resharding). Such a refusal means the command was not run, so running it again is safe even
// when it is not idempotent (SET NX, a compare-and-set script). It must never retry anything else:
// an error after a command may have run (a dropped connection) is passed on as it is.
//
// Why the store needs this although ioredis follows redirections: with auto-pipelining, ioredis
// re-sends a pipeline only when every refusal in it has the same text, and MOVED names the slot, so
// one batch holding keys of several slots of the failed master surfaces `MOVED <slot> <node>` to
// its callers (about 40 refusals per failover under load in a probe with 40 concurrent writers).

/** Refusals that say "not run here, not now": the slot moved, is moving, or has no master yet. */
const TRANSIENT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|LOADING|READONLY) /;

/** How often, and how long in total, one command is re-sent before its refusal is passed on. */
export const CLUSTER_RETRY = { attempts: 20, maxDelayMs: 200 } as const;

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
 * Runs `command` (a function, so each attempt sends the command again) and re-sends it while the
 * cluster refuses it with a transient refusal, with a growing pause (the new master is usually known
 * within ~100 ms), at most CLUSTER_RETRY.attempts times.
 */
export async function retryClusterRefusals<T>(command: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await command();
    } catch (error) {
      if (attempt >= CLUSTER_RETRY.attempts || !isClusterTransient(error)) throw error;
      const pause = Math.min(CLUSTER_RETRY.maxDelayMs, 10 * attempt);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

// Releases node-datachannel's native threads once no peer is left, so bench processes exit by
// themselves. libdatachannel keeps its thread pool (and the process) alive after every peer has
// closed until cleanup() is called; calling it while a peer is open breaks that peer. Bench
// processes mix raw node-datachannel peers with tickwire's, so the transport's own automatic
// cleanup (which only counts tickwire peers) is switched off here and both kinds are counted.
import nodeDataChannel from 'node-datachannel';
import { openNativePeerCount, setNativeAutoCleanup } from '@tickwire/transport';

setNativeAutoCleanup(false);

const live = new Set<object>();

export function trackNdc(handle: object): void {
  live.add(handle);
}

export function untrackNdc(handle: object): void {
  live.delete(handle);
}

/** Calls nodeDataChannel.cleanup() when no raw or tickwire peer is open; returns whether it did. */
export async function releaseNative(): Promise<boolean> {
  if (live.size > 0 || openNativePeerCount() > 0) return false;
  // Closing is asynchronous on libdatachannel's threads: give them a moment before joining them.
  await new Promise((resolve) => setTimeout(resolve, 50));
  try {
    nodeDataChannel.cleanup();
    return true;
  } catch (error) {
    process.stderr.write(`node-datachannel cleanup failed: ${(error as Error).message}\n`);
    return false;
  }
}

// Keeps every open native peer reachable from a module-level set, so the garbage collector never
// finalizes (and thereby closes) a peer the application forgot to hold on to, and releases
// libdatachannel's threads once the last peer is closed: node-datachannel's thread-safe callbacks
// can otherwise keep a finished process alive (seen here under load).
import nodeDataChannel from 'node-datachannel';

const live = new Set<object>();
let autoCleanup = true;
let cleanupScheduled = false;

export function trackNativePeer(peer: object): void {
  live.add(peer);
}

export function untrackNativePeer(peer: object): void {
  live.delete(peer);
  if (live.size === 0 && autoCleanup && !cleanupScheduled) {
    cleanupScheduled = true;
    // Deferred: cleanup() joins native threads and must not run inside a native callback.
    setTimeout(() => {
      cleanupScheduled = false;
      if (live.size === 0) nodeDataChannel.cleanup();
    }, 0);
  }
}

/** Number of native peer connections not yet closed (tests use it to prove close() frees handles). */
export function openNativePeerCount(): number {
  return live.size;
}

/**
 * tickwire calls node-datachannel's global cleanup() when its last peer closes, so the process can
 * exit. That also closes peers created with node-datachannel directly; a process that mixes both
 * turns it off and calls cleanup() itself.
 */
export function setNativeAutoCleanup(enabled: boolean): void {
  autoCleanup = enabled;
}

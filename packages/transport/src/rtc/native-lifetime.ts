// Keeps every open native peer reachable from a module-level set, so the garbage collector never
// finalizes (and thereby closes) a peer the application forgot to hold on to, and releases
// libdatachannel's threads once the last peer is closed: node-datachannel's thread-safe callbacks
// can otherwise keep a finished process alive (seen here under load).
import nodeDataChannel from 'node-datachannel';

const live = new Set<object>();
let autoCleanup = true;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * How long the process must have no open peer before the global cleanup runs. Opening a peer
 * right after cleanup() sometimes fails its DTLS/SCTP setup (seen here: about one run in four of a
 * test file that opens a pair per test), so cleanup waits for a real pause, not just a gap.
 */
const IDLE_BEFORE_CLEANUP_MS = 1500;

export function trackNativePeer(peer: object): void {
  live.add(peer);
  if (idleTimer !== undefined) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
}

export function untrackNativePeer(peer: object): void {
  live.delete(peer);
  if (live.size > 0 || !autoCleanup || idleTimer !== undefined) return;
  // Unref'd: the timer never keeps a process alive by itself; it fires because libdatachannel's
  // own handles are what keep a finished process running.
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    if (live.size === 0 && autoCleanup) nodeDataChannel.cleanup();
  }, IDLE_BEFORE_CLEANUP_MS);
  (idleTimer as { unref?: () => void }).unref?.();
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

// Keeps every open native peer reachable from a module-level set, so the garbage collector never
// finalizes (and thereby closes) a peer the application forgot to hold on to, and lets a process
// find out whether anything native is still open.
const live = new Set<object>();

export function trackNativePeer(peer: object): void {
  live.add(peer);
}

export function untrackNativePeer(peer: object): void {
  live.delete(peer);
}

/** Number of native peer connections not yet closed (tests use it to prove close() frees handles). */
export function openNativePeerCount(): number {
  return live.size;
}

// Labs that are open in this process, so that they are torn down when the process exits or is
// told to stop by a signal, even if a test forgot `close()` or crashed. It must never swallow a
// signal: after cleaning up it re-raises it unless someone else also handles it.

export interface ClosableSync {
  closeSync(): void;
}

const open = new Set<ClosableSync>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let hooked = false;

function closeAllSync(): void {
  for (const lab of [...open]) {
    try {
      lab.closeSync();
    } catch {
      // Best effort at exit: a later sweepStaleLabs() removes what is left.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Counted before closing: closing the last lab removes this listener.
  const onlyListener = process.listenerCount(signal) === 1;
  closeAllSync();
  if (onlyListener) {
    // Nobody else handles it: the default action (terminate) must still happen.
    unhook();
    process.kill(process.pid, signal);
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', closeAllSync);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', closeAllSync);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

export function registerLab(lab: ClosableSync): void {
  open.add(lab);
  hook();
}

export function unregisterLab(lab: ClosableSync): void {
  open.delete(lab);
  // With no lab open, leave the process's signal handling exactly as it was.
  if (open.size === 0) unhook();
}

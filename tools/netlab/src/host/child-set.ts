// The processes a lab started, so that closing the lab can kill them and wait until their
// handles are released. It must never leave a ChildProcess alive after `killAll` + `closedAll`:
// a leftover pipe would keep the test process from exiting.

import type { ChildProcess } from 'node:child_process';
import { childSettled } from './child-settled.js';

export class ChildSet {
  private readonly live = new Map<ChildProcess, Promise<void>>();

  add(child: ChildProcess): void {
    this.live.set(
      child,
      childSettled(child).then(() => {
        this.live.delete(child);
      }),
    );
  }

  get size(): number {
    return this.live.size;
  }

  /** Sends SIGKILL to every child still running. Synchronous, so exit hooks can use it. */
  killAll(): void {
    for (const child of this.live.keys()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  /** Resolves when every child has exited and closed its stdio. */
  async closedAll(): Promise<void> {
    await Promise.all(this.live.values());
  }
}

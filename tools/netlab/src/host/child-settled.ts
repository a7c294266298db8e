// When a child process is really finished: it exited and each of its stdio pipes closed. It must
// not rely on the 'close' event: Node never emits it for a child whose IPC channel the parent
// disconnected (stdio [..., 'ipc'] + child.disconnect()), which would hang a lab's close().

import type { ChildProcess } from 'node:child_process';

export function childSettled(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const streams = child.stdio.filter((stream) => stream != null);
    let pending = 1 + streams.length;
    const done = (): void => {
      pending -= 1;
      if (pending === 0) resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) done();
    else {
      child.once('exit', done);
      // A child that failed to spawn never exits; it only reports the error.
      child.once('error', () => {
        if (child.pid === undefined) done();
      });
    }
    for (const stream of streams) {
      if (stream.destroyed) done();
      else stream.once('close', done);
    }
  });
}

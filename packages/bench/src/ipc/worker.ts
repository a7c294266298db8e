// The child side of spawnWorker: an IpcEndpoint on `process`, a `shutdown` command that runs the
// worker's cleanup hooks and lets the process exit by itself, and an exit when the parent goes
// away (a benchmark peer must never outlive its orchestrator).
import { IpcEndpoint } from './endpoint.js';

export interface WorkerContext {
  ipc: IpcEndpoint;
  /** Registers cleanup run on shutdown (close peers, servers, sockets), in reverse order. */
  onShutdown(hook: () => void | Promise<void>): void;
}

export function startWorker(setup: (ctx: WorkerContext) => void): void {
  const ipc = new IpcEndpoint(process);
  const hooks: Array<() => void | Promise<void>> = [];
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const hook of hooks.reverse()) {
      try {
        await hook();
      } catch (error) {
        process.stderr.write(`worker cleanup failed: ${String(error)}\n`);
      }
    }
  };
  ipc.handle('shutdown', async () => {
    await shutdown();
    // Reply first, then drop the channel so nothing holds the loop.
    setImmediate(() => {
      ipc.close();
      process.disconnect?.();
    });
    return true;
  });
  process.once('disconnect', () => {
    void shutdown().then(() => {
      ipc.close();
      // Stray native threads must not keep an orphan alive.
      setTimeout(() => process.exit(0), 2000).unref();
    });
  });
  setup({ ipc, onShutdown: (hook) => hooks.push(hook) });
  ipc.emit('ready');
}

// One NAT-matrix peer in its own process inside a netlab host (a namespace behind some NAT): runs
// PairSide (pair-side.ts) for each `pair` command from the orchestrator. It must never outlive the
// orchestrator (startWorker exits on disconnect) nor keep a connection or lobby session past
// `finish`. `restored` reports the ICE restart of a connection held with `holdForRestart`.
import { startWorker } from '../../ipc/worker.js';
import { PairSide } from './pair-side.js';
import type { PairCommand } from './pair-side.js';

export type { AgentOutcome, PairCommand, RestartOutcome } from './pair-side.js';

/** CLOCK_MONOTONIC: one clock for every process on the machine, whatever its namespace. */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

startWorker(({ ipc, onShutdown }) => {
  const side = new PairSide(monotonicMs);
  onShutdown(() => side.finish());
  ipc.handle('finish', () => {
    side.finish();
    return true;
  });
  ipc.handle('pair', (command: PairCommand) => side.pair(command));
  ipc.handle('restored', (timeoutMs: number) => side.restored(timeoutMs));
});

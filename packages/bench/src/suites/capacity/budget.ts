// Whether one capacity step stayed within budget, and the numbers that decide it.
import { mean, percentileSorted, sortAscending } from '../../stats/percentile.js';
import type { TickReport } from './authority-worker.js';

/** Half of the 33.3 ms tick at 30 Hz: the other half belongs to the rest of the game. */
export const TICK_BUDGET_MS = 1000 / 30 / 2;

export interface ClientCounts {
  received: number;
  completed: number;
  rejected: number;
}

export interface StepVerdict {
  n: number;
  tickP95Ms: number;
  tickP99Ms: number;
  tickMeanMs: number;
  syncMeanMs: number;
  intervalMeanMs: number;
  tickHz: number;
  delivered: number;
  cpuPct: number;
  /** Process CPU (all threads) per client per tick, microseconds. */
  cpuUsPerClientTick: number;
  /** Sync step (capture, encode, send) per client per tick, microseconds of the main thread. */
  syncUsPerClientTick: number;
  rssPerConnKiB: number;
  bytesPerClientTick: number;
  fullSnapshots: number;
  rejected: number;
  withinBudget: boolean;
  reason: string;
}

export function judgeStep(
  n: number,
  report: TickReport,
  clients: ClientCounts,
  baselineRss: number,
): StepVerdict {
  const work = sortAscending(report.workMs);
  const intervalMeanMs = mean(report.intervalMs);
  const syncMeanMs = mean(report.syncMs);
  const v: StepVerdict = {
    n,
    tickP95Ms: percentileSorted(work, 0.95),
    tickP99Ms: percentileSorted(work, 0.99),
    tickMeanMs: mean(report.workMs),
    syncMeanMs,
    intervalMeanMs,
    tickHz: intervalMeanMs > 0 ? 1000 / intervalMeanMs : 0,
    delivered: report.packets > 0 ? clients.received / report.packets : 0,
    cpuPct: (report.cpuMs / report.wallMs) * 100,
    cpuUsPerClientTick: (report.cpuMs * 1000) / (report.ticks * n),
    syncUsPerClientTick: (syncMeanMs * 1000) / n,
    rssPerConnKiB: (report.rssBytes - baselineRss) / n / 1024,
    bytesPerClientTick: report.bytes / (report.ticks * n),
    fullSnapshots: report.fullSnapshots,
    rejected: clients.rejected,
    withinBudget: true,
    reason: '',
  };
  const reasons: string[] = [];
  // p95, not p99: on 2 shared cores the slowest ticks are preemption by other processes.
  if (v.tickP95Ms > TICK_BUDGET_MS)
    reasons.push(`tick p95 ${v.tickP95Ms.toFixed(1)} ms > ${TICK_BUDGET_MS.toFixed(1)} ms`);
  if (v.tickHz < 30 * 0.95) reasons.push(`loop ran at ${v.tickHz.toFixed(1)} Hz`);
  if (v.delivered < 0.95)
    reasons.push(`clients received ${(v.delivered * 100).toFixed(1)} % of snapshot packets`);
  if (report.sendErrors > 0) reasons.push(`${report.sendErrors} send errors`);
  if (clients.rejected > 0) reasons.push(`decoding clients rejected ${clients.rejected} packets`);
  v.withinBudget = reasons.length === 0;
  v.reason = reasons.join(', ');
  return v;
}

// Whether one step of the game suite kept the arena server within its budget, and the per-player
// costs of that step. The budget: a loop tick (every match: two 60 Hz simulation steps and the
// 30 Hz snapshots) p95 <= 16.7 ms, half the 33.3 ms snapshot period like the capacity suite's rule
// (the other half belongs to GC, native threads and the machine), and snapshots on time.
import { mean, percentileSorted, sortAscending } from '../../stats/percentile.js';
import type { ServerWindow } from './server-worker.js';

export const SNAPSHOT_HZ = 30;
export const TICK_BUDGET_MS = 1000 / SNAPSHOT_HZ / 2;
/** At most this share of ticks may start more than half a period late. */
export const MAX_LATE_FRACTION = 0.05;

export interface GameStep {
  players: number;
  matches: number;
  tickP50Ms: number;
  tickP95Ms: number;
  tickP99Ms: number;
  tickMeanMs: number;
  /** Process CPU time during a tick: what the tick costs when no other process competes. */
  tickCpuP50Ms: number;
  tickCpuP95Ms: number;
  lateP99Ms: number;
  lateFraction: number;
  tickHz: number;
  cpuPct: number;
  /** Process CPU (all threads) per player: % of a core, and microseconds per snapshot tick. */
  cpuPctPerPlayer: number;
  cpuUsPerPlayerTick: number;
  rssPerPlayerKiB: number;
  bytesOutPerPlayerS: number;
  bytesInPerPlayerS: number;
  withinBudget: boolean;
  reason: string;
}

export function judgeGameStep(w: ServerWindow, baselineRss: number): GameStep {
  const work = sortAscending(w.workMs);
  const late = sortAscending(w.lateMs);
  const cpuTick = sortAscending(w.cpuTickMs);
  const seconds = w.wallMs / 1000;
  const n = Math.max(1, w.players);
  const cpuPct = (w.cpuMs / w.wallMs) * 100;
  const step: GameStep = {
    players: w.players,
    matches: w.matches,
    tickP50Ms: percentileSorted(work, 0.5),
    tickP95Ms: percentileSorted(work, 0.95),
    tickP99Ms: percentileSorted(work, 0.99),
    tickMeanMs: mean(w.workMs),
    tickCpuP50Ms: percentileSorted(cpuTick, 0.5),
    tickCpuP95Ms: percentileSorted(cpuTick, 0.95),
    lateP99Ms: percentileSorted(late, 0.99),
    lateFraction: w.ticks > 0 ? (w.lateTicks + w.skippedTicks) / (w.ticks + w.skippedTicks) : 1,
    tickHz: w.ticks / seconds,
    cpuPct,
    cpuPctPerPlayer: cpuPct / n,
    cpuUsPerPlayerTick: (w.cpuMs * 1000) / (Math.max(1, w.ticks) * n),
    rssPerPlayerKiB: (w.rssBytes - baselineRss) / n / 1024,
    bytesOutPerPlayerS: w.bytesSent / seconds / n,
    bytesInPerPlayerS: w.bytesReceived / seconds / n,
    withinBudget: true,
    reason: '',
  };
  const reasons: string[] = [];
  if (step.tickP95Ms > TICK_BUDGET_MS)
    reasons.push(`tick p95 ${step.tickP95Ms.toFixed(1)} ms > ${TICK_BUDGET_MS.toFixed(1)} ms`);
  if (step.lateFraction > MAX_LATE_FRACTION)
    reasons.push(`${(step.lateFraction * 100).toFixed(1)} % of snapshots late (> half a period)`);
  if (step.tickHz < SNAPSHOT_HZ * 0.95) reasons.push(`loop ran at ${step.tickHz.toFixed(1)} Hz`);
  if (w.failedSteps > 0) reasons.push(`${w.failedSteps} match steps threw`);
  step.withinBudget = reasons.length === 0;
  step.reason = reasons.join(', ');
  return step;
}

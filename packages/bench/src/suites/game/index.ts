// game suite: how many players the arena's dedicated server (game-demo's startGameServer: 60 Hz
// simulation, 30 Hz snapshots, every match on one loop, one UDP port) holds in one process before
// its tick misses the budget. Players are the arena's own headless bots, in several other
// processes, meeting through an in-memory lobby's quick match (matches of 16). Players grow step
// by step; reported for each: loop tick p50/p95/p99, lateness, CPU, RSS and bandwidth per player;
// then the largest step within budget and the players per core it projects.
import type { LineChart } from '../../report/chart-types.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { startArena } from './arena.js';
import { judgeGameStep, MAX_LATE_FRACTION, TICK_BUDGET_MS } from './budget.js';
import type { GameStep } from './budget.js';
import type { ServerWindow } from './server-worker.js';

const FULL = { matchSize: 16, steps: [16, 32, 64, 96, 128, 192, 256], measureMs: 10_000, botProcesses: 3 };
const QUICK = { matchSize: 4, steps: [4, 8], measureMs: 2000, botProcesses: 2 };
const env = (name: string): number | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
};
/** Comma-separated player counts: measure exactly these, past a missed budget too. */
const STEPS = process.env.TICKWIRE_GAME_STEPS?.split(',').map(Number);

export async function runGameSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const base = options.quick ? QUICK : FULL;
  const matchSize = base.matchSize;
  // Whole matches only: a half-filled match would wait in the queue forever.
  const steps = (STEPS ?? base.steps).map((n) => Math.max(1, Math.ceil(n / matchSize)) * matchSize);
  const measureMs = env('TICKWIRE_GAME_MEASURE_MS') ?? base.measureMs;
  const botProcesses = env('TICKWIRE_GAME_BOT_PROCESSES') ?? base.botProcesses;
  const arena = await startArena({ matchSize, botProcesses });
  const verdicts: GameStep[] = [];
  let stopped = '';
  try {
    for (const [i, n] of steps.entries()) {
      try {
        await arena.addPlayers(n);
      } catch (error) {
        stopped = `Stopped before ${n} players: ${(error as Error).message}.`;
        break;
      }
      // Let the new players' first full snapshots and the round start settle.
      await new Promise((r) => setTimeout(r, 1500));
      const window = await arena.server.ipc.request<ServerWindow>(
        'measure',
        { ms: measureMs },
        measureMs * 4 + 30_000,
      );
      const verdict = judgeGameStep(window, arena.baselineRss);
      verdicts.push(verdict);
      options.onProgress?.((i + 1) / steps.length);
      if (!verdict.withinBudget) {
        stopped = `Stopped at ${verdict.players} players: ${verdict.reason}.`;
        if (!STEPS) break;
      }
    }
  } finally {
    await arena.close();
  }
  return summarize(verdicts, { matchSize, measureMs, botProcesses, stopped });
}

function summarize(
  verdicts: readonly GameStep[],
  run: { matchSize: number; measureMs: number; botProcesses: number; stopped: string },
): SuiteOutput {
  const firstMiss = verdicts.findIndex((v) => !v.withinBudget);
  const best = (firstMiss < 0 ? verdicts : verdicts.slice(0, firstMiss)).at(-1);
  const results: BenchResult[] = [];
  for (const v of verdicts) {
    const name = `players=${v.players}`;
    results.push(
      { name, metric: 'matches', value: v.matches, unit: 'matches' },
      { name, metric: 'tick_p50_ms', value: v.tickP50Ms, unit: 'ms' },
      { name, metric: 'tick_p95_ms', value: v.tickP95Ms, unit: 'ms' },
      { name, metric: 'tick_p99_ms', value: v.tickP99Ms, unit: 'ms' },
      { name, metric: 'tick_cpu_p50_ms', value: v.tickCpuP50Ms, unit: 'ms' },
      { name, metric: 'tick_cpu_p95_ms', value: v.tickCpuP95Ms, unit: 'ms' },
      { name, metric: 'late_fraction', value: v.lateFraction, unit: 'fraction' },
      { name, metric: 'tick_hz', value: v.tickHz, unit: 'Hz' },
      { name, metric: 'cpu_pct', value: v.cpuPct, unit: '% of a core' },
      { name, metric: 'cpu_pct_per_player', value: v.cpuPctPerPlayer, unit: '% of a core' },
      { name, metric: 'cpu_us_per_player_tick', value: v.cpuUsPerPlayerTick, unit: 'us' },
      { name, metric: 'rss_per_player_kib', value: v.rssPerPlayerKiB, unit: 'KiB' },
      { name, metric: 'bytes_out_per_player_s', value: v.bytesOutPerPlayerS, unit: 'B/s' },
      { name, metric: 'bytes_in_per_player_s', value: v.bytesInPerPlayerS, unit: 'B/s' },
    );
  }
  if (best) {
    const name = 'arena-server';
    results.push(
      { name, metric: 'max_players', value: best.players, unit: 'players' },
      { name, metric: 'tick_p95_ms', value: best.tickP95Ms, unit: 'ms' },
      { name, metric: 'cpu_pct_per_player', value: best.cpuPctPerPlayer, unit: '% of a core' },
      { name, metric: 'rss_per_player_kib', value: best.rssPerPlayerKiB, unit: 'KiB' },
      { name, metric: 'bytes_out_per_player_s', value: best.bytesOutPerPlayerS, unit: 'B/s' },
      // A whole core's worth of process CPU at this step's cost per player.
      { name, metric: 'players_per_core', value: Math.floor(100 / best.cpuPctPerPlayer), unit: 'players' },
    );
  }
  const chart: LineChart = {
    kind: 'line',
    title: 'Arena server: loop tick work (all matches) vs players in the process',
    xLabel: 'players',
    yLabel: 'ms',
    series: [
      { name: 'tick p50', points: verdicts.map((v) => [v.players, v.tickP50Ms]) },
      { name: 'tick p95', points: verdicts.map((v) => [v.players, v.tickP95Ms]) },
      { name: 'tick p99', points: verdicts.map((v) => [v.players, v.tickP99Ms]) },
      { name: 'tick CPU p95', points: verdicts.map((v) => [v.players, v.tickCpuP95Ms]) },
      { name: 'CPU (% core / 10)', points: verdicts.map((v) => [v.players, v.cpuPct / 10]) },
      { name: 'budget', points: verdicts.map((v) => [v.players, TICK_BUDGET_MS]) },
    ],
  };
  return {
    results,
    charts: [chart],
    notes: [
      `Budget per step (${run.measureMs} ms window): p95 of a loop tick's work (every match: two 60 Hz simulation steps, then snapshots encoded and sent) <= ${TICK_BUDGET_MS.toFixed(1)} ms, at most ${MAX_LATE_FRACTION * 100} % of ticks starting more than half a period late (or skipped), the loop at >= 95 % of 30 Hz.`,
      run.stopped || 'Every step was within budget; the largest step is a lower bound.',
      `Players: the arena's headless bots (lobby session, quick match, WebRTC to the server, prediction, bot brain at 60 Hz) in ${run.botProcesses} processes on the same machine; matches of ${run.matchSize} from the lobby's matchmaker, all hosted by the one server process.`,
      'tick_cpu_* = process CPU time (all threads) used while a tick ran: on a machine shared with other work the wall-clock tick includes waiting for a core, its CPU time does not.',
      'CPU is process.cpuUsage() of the server process (all threads, node-datachannel included) over the window; per player = that / players. RSS per player = (RSS at the step - RSS of the started server before any player) / players. Bandwidth = bytes the players\u2019 connections sent/received (both channels, transport counters) / window / players. players_per_core = 100 / (CPU % per player) at the largest step within budget.',
    ],
  };
}

// capacity suite: how many clients one Node authority process serves at 30 Hz on the real path: a
// tickwire Authority (one UDP port) under createSyncServer, matches of 64 players + 256 NPCs (one
// per 64 clients), quadrant interest, every client's inputs each tick, acks ~100 ms late. Clients
// live in two other processes. N grows until a tick misses its budget; reported: the largest N
// within budget, CPU per client per tick, memory per connection, open times, players per core.
import path from 'node:path';
import type { LineChart } from '../../report/chart-types.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { bridgeSignals } from '../../ipc/bridge.js';
import { spawnWorker } from '../../ipc/spawn.js';
import type { WorkerHandle } from '../../ipc/spawn.js';
import { percentileSorted, sortAscending } from '../../stats/percentile.js';
import type { TickReport } from './authority-worker.js';
import { judgeStep, TICK_BUDGET_MS } from './budget.js';
import type { ClientCounts, StepVerdict } from './budget.js';

const HZ = 30;
const FULL = { steps: [16, 64, 128, 256, 384, 512, 640, 768], measureMs: 6000 };
const QUICK = { steps: [4, 12], measureMs: 1500 };
/** Set to a directory to write a CPU profile of the authority for every step. */
const PROFILE_DIR = process.env.TICKWIRE_CAPACITY_PROFILE;
/**
 * Comma-separated client counts: measure exactly these steps, past a missed budget too (the costs
 * per client at a size the shared machine cannot hold within budget).
 */
const STEPS = process.env.TICKWIRE_CAPACITY_STEPS?.split(',').map(Number);

async function addClients(
  authority: WorkerHandle,
  clients: WorkerHandle[],
  from: number,
  to: number,
  openMs: number[],
): Promise<void> {
  // Batches: opening hundreds of peers at once only measures ICE timeouts on 2 cores.
  for (let base = from; base < to; base += 8) {
    const batch = [];
    for (let i = base; i < Math.min(base + 8, to); i++) {
      const conn = `cap-${i}`;
      const client = clients[i % clients.length] as WorkerHandle;
      const unbridge = bridgeSignals(authority.ipc, client.ipc, conn);
      batch.push(
        Promise.all([
          authority.ipc.request<number>('accept', { conn }, 30_000),
          client.ipc.request('connect', { conn }, 30_000),
        ])
          .then(([ms]) => void openMs.push(ms))
          .finally(unbridge),
      );
    }
    await Promise.all(batch);
  }
}

async function takeCounts(clients: WorkerHandle[]): Promise<ClientCounts> {
  const all = await Promise.all(clients.map((c) => c.ipc.request<ClientCounts>('take')));
  return all.reduce(
    (a, b) => ({
      received: a.received + b.received,
      completed: a.completed + b.completed,
      rejected: a.rejected + b.rejected,
    }),
    { received: 0, completed: 0, rejected: 0 },
  );
}

export async function runCapacitySuite(options: SuiteOptions): Promise<SuiteOutput> {
  const plan = STEPS ? { steps: STEPS, measureMs: FULL.measureMs } : options.quick ? QUICK : FULL;
  const workers: WorkerHandle[] = [];
  try {
    const authority = await spawnWorker(new URL('./authority-worker.js', import.meta.url));
    workers.push(authority);
    const clients = [
      await spawnWorker(new URL('./client-worker.js', import.meta.url)),
      await spawnWorker(new URL('./client-worker.js', import.meta.url)),
    ];
    workers.push(...clients);
    const baselineRss = await authority.ipc.request<number>('init');
    const verdicts: StepVerdict[] = [];
    const openMs: number[] = [];
    let connected = 0;
    for (const [i, n] of plan.steps.entries()) {
      await addClients(authority, clients, connected, n, openMs);
      connected = n;
      // Let the new clients' first (full) snapshots and acks settle, then count from zero.
      await new Promise((r) => setTimeout(r, 500));
      await takeCounts(clients);
      const profile = PROFILE_DIR ? path.join(PROFILE_DIR, `capacity-${n}.cpuprofile`) : undefined;
      const report = await authority.ipc.request<TickReport>(
        'measure',
        { ms: plan.measureMs, hz: HZ, profile },
        // An overloaded authority runs late: allow for ticks far slower than their period.
        plan.measureMs * 20 + 60_000,
      );
      // Let the last snapshots arrive before counting.
      await new Promise((r) => setTimeout(r, 200));
      const verdict = judgeStep(n, report, await takeCounts(clients), baselineRss);
      verdicts.push(verdict);
      options.onProgress?.((i + 1) / plan.steps.length);
      if (!verdict.withinBudget && !STEPS) break;
    }
    return summarize(verdicts, plan.measureMs, openMs);
  } finally {
    for (const w of workers.reverse()) await w.stop(10_000);
  }
}

function summarize(verdicts: readonly StepVerdict[], measureMs: number, openMs: number[]): SuiteOutput {
  // The largest N within budget, with every smaller step within budget too.
  const firstMiss = verdicts.findIndex((v) => !v.withinBudget);
  const best = (firstMiss < 0 ? verdicts : verdicts.slice(0, firstMiss)).at(-1);
  const results: BenchResult[] = [];
  for (const v of verdicts) {
    const name = `N=${v.n}`;
    results.push(
      { name, metric: 'tick_mean_ms', value: v.tickMeanMs, unit: 'ms' },
      { name, metric: 'tick_p95_ms', value: v.tickP95Ms, unit: 'ms' },
      { name, metric: 'tick_hz', value: v.tickHz, unit: 'Hz' },
      { name, metric: 'delivered_fraction', value: v.delivered, unit: 'fraction' },
      { name, metric: 'cpu_pct', value: v.cpuPct, unit: '% of a core' },
      { name, metric: 'cpu_us_per_client_tick', value: v.cpuUsPerClientTick, unit: 'us' },
      { name, metric: 'sync_us_per_client_tick', value: v.syncUsPerClientTick, unit: 'us' },
      { name, metric: 'bytes_per_client_tick', value: v.bytesPerClientTick, unit: 'bytes' },
      { name, metric: 'rss_per_conn_kib', value: v.rssPerConnKiB, unit: 'KiB' },
    );
  }
  const name = 'tickwire-authority';
  if (best) {
    results.push(
      { name, metric: 'max_clients', value: best.n, unit: 'clients' },
      { name, metric: 'cpu_us_per_client_tick', value: best.cpuUsPerClientTick, unit: 'us' },
      { name, metric: 'rss_per_conn_kib', value: best.rssPerConnKiB, unit: 'KiB' },
      { name, metric: 'tick_p95_ms', value: best.tickP95Ms, unit: 'ms' },
      // A core's worth of process CPU at this per-client cost (all threads of the authority).
      { name, metric: 'players_per_core', value: Math.floor((best.n * 100) / best.cpuPct), unit: 'players' },
    );
  }
  const opens = sortAscending(openMs);
  if (opens.length > 0) {
    results.push(
      { name: 'opens', metric: 'open_p50_ms', value: percentileSorted(opens, 0.5), unit: 'ms' },
      { name: 'opens', metric: 'open_p95_ms', value: percentileSorted(opens, 0.95), unit: 'ms' },
      { name: 'opens', metric: 'open_max_ms', value: opens.at(-1)!, unit: 'ms' },
      {
        name: 'opens',
        metric: 'opens_over_1s',
        value: opens.filter((ms) => ms >= 1000).length,
        unit: 'opens',
      },
    );
  }
  const last = verdicts.at(-1);
  const chart: LineChart = {
    kind: 'line',
    title: `Authority tick work at ${HZ} Hz vs clients`,
    xLabel: 'clients (N)',
    yLabel: 'ms / %',
    series: [
      { name: 'tick p95 (ms)', points: verdicts.map((v) => [v.n, v.tickP95Ms]) },
      { name: 'tick mean (ms)', points: verdicts.map((v) => [v.n, v.tickMeanMs]) },
      { name: 'sync step mean (ms)', points: verdicts.map((v) => [v.n, v.syncMeanMs]) },
      { name: 'CPU (% core / 10)', points: verdicts.map((v) => [v.n, v.cpuPct / 10]) },
      { name: 'budget (ms)', points: verdicts.map((v) => [v.n, TICK_BUDGET_MS]) },
    ],
  };
  return {
    results,
    charts: [chart],
    notes: [
      `Budget per step (${measureMs} ms at ${HZ} Hz): p95 of a tick's work (simulation with every client's inputs + sync step: capture, interest, encode, send) <= ${TICK_BUDGET_MS.toFixed(1)} ms (half the tick), the loop holds >= ${HZ * 0.95} Hz, clients receive >= 95 % of snapshot packets, and the decoding clients reject nothing.`,
      last && !last.withinBudget
        ? `Stopped at N=${last.n}: ${last.reason}.`
        : `Every step was within budget; the largest N tried is a lower bound.`,
      'World: one match of 64 players + 256 NPCs per 64 clients; a client sees its quadrant of its match plus a 512-unit margin (interestGroup = match and quadrant); 30 % of NPCs move each tick, every player moves by its input. Clients ack the newest tick they had 100 ms earlier and send an input every tick; two clients per process decode every snapshot with the real receiver.',
      'Clients run in two more processes on the same 2 cores (their node-datachannel threads compete with the authority), so the largest N is a lower bound for a dedicated server. CPU is process.cpuUsage() of the authority (all threads, node-datachannel included) over the step; players_per_core = N / that CPU in cores. Memory per connection is (RSS at the step - RSS before the first connection) / N.',
      `Opens: time from Authority.accept to open for every client of the run (batches of 8).`,
      `mean tick interval of the last step: ${last ? last.intervalMeanMs.toFixed(1) : '-'} ms`,
    ],
  };
}

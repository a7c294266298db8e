// Runs every suite with --quick through the real CLI (a child process, like `pnpm bench`) and
// checks the JSON it writes. Never asserts timing targets: those are reported, not tested.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNetlabSupported } from '@tickwire/netlab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSuiteReport } from '../src/result/validate.js';
import type { SuiteReport } from '../src/result/types.js';
import { SUITE_NAMES } from '../src/suites/names.js';
import type { SuiteName } from '../src/suites/names.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let dir = '';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], timeoutMs = 240_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tickwire-bench ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const STALENESS_METRICS = [
  'staleness_p50_ms',
  'staleness_p99_ms',
  'staleness_max_ms',
  'delivered_fraction',
  'longest_stall_ms',
];

/** Contenders and metrics each of the runner's own suites must report. */
const EXPECTED: Partial<Record<SuiteName, { names: string[]; metrics: string[] }>> = {
  rtt: {
    names: ['udp', 'ws', 'ndc-unreliable', 'ndc-reliable', 'tickwire-unreliable', 'tickwire-reliable'],
    metrics: ['rtt_p50', 'rtt_p99', 'rtt_p999', 'msgs_per_s'],
  },
  throughput: {
    names: ['ndc-unreliable@1024B', 'tickwire-unreliable@1024B', 'tickwire-reliable@16384B'],
    metrics: ['msgs_per_s', 'mb_per_s'],
  },
  // The first step's rows always exist (max_clients only when a step stayed within budget).
  capacity: {
    names: ['N=4'],
    metrics: ['tick_p95_ms', 'cpu_us_per_client_tick', 'rss_per_conn_kib'],
  },
  // Quick: matches of 4, steps of 4 and 8 players; the first step's rows always exist.
  game: {
    names: ['players=4'],
    metrics: [
      'tick_p50_ms',
      'tick_p95_ms',
      'tick_p99_ms',
      'cpu_pct_per_player',
      'rss_per_player_kib',
      'bytes_out_per_player_s',
      'bytes_in_per_player_s',
    ],
  },
  'game-browser': {
    names: ['chromium-swiftshader'],
    metrics: [
      'frame_p50_ms',
      'frame_p99_ms',
      'update_p99_ms',
      'render_p99_ms',
      'heap_start_mib',
      'heap_end_mib',
      'heap_slope_kib_per_min',
      'heap_no_growth',
    ],
  },
  loss: {
    names: [
      'tickwire-unreliable@5%',
      'tickwire-reliable@5%',
      'tickwire-reliable-tuned@5%',
      'ws@5%',
      'ndc-unreliable@20%',
    ],
    metrics: STALENESS_METRICS,
  },
  compare: { names: ['colyseus-server'], metrics: ['bytes_per_tick_mean'] },
  nat: {
    names: ['public~public', 'restricted-cone~symmetric', 'same-nat', 'public~udp-blocked'],
    metrics: ['success_rate', 'path_host', 'path_relay', 'path_lobby_relay'],
  },
  'nat-browser': {
    names: ['restricted-cone~symmetric', 'public~udp-blocked'],
    metrics: ['success_rate', 'open_p50_ms', 'path_relay'],
  },
};

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error('dist/cli.js is missing: run `pnpm --filter @tickwire/bench build` first');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bench-quick-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('tickwire-bench CLI', () => {
  it('prints usage and exits 2 on an unknown suite', async () => {
    const run = await runCli(['nope'], 30_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown suite "nope"/);
    expect(run.stderr).toMatch(/usage: tickwire-bench/);
  });

  it('prints usage on --help', async () => {
    const run = await runCli(['--help'], 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--quick/);
  });
});

describe.each(SUITE_NAMES.map((s) => [s]))('%s --quick', (suite) => {
  it('writes a valid report', { timeout: 300_000 }, async (ctx) => {
    const file = path.join(dir, `${suite}.json`);
    const run = await runCli([suite, '--quick', '--json', file]);
    const report: SuiteReport = assertSuiteReport(JSON.parse(await readFile(file, 'utf8')) as unknown);
    expect(report.suite).toBe(suite);
    const unavailable = report.notes?.find((n) => n.startsWith('unavailable:'));
    if (unavailable) {
      expect(run.code).toBe(0);
      expect(report.results).toEqual([]);
      ctx.skip(`${suite}: ${unavailable}`);
      return;
    }
    expect(run.code, run.stderr).toBe(0);
    expect(report.results.length).toBeGreaterThan(0);
    expect(run.stdout).toContain(`== ${suite} (ok`);
    const expected = EXPECTED[suite];
    for (const name of expected?.names ?? []) {
      for (const metric of expected?.metrics ?? []) {
        // compare's loss rows exist only where the network lab runs; its sync rows always.
        const row = report.results.find((r) => r.name === name && r.metric === metric);
        expect(row, `${suite}: ${name} ${metric}`).toBeDefined();
      }
    }
    if (suite === 'game') checkGame(report);
    if (suite === 'game-browser') checkGameBrowser(report);
    // The clients must really receive snapshots (a client that never joined got none, and the
    // suite measured an authority that sent nothing).
    if (suite === 'capacity') {
      const row = (metric: string) => report.results.find((r) => r.name === 'N=4' && r.metric === metric);
      expect(row('bytes_per_client_tick')?.value).toBeGreaterThan(0);
      expect(row('delivered_fraction')?.value).toBeGreaterThan(0.5);
    }
    // compare's loss workload: where the network lab runs, every contender reports it, geckos.io included.
    if (suite === 'compare' && isNetlabSupported().ok) {
      for (const name of ['tickwire-unreliable@5%', 'colyseus@5%', 'ws@5%', 'geckos-unreliable@5%']) {
        for (const metric of STALENESS_METRICS) {
          const row = report.results.find((r) => r.name === name && r.metric === metric);
          expect(row, `${suite}: ${name} ${metric}`).toBeDefined();
        }
      }
      expect(report.results.find((r) => r.metric === 'p99_ratio_vs_geckos')).toBeDefined();
    }
  });
});

const value = (report: SuiteReport, name: string, metric: string): number => {
  const row = report.results.find((r) => r.name === name && r.metric === metric);
  expect(row, `${name} ${metric}`).toBeDefined();
  return row!.value;
};

/** The game suite's numbers hang together: real players, real work, real traffic each way. */
function checkGame(report: SuiteReport): void {
  const steps = [...new Set(report.results.map((r) => r.name).filter((n) => n.startsWith('players=')))];
  expect(steps[0]).toBe('players=4');
  for (const step of steps) {
    const players = Number(step.slice('players='.length));
    // Matches of 4: the server hosts them all on its one loop.
    expect(value(report, step, 'matches')).toBe(Math.ceil(players / 4));
    const p50 = value(report, step, 'tick_p50_ms');
    expect(p50).toBeGreaterThan(0);
    expect(value(report, step, 'tick_p95_ms')).toBeGreaterThanOrEqual(p50);
    expect(value(report, step, 'tick_p99_ms')).toBeGreaterThanOrEqual(value(report, step, 'tick_p95_ms'));
    expect(value(report, step, 'tick_hz')).toBeGreaterThan(0);
    const cpu = value(report, step, 'cpu_pct');
    expect(cpu).toBeGreaterThan(0);
    expect(value(report, step, 'cpu_pct_per_player')).toBeCloseTo(cpu / players, 6);
    // Snapshots go out to every player and inputs come back (fewer than 30 a second on a loaded
    // machine: the rate is reported, not tested).
    expect(value(report, step, 'bytes_out_per_player_s')).toBeGreaterThan(0);
    expect(value(report, step, 'bytes_in_per_player_s')).toBeGreaterThan(0);
    expect(value(report, step, 'rss_per_player_kib')).not.toBe(0);
  }
  const max = report.results.find((r) => r.name === 'arena-server' && r.metric === 'max_players');
  if (max) {
    expect(steps).toContain(`players=${max.value}`);
    expect(value(report, 'arena-server', 'players_per_core')).toBeGreaterThan(0);
  }
}

/** The browser suite played (frames, ships on screen) and the heap verdict follows its numbers. */
function checkGameBrowser(report: SuiteReport): void {
  const name = 'chromium-swiftshader';
  expect(value(report, name, 'frames')).toBeGreaterThan(0);
  const p50 = value(report, name, 'frame_p50_ms');
  expect(p50).toBeGreaterThan(0);
  expect(value(report, name, 'frame_p99_ms')).toBeGreaterThanOrEqual(p50);
  // Quick: 4 players (the page and three bots) and 60 drifting entities besides the pickups (under
  // congestion the sync layer may hold back far ones: they travel as bullets).
  expect(value(report, name, 'ships_on_screen')).toBe(4);
  expect(value(report, name, 'entities_on_screen_mean')).toBeGreaterThan(40);
  const start = value(report, name, 'heap_start_mib');
  const end = value(report, name, 'heap_end_mib');
  expect(start).toBeGreaterThan(1);
  expect(value(report, name, 'heap_growth_kib')).toBeCloseTo((end - start) * 1024, 3);
  expect([0, 1]).toContain(value(report, name, 'heap_no_growth'));
}

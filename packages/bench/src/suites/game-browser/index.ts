// game-browser suite: the arena page in headless Chromium (software WebGL: SwiftShader) as one of
// 16 players on the dedicated server (15 bots in another process), with extra drifting entities
// in the match so ~300 are on screen. Measured in the page over the game: frame time (rAF deltas)
// and each frame's update and render work; and the JS heap after a forced GC every so often, to
// see whether it grows. A screenshot of the page at the end goes to the report directory.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startDemoServer } from '@tickwire/game-demo';
import type { DemoServer } from '@tickwire/game-demo';
import { launchChromium } from '@tickwire/testkit';
import type { Browser } from '@tickwire/testkit';
import type { LineChart } from '../../report/chart-types.js';
import type { BenchResult, SuiteOptions, SuiteOutput } from '../../result/types.js';
import { mean, percentileSorted, sortAscending } from '../../stats/percentile.js';
import { startArena } from '../game/arena.js';
import type { Arena } from '../game/arena.js';
import { GROWTH_MARGIN, judgeHeap } from './heap.js';
import type { HeapSample } from './heap.js';
import { BrowserPlayer } from './player.js';

const FULL = { players: 16, debris: 270, durationMs: 300_000, heapEveryMs: 30_000 };
const QUICK = { players: 4, debris: 60, durationMs: 12_000, heapEveryMs: 4000 };
const env = (name: string): number | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
};
/** `WIDTHxHEIGHT` of the page (CSS px, device pixel ratio 1). */
const VIEWPORT = (process.env.TICKWIRE_GAME_BROWSER_VIEWPORT ?? '1280x800').split('x').map(Number);
/** Frames right after a forced GC are left out of the frame times (the GC is the bench's own). */
const AFTER_GC_SETTLE_MS = 300;

export async function runGameBrowserSuite(options: SuiteOptions): Promise<SuiteOutput> {
  const base = options.quick ? QUICK : FULL;
  const durationMs = env('TICKWIRE_GAME_BROWSER_MS') ?? base.durationMs;
  const heapEveryMs = Math.min(base.heapEveryMs, durationMs / 4);
  const viewport = { width: VIEWPORT[0] ?? 1280, height: VIEWPORT[1] ?? 800 };
  let arena: Arena | undefined;
  let demo: DemoServer | undefined;
  let browser: Browser | undefined;
  let player: BrowserPlayer | undefined;
  try {
    arena = await startArena({ matchSize: base.players, botProcesses: 1, debrisPerMatch: base.debris });
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', lobbyUrl: arena.lobbyUrl });
    browser = await launchChromium({ exposeLocalIps: true });
    player = await BrowserPlayer.open(browser, demo.url, 'bench', viewport);
    await player.quickMatch();
    await arena.addPlayers(base.players, { external: 1 });
    await player.waitPlaying(base.players, 60_000);
    await player.startPlaying();
    // Warm up (first snapshots, textures, JIT), then measure from a clean start.
    await new Promise((r) => setTimeout(r, 3000));
    const deltas: number[] = [];
    const updates: number[] = [];
    const renders: number[] = [];
    const entities: number[] = [];
    let shipsSeen = 0;
    let dropped = 0;
    const heap: HeapSample[] = [];
    const started = performance.now();
    const sampleHeap = async () => {
      const frames = await player!.takeFrames();
      deltas.push(...frames.deltaMs);
      updates.push(...frames.updateMs);
      renders.push(...frames.renderMs);
      dropped += frames.dropped;
      heap.push({ minutes: (performance.now() - started) / 60_000, usedBytes: await player!.heapAfterGc() });
      await new Promise((r) => setTimeout(r, AFTER_GC_SETTLE_MS));
      await player!.takeFrames();
    };
    await sampleHeap();
    while (performance.now() - started < durationMs) {
      const next = Math.min(heapEveryMs, durationMs - (performance.now() - started));
      // Count what is on screen a few times per interval.
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, next / 4));
        const seen = await player.onScreen();
        entities.push(seen.entities);
        shipsSeen = Math.max(shipsSeen, seen.ships);
      }
      await sampleHeap();
      options.onProgress?.(Math.min(1, (performance.now() - started) / durationMs));
    }
    await player.stopPlaying();
    const painted = await player.canvasPainted();
    let screenshot: string | undefined;
    if (options.reportDir !== undefined) {
      await mkdir(options.reportDir, { recursive: true });
      screenshot = path.join(options.reportDir, 'game-browser.png');
      await player.page.screenshot({ path: screenshot });
    }
    return summarize({
      deltas,
      updates,
      renders,
      entities,
      shipsSeen,
      dropped,
      heap,
      painted,
      screenshot,
      durationMs: performance.now() - started,
      viewport,
      players: base.players,
      debris: base.debris,
    });
  } finally {
    await player?.close().catch(() => {});
    await browser?.close();
    await demo?.close();
    await arena?.close();
  }
}

interface Measured {
  deltas: number[];
  updates: number[];
  renders: number[];
  entities: number[];
  shipsSeen: number;
  dropped: number;
  heap: HeapSample[];
  painted: boolean;
  screenshot: string | undefined;
  durationMs: number;
  viewport: { width: number; height: number };
  players: number;
  debris: number;
}

function summarize(m: Measured): SuiteOutput {
  const delta = sortAscending(m.deltas);
  const update = sortAscending(m.updates);
  const render = sortAscending(m.renders);
  const heap = judgeHeap(m.heap);
  const mib = (bytes: number) => bytes / 1024 / 1024;
  const name = 'chromium-swiftshader';
  const results: BenchResult[] = [
    { name, metric: 'frame_p50_ms', value: percentileSorted(delta, 0.5), unit: 'ms' },
    { name, metric: 'frame_p99_ms', value: percentileSorted(delta, 0.99), unit: 'ms' },
    { name, metric: 'fps_mean', value: 1000 / mean(delta), unit: 'fps' },
    { name, metric: 'update_p50_ms', value: percentileSorted(update, 0.5), unit: 'ms' },
    { name, metric: 'update_p99_ms', value: percentileSorted(update, 0.99), unit: 'ms' },
    { name, metric: 'render_p50_ms', value: percentileSorted(render, 0.5), unit: 'ms' },
    { name, metric: 'render_p99_ms', value: percentileSorted(render, 0.99), unit: 'ms' },
    { name, metric: 'frames', value: m.deltas.length, unit: 'frames' },
    { name, metric: 'ships_on_screen', value: m.shipsSeen, unit: 'ships' },
    { name, metric: 'entities_on_screen_mean', value: mean(m.entities), unit: 'entities' },
    { name, metric: 'heap_start_mib', value: mib(heap.startBytes), unit: 'MiB' },
    { name, metric: 'heap_end_mib', value: mib(heap.endBytes), unit: 'MiB' },
    { name, metric: 'heap_growth_kib', value: heap.growthBytes / 1024, unit: 'KiB' },
    { name, metric: 'heap_slope_kib_per_min', value: heap.slopeBytesPerMin / 1024, unit: 'KiB/min' },
    { name, metric: 'heap_no_growth', value: heap.noGrowth ? 1 : 0, unit: 'bool' },
    { name, metric: 'duration_s', value: m.durationMs / 1000, unit: 's' },
  ];
  const chart: LineChart = {
    kind: 'line',
    title: 'Arena page: JS heap after a forced GC over the game',
    xLabel: 'minutes',
    yLabel: 'MiB',
    series: [
      { name: 'used heap after GC', points: m.heap.map((s) => [s.minutes, mib(s.usedBytes)]) },
      {
        name: 'start + margin',
        points: m.heap.map((s) => [s.minutes, mib(heap.startBytes + heap.marginBytes)]),
      },
    ],
  };
  return {
    results,
    charts: [chart],
    notes: [
      `One player in headless Chromium (software WebGL: SwiftShader, ${m.viewport.width}×${m.viewport.height}, set with TICKWIRE_GAME_BROWSER_VIEWPORT; run length TICKWIRE_GAME_BROWSER_MS) among ${m.players} players on the arena's dedicated server (the others: bots in another process), ${m.debris} extra drifting entities in the match (server option debrisPerMatch, synced as bullets through the real schema) besides ships, bullets and pickups; the page steers around with real key presses and fires throughout.`,
      `Frame time: requestAnimationFrame deltas as Pixi's ticker gets them; update = the app's own work in a frame (input steps, view, draw calls), render = Pixi's renderer; from the page's window.__tickwire.perf. Frames in the ${AFTER_GC_SETTLE_MS} ms after each forced GC are left out${m.dropped > 0 ? ` (${m.dropped} samples overflowed the page's buffers)` : ''}.`,
      `Heap: Runtime.getHeapUsage right after HeapProfiler.collectGarbage (CDP), ${m.heap.length} samples over ${(m.durationMs / 60_000).toFixed(1)} min; "no growth" = end <= start + max(${GROWTH_MARGIN.fraction * 100} % of start, ${GROWTH_MARGIN.bytes / 1024} KiB); slope by least squares.`,
      `Canvas painted at the end: ${m.painted ? 'yes' : 'NO'}${m.screenshot ? `; screenshot ${path.basename(m.screenshot)} next to the charts` : ''}.`,
    ],
  };
}

// Where each suite's runner lives. Suites load lazily so `tickwire-bench rtt` never imports the
// network lab or Colyseus. `sync` and `lobby` are written by other packages' owners: when their
// module is missing or broken the suite is reported unavailable (with why), never a crash.
import { BenchError } from '../errors.js';
import type { SuiteRunner } from '../result/types.js';
import type { SuiteName } from './names.js';

export interface SuiteEntry {
  name: SuiteName;
  description: string;
  load(): Promise<SuiteRunner>;
}

function pick(mod: Record<string, unknown>, exportName: string, where: string): SuiteRunner {
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    throw new BenchError('SUITE_UNAVAILABLE', `${where} does not export a function ${exportName}()`);
  }
  return fn as SuiteRunner;
}

/** Imports a module that may not exist yet; the specifier is not a literal so the build never needs it. */
async function loadOptional(file: string, exportName: string): Promise<SuiteRunner> {
  const where = `packages/bench/src/suites/${file.replace(/\.js$/, '.ts')}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(new URL(`./${file}`, import.meta.url).href)) as Record<string, unknown>;
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const message = (cause as Error).message;
    // Missing: the owner has not delivered it yet (unavailable). Present but broken: a failure.
    if (code === 'ERR_MODULE_NOT_FOUND' && message.includes(file)) {
      throw new BenchError(
        'SUITE_UNAVAILABLE',
        `${where} has not been written yet (no compiled dist/suites/${file})`,
        { cause },
      );
    }
    throw new Error(`${where} failed to load: ${message}`, { cause });
  }
  return pick(mod, exportName, where);
}

export const SUITES: Record<SuiteName, SuiteEntry> = {
  rtt: {
    name: 'rtt',
    description: 'cross-process loopback ping-pong RTT: udp, ws, raw node-datachannel, tickwire',
    load: async () => (await import('./rtt/index.js')).runRttSuite,
  },
  throughput: {
    name: 'throughput',
    description: 'messages/s and MB/s per channel kind and size; where unreliable sends start to drop',
    load: async () => (await import('./throughput/index.js')).runThroughputSuite,
  },
  sync: {
    name: 'sync',
    description: 'state-sync bytes per tick and encode/decode time vs JSON, msgpackr, Colyseus schema',
    load: () => loadOptional('sync.js', 'runSyncSuite'),
  },
  lobby: {
    name: 'lobby',
    description: 'lobby sessions held, matchmaking throughput, signaling latency under load',
    load: () => loadOptional('lobby.js', 'runLobbySuite'),
  },
  capacity: {
    name: 'capacity',
    description: 'one authority process, N clients at 30 Hz: largest N within the tick budget',
    load: async () => (await import('./capacity/index.js')).runCapacitySuite,
  },
  game: {
    name: 'game',
    description: "the arena's dedicated server with bots in other processes: players per process in budget",
    load: async () => (await import('./game/index.js')).runGameSuite,
  },
  'game-browser': {
    name: 'game-browser',
    description:
      'the arena in headless Chromium, 16 players + ~300 entities: frame time, JS heap over a game',
    load: async () => (await import('./game-browser/index.js')).runGameBrowserSuite,
  },
  loss: {
    name: 'loss',
    description: '60 Hz state stream over a 40 ms RTT link at 0-20 % loss: staleness, stalls',
    load: async () => (await import('./loss/index.js')).runLossSuite,
  },
  compare: {
    name: 'compare',
    description: 'the same workloads through geckos.io and Colyseus, in the same run',
    load: async () => (await import('./compare/index.js')).runCompareSuite,
  },
  nat: {
    name: 'nat',
    description:
      'NAT matrix: Node peers on every host kind meet through lobby + coturn; success, time to open, path',
    load: async () => (await import('./nat/index.js')).runNatSuite,
  },
  'nat-browser': {
    name: 'nat-browser',
    description:
      'NAT matrix with Chromium peers inside the lab namespaces: success, time to open, path, TURN over TCP',
    load: async () => (await import('./nat/browser/index.js')).runNatBrowserSuite,
  },
};

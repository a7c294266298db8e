// The slice of the sync suite's seeded scenario (../sync/scenario.ts) that the compare suite
// replays through a real Colyseus server, loaded at run time so a broken scenario module is
// reported by this suite rather than failing its import.

// The types are the scenario's own (type-only import: nothing is loaded at build time).
import type { Scenario } from '../sync/scenario.js';

export type { EntitySpec, Op, Scenario } from '../sync/scenario.js';

export interface ScenarioModule {
  buildScenario(ticks: number, seed?: number): Scenario;
}

/** Loads ../sync/scenario.js, or explains why it cannot. */
export async function loadScenarioModule(): Promise<ScenarioModule> {
  const url = new URL('../sync/scenario.js', import.meta.url).href;
  const mod = (await import(url)) as Partial<ScenarioModule>;
  if (typeof mod.buildScenario !== 'function')
    throw new Error('suites/sync/scenario.js does not export buildScenario()');
  return mod as ScenarioModule;
}

// The slice of the sync suite's seeded scenario (../sync/scenario.ts, written by the state-sync
// owner) that the compare suite replays through a real Colyseus server. Restated here and loaded
// at run time, so this suite builds (and reports why) even when that module is absent.

export interface EntitySpec {
  id: number;
  kind: 'player' | 'npc';
  name: string;
  x: number;
  y: number;
  angle: number;
  hp: number;
}

export type Op =
  | { k: 'move'; id: number; x: number; y: number; angle: number }
  | { k: 'hp'; id: number; hp: number }
  | { k: 'spawn'; e: EntitySpec }
  | { k: 'despawn'; id: number };

export interface Scenario {
  initial: EntitySpec[];
  ticks: Op[][];
}

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

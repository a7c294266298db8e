// The suites the runner knows, in the order `all` runs them (cheap and self-contained first, the
// root-only network-lab suites last).

export const SUITE_NAMES = [
  'rtt',
  'throughput',
  'sync',
  'lobby',
  'capacity',
  'game',
  'game-browser',
  'loss',
  'compare',
  'nat',
  'nat-browser',
] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

export function isSuiteName(value: string): value is SuiteName {
  return (SUITE_NAMES as readonly string[]).includes(value);
}

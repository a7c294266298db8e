// Checks a player input that came from the network before the simulation sees it. The sync layer
// already decodes inputs against the input schema; this is the game's own rule check, so a value
// the schema allows but the rules do not (or a hand-built object) is refused, never clamped
// silently: the caller counts refusals.
import { MAX_REWIND_TICKS } from './constants.js';
import type { PlayerInput } from './types.js';

const isAxis = (v: unknown): v is number => v === -1 || v === 0 || v === 1;

/** The input if every field is in range, else undefined. */
export function parseInput(value: unknown): PlayerInput | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!isAxis(v['mx']) || !isAxis(v['my'])) return undefined;
  const aim = v['aim'];
  if (typeof aim !== 'number' || !Number.isFinite(aim) || Math.abs(aim) > 8) return undefined;
  if (typeof v['fire'] !== 'boolean') return undefined;
  const lag = v['lag'];
  if (typeof lag !== 'number' || !Number.isInteger(lag) || lag < 0 || lag > 63) return undefined;
  return { mx: v['mx'], my: v['my'], aim, fire: v['fire'], lag: Math.min(lag, MAX_REWIND_TICKS) };
}

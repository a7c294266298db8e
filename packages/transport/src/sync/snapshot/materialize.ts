// Builds the game-side entity object a receiver hands to game code from a quantized row (spawns
// and inputs; updates clone the previous object in the decoder). The objects are shared between
// snapshots: game code must treat them as read-only.
import type { EntityType } from '../schema/define.js';
import type { Quantized } from '../schema/field-types.js';

export function materialize(type: EntityType, q: readonly Quantized[]): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const { fields, fieldNames } = type;
  for (let f = 0; f < fields.length; f++) {
    value[fieldNames[f]!] = (fields[f]!.dequantize as (x: Quantized) => unknown)(q[f]!);
  }
  return value;
}

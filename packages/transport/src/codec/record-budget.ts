// The stream's record-definition budget, as plain integer arithmetic both peers compute
// identically from the bytes of the stream (the encoder mirrors the peer's decoder exactly).
// Must never use clocks or floating point: a drift between the two sides would refuse honest data.

import type { ResolvedLimits } from './limits.js';

/** Budget (in bytes of credit) a fresh stream starts with: the full burst. */
export function initialRecordBudget(limits: ResolvedLimits): number {
  return limits.recordDefinitionBurst * limits.bytesPerRecordDefinition;
}

/**
 * The budget after a message of `messageBytes` carrying `definitions` record definitions, or -1
 * when it cannot afford them. A message's own bytes are credited first, capped at the burst.
 */
export function chargeRecordBudget(
  budget: number,
  messageBytes: number,
  definitions: number,
  limits: ResolvedLimits,
): number {
  const credited = Math.min(initialRecordBudget(limits), budget + messageBytes);
  const cost = definitions * limits.bytesPerRecordDefinition;
  return cost > credited ? -1 : credited - cost;
}

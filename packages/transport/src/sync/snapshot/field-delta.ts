// How one changed numeric field is coded against its baseline value: the difference (taken modulo
// the circle for angles) is zig-zagged into v >= 0 and written in a per-packet width W chosen to
// minimise the packet's bits; values that do not fit escape to the absolute value. A boolean that
// changed has flipped, so it costs no value bits at all. The decoder's side is readChange in
// part-set.ts.
import type { BitWriter } from '../bits/bit-writer.js';
import { bitLength, POW2, zigzag } from '../bits/codes.js';
import type { NumericField } from '../schema/field-types.js';

/** Histogram slots: L = bitLength(v + 1) is at most bits + 2 <= 34. */
export const HIST_SLOTS = 35;

/** v >= 0 for a changed value q != qb. */
export function deltaCode(field: NumericField<unknown>, q: number, qb: number): number {
  let d = q - qb;
  if (field.wrap) {
    const steps = field.maxQ + 1;
    if (d >= steps / 2) d -= steps;
    else if (d < -steps / 2) d += steps;
  }
  return zigzag(d) - 1;
}

/** Width that minimises total bits for the histogram of L = bitLength(v + 1) values. */
export function chooseWidth(
  hist: Int32Array | number[],
  offset: number,
  bits: number,
): { width: number; cost: number } {
  let total = 0;
  const maxW = maxWidth(bits);
  for (let l = 1; l <= maxW; l++) total += hist[offset + l]!;
  let bestW = 0;
  let bestCost = total * bits; // W = 0: every value escapes to its absolute form
  let fitting = 0;
  for (let w = 1; w <= maxW; w++) {
    fitting += hist[offset + w]!;
    const cost = w * total + bits * (total - fitting);
    if (cost < bestCost) {
      bestCost = cost;
      bestW = w;
    }
  }
  return { width: bestW, cost: bestCost };
}

/** Widths above 32 never pay off and would not fit one BitWriter call. */
export function maxWidth(bits: number): number {
  return Math.min(bits + 2, 32);
}

export function widthFieldBits(field: NumericField<unknown>): number {
  return bitLength(maxWidth(field.bits));
}

/** Bits `writeNumericChange` spends on delta code v with width w. */
export function changeCost(v: number, w: number, bits: number): number {
  return bitLength(v + 1) <= w ? w : w + bits;
}

export function writeNumericChange(
  out: BitWriter,
  field: NumericField<unknown>,
  q: number,
  v: number,
  w: number,
): void {
  if (bitLength(v + 1) <= w) {
    out.write(v, w);
  } else {
    if (w > 0) out.write(POW2[w]! - 1, w);
    out.write(q, field.bits);
  }
}

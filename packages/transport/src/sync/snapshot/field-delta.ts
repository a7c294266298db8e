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

/**
 * v >= 0 for a changed value q != qb; `period` is 2^bits for fields that wrap (angles), else 0.
 * Plain numbers, not the field object: the encoder calls this for every changed value.
 */
export function deltaCode(q: number, qb: number, period: number): number {
  let d = q - qb;
  if (period > 0) {
    if (d >= period / 2) d -= period;
    else if (d < -period / 2) d += period;
  }
  return zigzag(d) - 1;
}

/** bitLength(v + 1): the smallest width that carries delta code v without escaping. */
export function codeLength(v: number): number {
  return v < 0x7fffffff ? 32 - Math.clz32(v + 1) : bitLength(v + 1);
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

/** Bits `writeNumericChange` spends on a delta code of length `length` with width w. */
export function changeCost(length: number, w: number, bits: number): number {
  return length <= w ? w : w + bits;
}

/** Writes delta code v (of length `length`) in width w, or the escape and the absolute q. */
export function writeNumericChange(
  out: BitWriter,
  q: number,
  v: number,
  length: number,
  w: number,
  bits: number,
): void {
  if (length <= w) {
    out.write(v, w);
  } else {
    if (w > 0) out.write(POW2[w]! - 1, w);
    out.write(q, bits);
  }
}

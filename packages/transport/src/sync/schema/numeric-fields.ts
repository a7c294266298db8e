// Builders for numeric fields: ints with a range, floats quantized by step or bit count, angles
// that wrap, booleans and enums. Out-of-range game values clamp (quantization is lossy by design);
// an enum value that is not declared is a programming error and throws.
import { bitLength } from '../bits/codes.js';
import type { NumericField } from './field-types.js';
import { dequantizeCircle, dequantizeLinear, quantizeCircle, quantizeLinear } from './quantize.js';

const TWO_PI = Math.PI * 2;

function checkRange(what: string, min: number, max: number): void {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
    throw new RangeError(`${what}: need finite min < max, got [${min}, ${max}]`);
  }
}

/** An integer in [min, max] (both inclusive); costs ceil(log2(max - min + 1)) bits absolute. */
export function int(options: { min: number; max: number }): NumericField<number> {
  const { min, max } = options;
  checkRange('t.int', min, max);
  if (!Number.isInteger(min) || !Number.isInteger(max) || max - min > 0xffffffff) {
    throw new RangeError('t.int: min and max must be integers at most 2^32 - 1 apart');
  }
  const maxQ = max - min;
  return {
    kind: 'int',
    numeric: true,
    maxQ,
    bits: bitLength(maxQ),
    wrap: false,
    maxError: 0.5,
    linear: { min, step: 1, inv: 1 },
    describe: `int(${min},${max})`,
    quantize: (v) => quantizeLinear(v, min, 1, maxQ),
    dequantize: (q) => dequantizeLinear(q, min, 1),
  };
}

/**
 * A float in [min, max] quantized to `step` (e.g. 1/16 of a world unit) or to `bits` bits spread
 * evenly over the range. Both ends are representable.
 */
export function float(
  options: { min: number; max: number } & ({ step: number } | { bits: number }),
): NumericField<number> {
  const { min, max } = options;
  checkRange('t.float', min, max);
  let maxQ: number;
  let step: number;
  if ('step' in options) {
    if (!(options.step > 0)) throw new RangeError('t.float: step must be > 0');
    maxQ = Math.ceil((max - min) / options.step - 1e-9);
    step = options.step;
  } else {
    if (!Number.isInteger(options.bits) || options.bits < 1 || options.bits > 32) {
      throw new RangeError('t.float: bits must be an integer in 1..32');
    }
    maxQ = 2 ** options.bits - 1;
    step = (max - min) / maxQ;
  }
  if (maxQ > 0xffffffff) throw new RangeError('t.float: more than 2^32 steps');
  // Receivers recover a baseline's q by re-quantizing its float; that is exact only while the
  // range's distance from zero, counted in steps, stays far inside a double's 53-bit mantissa.
  if ((Math.abs(min) + Math.abs(max)) / step > 2 ** 40)
    throw new RangeError('t.float: range too far from 0 for its step');
  const inv = 1 / step;
  return {
    kind: 'float',
    numeric: true,
    maxQ,
    bits: bitLength(maxQ),
    wrap: false,
    maxError: step / 2,
    linear: { min, step, inv },
    describe: `float(${min},${max},${step})`,
    quantize: (v) => quantizeLinear(v, min, inv, maxQ),
    dequantize: (q) => dequantizeLinear(q, min, step),
  };
}

/**
 * An angle in radians on `bits` bits (default 8) that wraps: 2π - ε and 0 are neighbours, so a
 * turn across the seam costs a one-step delta. Decodes into [0, 2π), or [-π, π) with `signed`.
 */
export function angle(options: { bits?: number; signed?: boolean } = {}): NumericField<number> {
  const bits = options.bits ?? 8;
  if (!Number.isInteger(bits) || bits < 2 || bits > 24)
    throw new RangeError('t.angle: bits must be in 2..24');
  const steps = 2 ** bits;
  const perRad = steps / TWO_PI;
  const signed = options.signed === true;
  return {
    kind: 'angle',
    numeric: true,
    maxQ: steps - 1,
    bits,
    wrap: true,
    signed,
    maxError: Math.PI / steps,
    circle: { perRad, steps },
    describe: `angle(${bits},${signed})`,
    quantize: (v) => quantizeCircle(v, perRad, steps),
    dequantize: (q) => dequantizeCircle(q, perRad, steps, signed),
  };
}

export function bool(): NumericField<boolean> {
  return {
    kind: 'bool',
    numeric: true,
    maxQ: 1,
    bits: 1,
    wrap: false,
    maxError: 0,
    describe: 'bool',
    quantize: (v) => (v ? 1 : 0),
    dequantize: (q) => q === 1,
  };
}

/** One of a fixed list of strings, sent as its index. */
export function enumOf<const V extends readonly [string, ...string[]]>(values: V): NumericField<V[number]> {
  if (new Set(values).size !== values.length) throw new RangeError('t.enum: duplicate values');
  const index = new Map<string, number>(values.map((v, i) => [v, i]));
  const maxQ = values.length - 1;
  return {
    kind: 'enum',
    numeric: true,
    maxQ,
    bits: bitLength(maxQ),
    wrap: false,
    maxError: 0,
    describe: `enum(${JSON.stringify(values)})`,
    quantize: (v) => {
      const q = index.get(v);
      if (q === undefined)
        throw new RangeError(`t.enum: ${JSON.stringify(v)} is not one of ${values.join(', ')}`);
      return q;
    },
    dequantize: (q) => values[q] as V[number],
  };
}

// The quantization formulas of the numeric fields, written once. Two closed forms cover ints,
// floats and angles: linear (q = clamp(round((v - min) * inv)), v = min + q * step) and circle
// (q = round(v * perRad) mod steps, v = q / perRad, minus 2π above half a turn when signed). The
// field builders and the codec's flat tables call the functions; the code generator inlines the
// same formulas as source text from the `…Source` twins next to them, so the three can never
// disagree (test: sync-schema "inlined and generated quantization agree exactly"). Pure arithmetic:
// nothing here allocates or throws.

const TWO_PI = Math.PI * 2;

/** Clamps a rounded q into [0, maxQ]; NaN lands on 0 (a corrupt game value must not poison the wire). */
export function clampQ(q: number, maxQ: number): number {
  return q > 0 ? (q < maxQ ? q : maxQ) : 0;
}

export function quantizeLinear(value: number, min: number, inv: number, maxQ: number): number {
  return clampQ(Math.round((value - min) * inv), maxQ);
}

export function dequantizeLinear(q: number, min: number, step: number): number {
  return min + q * step;
}

export function quantizeCircle(value: number, perRad: number, steps: number): number {
  const q = Math.round(value * perRad) % steps;
  // NaN and -0 become 0.
  return q < 0 ? q + steps : q > 0 ? q : 0;
}

export function dequantizeCircle(q: number, perRad: number, steps: number, signed: boolean): number {
  const a = q / perRad;
  return signed && q >= steps / 2 ? a - TWO_PI : a;
}

// ---- the same formulas as JavaScript source, for generated code ----------------------------------

/** A number as a source literal that reads back exactly (-0 and negatives parenthesized). */
export function literal(n: number): string {
  return Object.is(n, -0) ? '(-0)' : `(${String(n)})`;
}

/** quantizeLinear as an expression over `src`; assigns the temporary `tmp`. */
export function quantizeLinearSource(
  src: string,
  min: number,
  inv: number,
  maxQ: number,
  tmp: string,
): string {
  const max = literal(maxQ);
  return `(${tmp} = Math.round((${src} - ${literal(min)}) * ${literal(inv)}), ${tmp} > 0 ? (${tmp} < ${max} ? ${tmp} : ${max}) : 0)`;
}

export function dequantizeLinearSource(src: string, min: number, step: number): string {
  return `(${literal(min)} + ${src} * ${literal(step)})`;
}

/** quantizeCircle as an expression over `src`; assigns the temporary `tmp`. */
export function quantizeCircleSource(src: string, perRad: number, steps: number, tmp: string): string {
  const s = literal(steps);
  return `(${tmp} = Math.round(${src} * ${literal(perRad)}) % ${s}, ${tmp} < 0 ? ${tmp} + ${s} : ${tmp} > 0 ? ${tmp} : 0)`;
}

export function dequantizeCircleSource(src: string, perRad: number, steps: number, signed: boolean): string {
  const plain = `(${src} / ${literal(perRad)})`;
  return signed ? `(${src} >= ${literal(steps / 2)} ? ${plain} - ${literal(TWO_PI)} : ${plain})` : plain;
}

// Specialised per-entity-type functions for the two hottest loops (authority capture and receiver
// update), generated once per schema with named property access and the quantization constants
// inlined: several times faster than the generic loops over field tables. Where code generation is
// not allowed (a browser page with a strict Content-Security-Policy) it returns undefined and the
// callers keep their generic loops, which give identical results.
import type { BitReader } from '../bits/bit-reader.js';
import {
  dequantizeCircleSource,
  dequantizeLinearSource,
  literal,
  quantizeCircleSource,
  quantizeLinearSource,
} from '../schema/quantize.js';
import { FieldCoding, type TypeCodec } from './type-codec.js';
import type { EntityValue, QRow } from './types.js';

export type CaptureFn = (state: Readonly<Record<string, unknown>>, prev: QRow | undefined) => QRow;
export type UpdateFn = (
  r: BitReader,
  before: EntityValue,
  mask: number,
  widths: readonly number[],
) => EntityValue;
export type ReadChange = (
  r: BitReader,
  qb: number,
  width: number,
  bits: number,
  maxQ: number,
  period: number,
) => number;

const FORM_LINEAR = 0;
const FORM_CIRCLE = 1;

/** Expression quantizing `src` for field f (uses temporary `t`). */
function quantizeExpr(c: TypeCodec, f: number, src: string): string {
  if (c.form[f] === FORM_LINEAR) return quantizeLinearSource(src, c.a[f]!, c.inv[f]!, c.maxQ[f]!, 't');
  if (c.form[f] === FORM_CIRCLE) return quantizeCircleSource(src, c.inv[f]!, c.period[f]!, 't');
  return `Q[${f}](${src})`;
}

function dequantizeExpr(c: TypeCodec, f: number, src: string): string {
  if (c.form[f] === FORM_LINEAR) return dequantizeLinearSource(src, c.a[f]!, c.step[f]!);
  if (c.form[f] === FORM_CIRCLE) return dequantizeCircleSource(src, c.inv[f]!, c.period[f]!, c.signed[f]!);
  return `D[${f}](${src})`;
}

function compile<T>(params: string[], body: string, args: unknown[]): T | undefined {
  try {
    // Generated from the schema's field names (identifiers only) and numbers: no outside input.
    return (new Function(...params, body) as (...a: unknown[]) => T)(...args);
  } catch {
    return undefined;
  }
}

function tables(c: TypeCodec): unknown[] {
  return [
    c.fields.map((field) => field.quantize),
    c.fields.map((field) => field.dequantize),
    c.fields.map((field) => (field.numeric ? undefined : field.equals)),
    c.fields.map((field) => (field.numeric ? undefined : (r: BitReader) => field.read(r))),
  ];
}

export function compileCapture(c: TypeCodec): CaptureFn | undefined {
  const n = c.names.length;
  const lines: string[] = ['let t;'];
  const same: string[] = [];
  for (let f = 0; f < n; f++) {
    lines.push(`const v${f} = ${quantizeExpr(c, f, `s[${JSON.stringify(c.names[f])}]`)};`);
    same.push(
      c.coding[f] === FieldCoding.Blob
        ? `(p[${f}] === v${f} || E[${f}](p[${f}], v${f}))`
        : `p[${f}] === v${f}`,
    );
  }
  const values = Array.from({ length: n }, (_, f) => `v${f}`).join(', ');
  const body = `return function capture(s, p) {\n${lines.join('\n')}\nif (p !== undefined && ${same.join(' && ')}) return p;\nreturn [${values}];\n};`;
  return compile<CaptureFn>(['Q', 'D', 'E', 'B'], body, tables(c));
}

export function compileUpdate(c: TypeCodec, readChange: ReadChange): UpdateFn | undefined {
  const n = c.names.length;
  const keys = c.names.map((name) => JSON.stringify(name));
  // Each changed field is read into a local in wire order, then the new object is one literal
  // (the previous one's hidden class, no stores after allocation).
  const lines: string[] = ['let t, q;'];
  for (let f = 0; f < n; f++) {
    const key = keys[f]!;
    let step: string;
    if (c.coding[f] === FieldCoding.Blob) step = `D[${f}](B[${f}](r))`;
    else {
      const qb = quantizeExpr(c, f, `b[${key}]`);
      const next =
        c.coding[f] === FieldCoding.Flip
          ? `1 - ${qb}`
          : `R(r, ${qb}, w[${f}], ${c.bits[f]}, ${literal(c.maxQ[f]!)}, ${c.period[f]})`;
      step = `(q = ${next}, ${dequantizeExpr(c, f, 'q')})`;
    }
    lines.push(
      `const v${f} = (m & ${f === 31 ? '-2147483648' : String(1 << f)}) !== 0 ? ${step} : b[${key}];`,
    );
  }
  const fields = keys.map((key, f) => `${key}: v${f}`).join(', ');
  const body = `return function update(r, b, m, w) {\n${lines.join('\n')}\nreturn { ${fields} };\n};`;
  return compile<UpdateFn>(['Q', 'D', 'E', 'B', 'R'], body, [...tables(c), readChange]);
}

// Flat, per-entity-type tables of what the hot loops need about each field, plus inlined
// quantize/dequantize for the closed-form kinds, so capture and decode read plain arrays instead
// of calling through polymorphic field objects. Results are identical to the field's own methods.
import type { EntityType } from '../schema/define.js';
import type { AnyField, Quantized } from '../schema/field-types.js';
import { dequantizeCircle, dequantizeLinear, quantizeCircle, quantizeLinear } from '../schema/quantize.js';

export const FieldCoding = { Delta: 0, Flip: 1, Blob: 2 } as const;
export type FieldCoding = (typeof FieldCoding)[keyof typeof FieldCoding];

/** How a numeric field quantizes: 0 linear (ints, floats), 1 circle (angles), 2 its own methods. */
const Form = { Linear: 0, Circle: 1, Generic: 2 } as const;
type Form = (typeof Form)[keyof typeof Form];

export interface TypeCodec {
  readonly type: EntityType;
  readonly fields: readonly AnyField[];
  readonly names: readonly string[];
  readonly coding: readonly FieldCoding[];
  readonly bits: readonly number[];
  readonly maxQ: readonly number[];
  /** 2^bits for wrapping fields (angles), 0 otherwise. */
  readonly period: readonly number[];
  readonly form: readonly Form[];
  /** Linear: min, step, 1/step. Circle: 0, 1/perRad, perRad. */
  readonly a: readonly number[];
  readonly step: readonly number[];
  readonly inv: readonly number[];
  readonly signed: readonly boolean[];
}

export function typeCodec(type: EntityType): TypeCodec {
  const { fields } = type;
  const num = <T>(f: AnyField, pick: (n: Extract<AnyField, { numeric: true }>) => T, other: T): T =>
    f.numeric ? pick(f) : other;
  return {
    type,
    fields,
    names: type.fieldNames,
    coding: fields.map((f) =>
      !f.numeric ? FieldCoding.Blob : f.kind === 'bool' ? FieldCoding.Flip : FieldCoding.Delta,
    ),
    bits: fields.map((f) => num(f, (n) => n.bits, 0)),
    maxQ: fields.map((f) => num(f, (n) => n.maxQ, 0)),
    period: fields.map((f) => num(f, (n) => (n.wrap ? n.maxQ + 1 : 0), 0)),
    form: fields.map((f) =>
      num<Form>(f, (n) => (n.linear ? Form.Linear : n.circle ? Form.Circle : Form.Generic), Form.Generic),
    ),
    a: fields.map((f) => num(f, (n) => n.linear?.min ?? 0, 0)),
    step: fields.map((f) => num(f, (n) => n.linear?.step ?? (n.circle ? 1 / n.circle.perRad : 0), 0)),
    inv: fields.map((f) => num(f, (n) => n.linear?.inv ?? n.circle?.perRad ?? 0, 0)),
    signed: fields.map((f) => num(f, (n) => n.signed === true, false)),
  };
}

/** Same result as `fields[f].quantize(value)`. */
export function quantizeField(c: TypeCodec, f: number, value: unknown): Quantized {
  const form = c.form[f];
  if (form === Form.Linear) return quantizeLinear(value as number, c.a[f]!, c.inv[f]!, c.maxQ[f]!);
  if (form === Form.Circle) return quantizeCircle(value as number, c.inv[f]!, c.period[f]!);
  return (c.fields[f]!.quantize as (v: unknown) => Quantized)(value);
}

/** Same result as `fields[f].dequantize(q)`. */
export function dequantizeField(c: TypeCodec, f: number, q: Quantized): unknown {
  const form = c.form[f];
  if (form === Form.Linear) return dequantizeLinear(q as number, c.a[f]!, c.step[f]!);
  if (form === Form.Circle) return dequantizeCircle(q as number, c.inv[f]!, c.period[f]!, c.signed[f]!);
  return (c.fields[f]!.dequantize as (x: Quantized) => unknown)(q);
}

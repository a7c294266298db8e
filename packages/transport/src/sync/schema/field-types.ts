// The shapes of schema fields. A field knows how to turn a game value into its quantized wire
// form ("q") and back; the snapshot codec only ever sees q values. Numeric fields (ints, floats,
// angles, booleans, enums) quantize to an integer in [0, maxQ]; strings and arrays are carried
// whole. Nothing here touches the network.
import type { BitReader } from '../bits/bit-reader.js';
import type { BitWriter } from '../bits/bit-writer.js';

export const FieldKind = {
  Int: 'int',
  Float: 'float',
  Angle: 'angle',
  Bool: 'bool',
  Enum: 'enum',
  String: 'string',
  Array: 'array',
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** A value's quantized form: an integer for numeric fields, the text for strings, q[] for arrays. */
export type Quantized = number | string | readonly number[];

interface FieldBase<T> {
  /** Phantom: the game-side value type, used only for inference. */
  readonly __value?: T;
  /** Description used for the schema hash (both peers must agree on it). */
  readonly describe: string;
}

export interface NumericField<T> extends FieldBase<T> {
  readonly kind: 'int' | 'float' | 'angle' | 'bool' | 'enum';
  readonly numeric: true;
  /** Largest quantized value; q is an integer in [0, maxQ]. */
  readonly maxQ: number;
  /** Bits of an absolute q. */
  readonly bits: number;
  /** Angles: q wraps around (delta taken modulo 2^bits). */
  readonly wrap: boolean;
  /** Angles only: decodes into [-π, π) instead of [0, 2π). */
  readonly signed?: boolean;
  /**
   * The closed form of quantize/dequantize (schema/quantize.ts), when there is one, so hot loops can inline it:
   * linear: q = clamp(round((v - min) * inv)), v = min + q * step (ints and floats);
   * circle: q = round(v * perRad) mod steps, v = q / perRad (minus 2π above half when signed).
   */
  readonly linear?: { readonly min: number; readonly step: number; readonly inv: number };
  readonly circle?: { readonly perRad: number; readonly steps: number };
  /** Worst-case difference between a value and dequantize(quantize(value)) inside the range. */
  readonly maxError: number;
  quantize(value: T): number;
  dequantize(q: number): T;
}

/** Fields carried whole when they change: strings and small arrays. */
export interface BlobField<T> extends FieldBase<T> {
  readonly kind: 'string' | 'array';
  readonly numeric: false;
  quantize(value: T): string | readonly number[];
  dequantize(q: string | readonly number[]): T;
  equals(a: Quantized, b: Quantized): boolean;
  /** Bits `write` spends on q, and the most it can ever spend. */
  bitCost(q: Quantized): number;
  readonly maxBits: number;
  write(w: BitWriter, q: Quantized): void;
  /** Throws SyncReject (via the reader or a range check) on bad bytes. */
  read(r: BitReader): string | readonly number[];
}

export type Field<T> = NumericField<T> | BlobField<T>;
export type AnyField = Field<unknown>;
export type FieldMap = Readonly<Record<string, AnyField>>;

/** The game-side value type a field declaration stands for. */
export type FieldValue<F> = F extends Field<infer T> ? T : never;

/** The entity type a map of fields stands for. */
export type InferFields<F extends FieldMap> = { -readonly [K in keyof F]: FieldValue<F[K]> };

/** Raised while decoding a value that is outside its declared range (hostile or corrupt bytes). */
export class OutOfRangeError extends Error {
  override readonly name = 'OutOfRangeError';
}

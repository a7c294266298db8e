// Schema DSL: every field type round-trips within its quantization error, out-of-range values
// clamp, bad declarations are refused, entity types are inferred, and the inlined/generated
// quantization used by the hot loops agrees exactly with the fields' own methods.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineSchema, t } from '../src/sync/index.js';
import { BitReader, BitWriter } from '../src/internals.js';
import { TruncatedError } from '../src/sync/bits/bit-reader.js';
import { readExpGolomb, writeExpGolomb } from '../src/sync/bits/codes.js';
import type { EntityOf, InputOf } from '../src/sync/index.js';
import { compileCapture } from '../src/sync/snapshot/codegen.js';
import { captureRow } from '../src/sync/snapshot/capture.js';
import { dequantizeField, quantizeField, typeCodec } from '../src/sync/snapshot/type-codec.js';
import { controls } from './fixtures/schema.js';
import { allTypes, randomShip, rng } from './sync-fixtures.js';

const angleDistance = (a: number, b: number) => {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
};

describe('field round trips', () => {
  it('floats by step and by bits stay within half a step, and clamp outside the range', () => {
    const byStep = t.float({ min: -10, max: 10, step: 1 / 16 });
    const byBits = t.float({ min: 0, max: 4096, bits: 16 });
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 4096, noNaN: true }),
        (a, b) => {
          expect(Math.abs(byStep.dequantize(byStep.quantize(a)) - a)).toBeLessThanOrEqual(1 / 32 + 1e-12);
          expect(Math.abs(byBits.dequantize(byBits.quantize(b)) - b)).toBeLessThanOrEqual(
            byBits.maxError + 1e-9,
          );
        },
      ),
    );
    expect(byStep.dequantize(byStep.quantize(1e9))).toBe(10);
    expect(byStep.dequantize(byStep.quantize(-1e9))).toBe(-10);
    expect(byStep.quantize(Number.NaN)).toBe(0);
    expect(byBits.bits).toBe(16);
  });

  it('ints are exact inside their range and clamp outside it', () => {
    const hp = t.int({ min: -5, max: 100 });
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 100 }), (v) => {
        expect(hp.dequantize(hp.quantize(v))).toBe(v);
      }),
    );
    expect(hp.dequantize(hp.quantize(500))).toBe(100);
    expect(hp.bits).toBe(7);
  });

  it('angles wrap: any input lands within half a step on the circle', () => {
    const unsigned = t.angle({ bits: 8 });
    const signed = t.angle({ bits: 12, signed: true });
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (a) => {
        const u = unsigned.dequantize(unsigned.quantize(a));
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThan(2 * Math.PI);
        expect(angleDistance(u, a)).toBeLessThanOrEqual(unsigned.maxError + 1e-9);
        const s = signed.dequantize(signed.quantize(a));
        expect(s).toBeGreaterThanOrEqual(-Math.PI);
        expect(s).toBeLessThan(Math.PI);
        expect(angleDistance(s, a)).toBeLessThanOrEqual(signed.maxError + 1e-9);
      }),
    );
  });

  it('booleans, enums, strings and arrays are exact', () => {
    const flag = t.bool();
    const team = t.enum(['red', 'blue']);
    expect([flag.dequantize(flag.quantize(true)), flag.dequantize(flag.quantize(false))]).toEqual([
      true,
      false,
    ]);
    expect(team.dequantize(team.quantize('blue'))).toBe('blue');
    expect(() => team.quantize('green' as 'red')).toThrow(RangeError);
    const name = t.string({ maxBytes: 60 });
    const items = t.array(t.int({ min: 0, max: 300 }), { maxLength: 4 });
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 4 }),
        (text, list) => {
          const w = new BitWriter();
          name.write(w, name.quantize(text));
          items.write(w, items.quantize(list));
          const r = new BitReader(w.finish());
          expect(name.dequantize(name.read(r))).toBe(text);
          expect(items.dequantize(items.read(r))).toEqual(list);
        },
      ),
    );
    expect(() => name.quantize('x'.repeat(61))).toThrow(RangeError);
    expect(() => name.quantize('é'.repeat(31))).toThrow(RangeError);
    expect(() => items.quantize([1, 2, 3, 4, 5])).toThrow(RangeError);
  });

  it('bit packing round-trips any sequence of widths', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .integer({ min: 0, max: 32 })
            .chain((bits) => fc.tuple(fc.constant(bits), fc.integer({ min: 0, max: 2 ** bits - 1 }))),
        ),
        (items) => {
          const w = new BitWriter(1);
          for (const [bits, value] of items) w.write(value, bits);
          const r = new BitReader(w.finish());
          for (const [bits, value] of items) expect(r.read(bits)).toBe(value);
          expect(r.atCleanEnd()).toBe(true);
        },
      ),
    );
    expect(() => new BitWriter().write(256, 8)).toThrow(RangeError);
    expect(() => new BitWriter().write(1.5, 4)).toThrow(RangeError);
  });

  it('Exp-Golomb codes round-trip at any bit offset, and a cut-off code reads as truncated, never as a value', () => {
    // Small values take the reader's one-look fast path, large ones its bit-by-bit prefix loop.
    const value = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.array(fc.tuple(value, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 40 }),
        (offset, items) => {
          const w = new BitWriter(1);
          w.write(0, offset);
          for (const [n, k] of items) writeExpGolomb(w, n, k);
          const bytes = w.finish();
          const r = new BitReader(bytes);
          r.read(offset);
          for (const [n, k] of items) expect(readExpGolomb(r, k)).toBe(n);
          expect(r.atCleanEnd()).toBe(true);
          // Without the last byte the last code is incomplete: every code before it reads back,
          // then the reader reports truncation.
          const cut = new BitReader(bytes.subarray(0, bytes.length - 1));
          cut.read(Math.min(offset, cut.remainingBits));
          let read = 0;
          const readAll = () => {
            for (const [n, k] of items) {
              expect(readExpGolomb(cut, k)).toBe(n);
              read++;
            }
          };
          expect(readAll).toThrow(TruncatedError);
          expect(read).toBeLessThan(items.length);
        },
      ),
    );
  });
});

describe('schema declarations', () => {
  it('infers entity and input types from the declaration', () => {
    type Ship = EntityOf<typeof allTypes, 'ship'>;
    const ship: Ship = randomShip(rng(1));
    const team: 'red' | 'blue' | 'green' = ship.team;
    // @ts-expect-error a number is not a valid team
    const wrong: Ship['team'] = 3;
    const command: InputOf<typeof controls> = { move: 0.5, jump: true, slot: 2 };
    // @ts-expect-error `slot` is missing
    const partial: InputOf<typeof controls> = { move: 0.5, jump: true };
    expect([team, wrong, command.jump, partial, controls.type.fieldNames]).toHaveLength(5);
  });

  it('refuses bad declarations and gives equal schemas equal hashes', () => {
    expect(() => t.float({ min: 1, max: 1, step: 0.1 })).toThrow(RangeError);
    expect(() => t.float({ min: 0, max: 1, bits: 40 })).toThrow(RangeError);
    expect(() => t.int({ min: 0.5, max: 3 })).toThrow(RangeError);
    expect(() => defineSchema({ a: {} })).toThrow(RangeError);
    expect(() => defineSchema({ a: { 'bad-name': t.bool() } })).toThrow(RangeError);
    const fields = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`f${i}`, t.bool()]));
    expect(() => defineSchema({ a: fields })).toThrow(RangeError);
    const again = defineSchema({ rock: { x: t.float({ min: 0, max: 4096, bits: 16 }) } });
    const same = defineSchema({ rock: { x: t.float({ min: 0, max: 4096, bits: 16 }) } });
    const other = defineSchema({ rock: { x: t.float({ min: 0, max: 4096, bits: 15 }) } });
    expect(again.hash).toBe(same.hash);
    expect(again.hash).not.toBe(other.hash);
  });
});

describe('hot-loop quantization', () => {
  it('inlined and generated quantization agree exactly with the field methods', () => {
    const random = rng(7);
    for (const type of allTypes.types) {
      const codec = typeCodec(type);
      const generated = compileCapture(codec);
      expect(generated).toBeDefined();
      for (let i = 0; i < 2000; i++) {
        const state =
          type.name === 'ship'
            ? randomShip(random)
            : { x: random() * 5000 - 400, y: random() * 4096, size: random() * 12 };
        const generic = captureRow(codec, state, undefined);
        expect(generated!(state, undefined)).toEqual(generic);
        type.fields.forEach((field, f) => {
          const q = (field.quantize as (v: unknown) => unknown)(
            (state as Record<string, unknown>)[type.fieldNames[f]!],
          );
          expect(quantizeField(codec, f, (state as Record<string, unknown>)[type.fieldNames[f]!])).toEqual(q);
          const back = dequantizeField(codec, f, q as number);
          expect(back).toEqual((field.dequantize as (x: unknown) => unknown)(q));
          // Receivers re-quantize baseline values: that must give back q exactly.
          expect(quantizeField(codec, f, back)).toEqual(q);
        });
        expect(generated!(state, generic)).toBe(generic);
      }
    }
  });
});

// Codec behaviour on honest traffic: round trips in every mode, record sharing on the stream path,
// independence of datagrams, byte savings, and the encoder's refusals (typed, with a reason).
import fc from 'fast-check';
import { isNativeAccelerationEnabled } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { createCodec, DEFAULT_DECODE_LIMITS } from '../src/codec/index.js';
import type { Codec, CodecOptions } from '../src/codec/index.js';
import { isWellFormedString } from '../src/codec/utf8.js';
import { isTransportError, TransportError } from '../src/errors.js';

const FLAVOURS: readonly CodecOptions[] = [{ mode: 'stream' }, { mode: 'datagram' }];
const label = (o: CodecOptions) => o.mode;

/** A sender and a receiver, as on the two ends of one channel direction. */
function pair(options: CodecOptions): { tx: Codec; rx: Codec } {
  return { tx: createCodec(options), rx: createCodec(options) };
}

function codeOf(fn: () => unknown): { code: string; reason: unknown } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    return { code: error.code, reason: error.details.reason };
  }
  throw new Error('expected a TransportError');
}

const GAME_INPUT = { type: 'input', seq: 123, x: 1.5, y: -2.25, buttons: 5 };

const nested = {
  type: 'snapshot',
  tick: 4_294_967_296 + 7, // beyond 32 bits, within safe range
  neg: -9_007_199_254_740_991,
  players: [
    { id: 1, name: 'ada', pos: { x: 10.25, y: -3.5 }, alive: true, tags: ['a', 'b'] },
    { id: 2, name: 'ñandú 🐉', pos: { x: 0, y: 1e-300 }, alive: false, tags: [] },
  ],
  blob: new Uint8Array([0, 1, 2, 254, 255]),
  empty: {},
  nothing: null,
  missing: undefined,
  floats: [Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, 0.1, 64, 127, 128, -33],
  long: 'x'.repeat(300) + 'é'.repeat(100),
  deep: [[[[[[{ a: [1, { b: 'c' }] }]]]]]],
};

describe(`codec round trips (native string extractor: ${String(isNativeAccelerationEnabled)})`, () => {
  for (const options of FLAVOURS) {
    it(`${label(options)}: nested game values survive, repeatedly`, () => {
      const { tx, rx } = pair(options);
      for (let i = 0; i < 5; i++) {
        expect(rx.decode(tx.encode(nested))).toStrictEqual(nested);
        expect(rx.decode(tx.encode(GAME_INPUT))).toStrictEqual(GAME_INPUT);
        expect(rx.decode(tx.encode([GAME_INPUT, GAME_INPUT, { ...GAME_INPUT, extra: 1 }]))).toStrictEqual([
          GAME_INPUT,
          GAME_INPUT,
          { ...GAME_INPUT, extra: 1 },
        ]);
      }
    });

    it(`${label(options)}: property: any game value round-trips`, () => {
      const { tx, rx } = pair(options); // shared across runs: stream record ids wrap around many times
      fc.assert(
        fc.property(gameValue, (value) => {
          expect(rx.decode(tx.encode(value))).toStrictEqual(value);
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('decoded bin values are independent Uint8Array copies, also from Buffer input', () => {
    const { tx, rx } = pair({ mode: 'datagram' });
    const wire = Buffer.from(tx.encode({ bin: new Uint8Array([1, 2, 3]) }));
    const out = rx.decode(wire) as { bin: Uint8Array };
    expect(out.bin.constructor).toBe(Uint8Array);
    wire.fill(0);
    expect([...out.bin]).toEqual([1, 2, 3]);
  });

  it('documented lossy corners: -0 becomes 0, sparse holes become undefined', () => {
    const { tx, rx } = pair({ mode: 'datagram' });
    expect(Object.is(rx.decode(tx.encode(-0)), 0)).toBe(true);
    expect(rx.decode(tx.encode([1, , 3]))).toStrictEqual([1, undefined, 3]);
  });
});

describe('stream mode shares record shapes across messages', () => {
  it('after the first message, a repeated shape costs less than in datagram mode and than JSON', () => {
    const stream = pair({ mode: 'stream' });
    const datagram = pair({ mode: 'datagram' });
    const sizes = { stream: [] as number[], datagram: [] as number[], json: [] as number[] };
    for (let seq = 0; seq < 100; seq++) {
      const msg = { ...GAME_INPUT, seq: 100 + seq };
      const s = stream.tx.encode(msg);
      const d = datagram.tx.encode(msg);
      expect(stream.rx.decode(s)).toStrictEqual(msg);
      expect(datagram.rx.decode(d)).toStrictEqual(msg);
      sizes.stream.push(s.byteLength);
      sizes.datagram.push(d.byteLength);
      sizes.json.push(new TextEncoder().encode(JSON.stringify(msg)).byteLength);
    }
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const span = (xs: number[]) => `${Math.min(...xs)}-${Math.max(...xs)}`;
    for (let i = 1; i < 100; i++) expect(sizes.stream[i]!).toBeLessThan(sizes.datagram[i]!);
    expect(sizes.stream[0]!).toBeGreaterThan(sizes.stream[1]!); // the first one carries the definition
    expect(total(sizes.stream)).toBeLessThan(total(sizes.datagram));
    expect(total(sizes.datagram)).toBeLessThan(total(sizes.json));
    console.info(
      `bytes for 100 x ${JSON.stringify(GAME_INPUT)} (seq 100-199): stream ${total(sizes.stream)} ` +
        `(first ${sizes.stream[0]}, then ${span(sizes.stream.slice(1))}), datagram ${total(sizes.datagram)} ` +
        `(${span(sizes.datagram)} each), JSON ${total(sizes.json)} (${span(sizes.json)} each)`,
    );
  });

  it('more shapes than record ids: ids are redefined before reuse and everything still decodes', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) {
        const value = { [`k${i}`]: i, [`j${i % 7}`]: [round] };
        expect(rx.decode(tx.encode(value))).toStrictEqual(value);
      }
    }
    const many = Array.from({ length: 150 }, (_, i) => ({ [`f${i}`]: i, again: { [`f${i}`]: -(i + 1) } }));
    expect(rx.decode(tx.encode(many))).toStrictEqual(many);
  });

  it('an honest stream that overdraws the definition budget falls back to plain maps, never refused', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    let plain = 0;
    for (let i = 0; i < 400; i++) {
      const value = { [`player${i}`]: { x: i }, [`p${i}`]: i }; // a new shape every message
      const wire = tx.encode(value);
      if (wire[0]! >= 0x80 && wire[0]! < 0x90) plain++; // fixmap: no record definition
      expect(rx.decode(wire)).toStrictEqual(value);
    }
    expect(plain).toBeGreaterThan(0);
    // Repeated shapes get their one-byte records back once the budget has refilled.
    const steady = { type: 'input', seq: 1 };
    for (let i = 0; i < 50; i++) expect(rx.decode(tx.encode(steady))).toStrictEqual(steady);
    expect(tx.encode(steady)[0]! & 0xe0).toBe(0x40);
  });

  it('objects with more keys than maxRecordKeys go as plain maps and still round-trip', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    const wide = Object.fromEntries(
      Array.from({ length: DEFAULT_DECODE_LIMITS.maxRecordKeys + 5 }, (_, i) => [`p${i}`, i]),
    );
    expect(rx.decode(tx.encode(wide))).toStrictEqual(wide);
    expect(rx.decode(tx.encode(wide))).toStrictEqual(wide);
  });

  it('a skipped stream message is detected, never misread; plain values and redefined shapes still decode', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    const known = { known: 'shape' };
    expect(rx.decode(tx.encode(known))).toStrictEqual(known);
    tx.encode({ shape: 'defined here', n: 1 }); // lost: carries the record definition
    const second = tx.encode({ shape: 'referenced here', n: 2 });
    expect(codeOf(() => rx.decode(second))).toEqual({ code: 'DECODE', reason: 'unknown-record' });
    expect(rx.decode(tx.encode([1, 'two']))).toStrictEqual([1, 'two']);
    // Every definition was forgotten with the refusal, so even the older shape is refused, not guessed.
    expect(codeOf(() => rx.decode(tx.encode(known)))).toEqual({ code: 'DECODE', reason: 'unknown-record' });
    tx.resetEncoder(); // the sender defines its shapes again
    expect(rx.decode(tx.encode(known))).toStrictEqual(known);
    expect(rx.decode(tx.encode({ shape: 'again', n: 3 }))).toStrictEqual({ shape: 'again', n: 3 });
  });

  it('resetEncoder() after a dropped message keeps the peer in step', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    expect(rx.decode(tx.encode({ a: 1 }))).toStrictEqual({ a: 1 });
    tx.encode({ b: 2, c: 3 }); // encoded, then not sent
    tx.resetEncoder();
    for (const value of [{ b: 4, c: 5 }, { a: 6 }, { b: 7, c: 8 }])
      expect(rx.decode(tx.encode(value))).toStrictEqual(value);
  });

  it('encode with maxBytes refuses a too-large message and resets the stream encoder itself', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    const big = { blob: 'y'.repeat(500), fresh: true };
    const refused = codeOf(() => tx.encode(big, { maxBytes: 100 }));
    expect(refused).toEqual({ code: 'ENCODE', reason: 'too-large' });
    const next = { blob: 'small', fresh: false }; // same shape as the refused message
    expect(rx.decode(tx.encode(next))).toStrictEqual(next);
  });
});

describe('datagram mode: every message stands alone', () => {
  it('lost and reordered messages decode anyway', () => {
    const tx = createCodec({ mode: 'datagram' });
    const values = Array.from({ length: 20 }, (_, i) => ({
      seq: i,
      pos: [
        { x: i, y: -(i + 1) },
        { x: 1, y: 2 },
      ],
      t: 'p',
    }));
    const wire = values.map((v) => tx.encode(v));
    const rx = createCodec({ mode: 'datagram' });
    const order = [19, 3, 7, 0, 12, 5]; // most lost, the rest out of order
    for (const i of order) expect(rx.decode(wire[i]!)).toStrictEqual(values[i]);
  });

  it('a refused datagram does not affect the next one', () => {
    const codec = createCodec({ mode: 'datagram' });
    expect(codeOf(() => codec.decode(Uint8Array.of(0xc1)))).toEqual({ code: 'DECODE', reason: 'bad-token' });
    expect(codec.decode(codec.encode({ ok: true }))).toStrictEqual({ ok: true });
  });
});

describe('encoder refuses what the peer would refuse, with a typed error', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const dag: unknown[] = [];
  let level: unknown = 0;
  for (let i = 0; i < 30; i++) level = [level, level]; // 2^30 leaves if expanded, 31 levels deep
  dag.push(level);
  const deep = (n: number): unknown => (n === 0 ? 0 : [deep(n - 1)]);
  class Vec {
    x = 1;
  }
  const cases: [string, unknown, string][] = [
    ['function', { f: () => 1 }, 'unsupported-type'],
    ['symbol', [Symbol('s')], 'unsupported-type'],
    ['bigint', { n: 10n }, 'unsupported-type'],
    ['Date', { at: new Date(0) }, 'unsupported-type'],
    ['Map', new Map([['a', 1]]), 'unsupported-type'],
    ['Set', new Set([1]), 'unsupported-type'],
    ['RegExp', /x/g, 'unsupported-type'],
    ['Error', new Error('x'), 'unsupported-type'],
    ['class instance', new Vec(), 'unsupported-type'],
    ['Float32Array', new Float32Array(2), 'unsupported-type'],
    ['cycle', cyclic, 'too-deep'],
    ['exponential DAG', dag, 'too-many-items'],
    ['33 levels', deep(33), 'too-deep'],
    ['__proto__ own key', JSON.parse('{"__proto__": {"polluted": true}}'), 'forbidden-key'],
    ['constructor key', { constructor: { prototype: { polluted: true } } }, 'forbidden-key'],
    ['lone surrogate', { s: 'a\uD800b' }, 'bad-string'],
    ['lone surrogate key', { ['\uDC00']: 1 }, 'bad-string'],
    ['oversized string', 'z'.repeat(DEFAULT_DECODE_LIMITS.maxBytes + 1), 'too-large'],
  ];
  for (const options of FLAVOURS) {
    for (const [name, value, reason] of cases) {
      it(`${label(options)}: ${name} -> ENCODE ${reason}`, () => {
        expect(codeOf(() => createCodec(options).encode(value))).toEqual({ code: 'ENCODE', reason });
      });
    }
  }

  it('32 levels encode and decode; the path of a refused value is reported', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    expect(rx.decode(tx.encode(deep(32)))).toStrictEqual(deep(32));
    try {
      tx.encode({ players: [{ name: 'ok' }, { name: 'ok', hit: () => 0 }] });
      expect.unreachable();
    } catch (error) {
      expect(isTransportError(error, 'ENCODE')).toBe(true);
      expect((error as TransportError).details.path).toBe('.players[1].hit');
    }
  });

  it('a getter that throws becomes ENCODE internal, and the stream encoder stays usable', () => {
    const { tx, rx } = pair({ mode: 'stream' });
    const hostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(codeOf(() => tx.encode(hostile))).toEqual({ code: 'ENCODE', reason: 'internal' });
    expect(rx.decode(tx.encode({ x: 1 }))).toStrictEqual({ x: 1 });
  });

  it('limits are validated and both sides can tighten them', () => {
    expect(codeOf(() => createCodec({ mode: 'datagram', limits: { maxDepth: 0 } })).code).toBe(
      'INVALID_OPTIONS',
    );
    expect(codeOf(() => createCodec({ mode: 'datagram', limits: { maxItems: Infinity } })).code).toBe(
      'INVALID_OPTIONS',
    );
    expect(codeOf(() => createCodec({ mode: 'nope' } as unknown as CodecOptions)).code).toBe(
      'INVALID_OPTIONS',
    );
    const small = { mode: 'datagram', limits: { maxItems: 10 } } as const;
    expect(codeOf(() => createCodec(small).encode(Array.from({ length: 10 }, () => 0)))).toEqual({
      code: 'ENCODE',
      reason: 'too-many-items',
    });
    const codec = createCodec(small);
    expect(codec.decode(codec.encode([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toHaveLength(9);
    expect(codec.limits.forbiddenKeys).toContain('__proto__');
  });
});

// Values games send: nested objects/arrays of strings, numbers, booleans, null, undefined, bytes.
const key = fc
  .string({ unit: 'grapheme', maxLength: 10 })
  .filter((k) => !DEFAULT_DECODE_LIMITS.forbiddenKeys.includes(k));
const leaf = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 60, maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 20 }).filter(isWellFormedString),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.integer({ min: 0, max: 255 }),
  fc.double().map((d) => (Object.is(d, -0) ? 0 : d)),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 40 }),
);
const { value: gameValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6, noNullPrototype: true }),
}));

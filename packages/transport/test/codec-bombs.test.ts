// Hostile bytes: known msgpack decoding bombs, prototype pollution, msgpackr's extension types,
// malformed and random input. Every refusal must be a TransportError DECODE with the right reason,
// heap growth must stay bounded, and Object.prototype must never change.
import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodec, DEFAULT_DECODE_LIMITS } from '../src/codec/index.js';
import type { Codec, CodecOptions } from '../src/codec/index.js';
import { TransportError } from '../src/errors.js';

const FLAVOURS: readonly CodecOptions[] = [{ mode: 'stream' }, { mode: 'datagram' }];
const label = (o: CodecOptions) => o.mode;
const HEAP_BOUND = 20 * 1024 * 1024;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const fixstr = (s: string) => [0xa0 | utf8(s).length, ...utf8(s)];
const bytes = (...parts: (number | ArrayLike<number>)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : Array.from(p))));
const repeat = (unit: number[], times: number) => {
  const out = new Uint8Array(unit.length * times);
  for (let i = 0; i < times; i++) out.set(unit, i * unit.length);
  return out;
};

/** Runs fn, returns the DECODE reason it threw (fails on anything else). */
function refusal(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('DECODE');
    return (error as TransportError).details.reason;
  }
  throw new Error('expected the decoder to refuse');
}

function heapUsed(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Decodes a hostile message 20 times and returns the reason and the heap growth. */
function refuseBounded(codec: () => Codec, message: Uint8Array): { reason: unknown; growth: number } {
  const before = heapUsed();
  let reason: unknown;
  for (let i = 0; i < 20; i++) reason = refusal(() => codec().decode(message));
  return { reason, growth: heapUsed() - before };
}

/** True when a decoded value is only plain data with ordinary prototypes. */
function isPlainData(value: unknown, depth = 0): boolean {
  if (depth > DEFAULT_DECODE_LIMITS.maxDepth) return false;
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return true;
  if (typeof value !== 'object') return false;
  if (value instanceof Uint8Array) return value.constructor === Uint8Array;
  if (Array.isArray(value)) {
    return Object.getPrototypeOf(value) === Array.prototype && value.every((v) => isPlainData(v, depth + 1));
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.hasOwn(value, '__proto__')) return false;
  return Object.values(value).every((v) => isPlainData(v, depth + 1));
}

describe('decoding bombs are refused with bounded heap', () => {
  const nestedArray16 = repeat([0xdc, 0xff, 0xff], 24_000); // ~72 KB, "gigabytes" if preallocated
  const nestedArray16Honest = bytes([...repeat([0xdc, 0x00, 0x01], 24_000)], 0x00); // each claims 1 item
  const nestedMap16 = repeat([0xde, 0xff, 0xff, ...fixstr('a')], 18_000);
  const bombs: [string, Uint8Array, string][] = [
    ['array32 claiming 4G items (5 bytes)', bytes(0xdd, 0xff, 0xff, 0xff, 0xff), 'bad-length'],
    ['array32 claiming 16M items (5 bytes)', bytes(0xdd, 0x00, 0xff, 0xff, 0xff), 'bad-length'],
    [
      'array32 claiming 1M items with a few present',
      bytes(0xdd, 0x00, 0x10, 0x00, 0x00, 1, 2, 3),
      'bad-length',
    ],
    ['72 KB chain of array16 headers claiming 65535 each', nestedArray16, 'bad-length'],
    ['72 KB chain of array16 headers, 24000 deep', nestedArray16Honest, 'too-deep'],
    ['map32 claiming 16M entries', bytes(0xdf, 0x00, 0xff, 0xff, 0xff), 'bad-length'],
    ['map32 claiming 4G entries', bytes(0xdf, 0xff, 0xff, 0xff, 0xff, ...fixstr('k'), 1), 'bad-length'],
    ['chain of map16 headers claiming 65535 entries each', nestedMap16, 'bad-length'],
    ['str32 claiming 4 GB', bytes(0xdb, 0xff, 0xff, 0xff, 0xff, 0x61), 'bad-length'],
    ['bin32 claiming 4 GB', bytes(0xc6, 0xff, 0xff, 0xff, 0xff, 0x00), 'bad-length'],
    ['ext32 claiming 4 GB', bytes(0xc9, 0xff, 0xff, 0xff, 0xff, 0x74, 0x00), 'forbidden-extension'],
  ];
  for (const options of FLAVOURS) {
    for (const [name, message, reason] of bombs) {
      it(`${label(options)}: ${name} -> ${reason}`, () => {
        const result = refuseBounded(() => createCodec(options), message);
        expect(result.reason).toBe(reason);
        expect(result.growth).toBeLessThan(HEAP_BOUND);
      });
    }
  }

  it('too-large and too-many-items: the largest accepted message stays within the heap bound', () => {
    const codec = createCodec({ mode: 'datagram' });
    const emptyMaps = (n: number) =>
      bytes(0xdd, [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff], [...repeat([0x80], n)]);
    const atLimit = emptyMaps(DEFAULT_DECODE_LIMITS.maxItems - 1); // + the array itself = maxItems
    const before = heapUsed();
    const decoded = codec.decode(atLimit) as object[];
    const growth = heapUsed() - before;
    expect(decoded).toHaveLength(DEFAULT_DECODE_LIMITS.maxItems - 1);
    expect(growth).toBeLessThan(HEAP_BOUND);
    expect(refusal(() => codec.decode(emptyMaps(DEFAULT_DECODE_LIMITS.maxItems)))).toBe('too-many-items');
    expect(refusal(() => codec.decode(new Uint8Array(DEFAULT_DECODE_LIMITS.maxBytes + 1)))).toBe('too-large');
  });

  it('stream mode: a record reference flood (1 byte claiming 16 values each) is refused', () => {
    const tx = createCodec({ mode: 'stream' });
    const rx = createCodec({ mode: 'stream' });
    const shape = Object.fromEntries('abcdefghijklmnop'.split('').map((k) => [k, 0]));
    const first = tx.encode(shape);
    expect(rx.decode(first)).toStrictEqual(shape);
    const recordId = first[2]!; // d4 72 <id>
    const before = heapUsed();
    // 72 KB of references: the depth limit or the remaining-bytes check stops it, whichever first.
    expect(['too-deep', 'bad-length']).toContain(refusal(() => rx.decode(repeat([recordId], 72_000))));
    const shallow = createCodec({ mode: 'stream' });
    shallow.decode(first);
    expect(refusal(() => shallow.decode(repeat([recordId], 20)))).toBe('bad-length');
    const deep = createCodec({ mode: 'stream' });
    deep.decode(first);
    // 33 nested records whose first field is the next record, the other 15 fields filled with 0
    const nested = bytes([...repeat([recordId], 33)], 0, [...repeat([0], 15 * 33)]);
    expect(refusal(() => deep.decode(nested))).toBe('too-deep');
    expect(heapUsed() - before).toBeLessThan(HEAP_BOUND);
  });

  it('stream mode: record definitions are rationed (each costs msgpackr a reader and a compile)', () => {
    // One definition, used four times (the fourth use makes msgpackr compile a reader): ~13 bytes.
    const group = (g: number) => {
      const id = 0x40 + (g % 32);
      return [
        0xd4,
        0x72,
        id,
        0x91,
        0xa2,
        0x61 + (g % 26),
        0x61 + (Math.floor(g / 26) % 26),
        1,
        id,
        2,
        id,
        3,
        id,
        4,
      ];
    };
    const message = (groups: number[]) =>
      bytes(0xdc, (groups.length * 4) >> 8, (groups.length * 4) & 0xff, groups.flatMap(group));
    // A single message with more definitions than the burst.
    const burst = DEFAULT_DECODE_LIMITS.recordDefinitionBurst;
    expect(
      refusal(() =>
        createCodec({ mode: 'stream' }).decode(message(Array.from({ length: burst + 10 }, (_, g) => g))),
      ),
    ).toBe('record-budget');
    // A flood of small messages, each paying far less than bytesPerRecordDefinition per definition.
    const rx = createCodec({ mode: 'stream' });
    let accepted = 0;
    let reason: unknown;
    for (let m = 0; m < 1000 && reason === undefined; m++) {
      try {
        rx.decode(message([4 * m, 4 * m + 1, 4 * m + 2, 4 * m + 3]));
        accepted++;
      } catch (error) {
        reason = (error as TransportError).details.reason;
      }
    }
    expect(reason).toBe('record-budget');
    expect(accepted * 4).toBeLessThanOrEqual(burst + 4); // the burst, plus what the flood's own bytes paid for
    expect(rx.decode(bytes(0x01))).toBe(1); // the refusal forgot the definitions, not the stream
  });

  it('record definitions: wrong mode, bad ids, oversized or non-string keys, unknown references', () => {
    const def = (id: number, keys: number[][], ...values: number[]) =>
      bytes(0xd4, 0x72, id, 0x90 | keys.length, keys.flat(), values);
    const stream = () => createCodec({ mode: 'stream' });
    expect(refusal(() => createCodec({ mode: 'datagram' }).decode(def(0x40, [fixstr('a')], 1)))).toBe(
      'forbidden-extension',
    );
    expect(refusal(() => stream().decode(def(0x10, [fixstr('a')], 1)))).toBe('bad-record');
    expect(refusal(() => stream().decode(bytes(0xd4, 0x72, 0x40, 0x01)))).toBe('bad-record');
    expect(refusal(() => stream().decode(bytes(0xd4, 0x72, 0x40, 0xdd, 0xff, 0xff, 0xff, 0xff)))).toBe(
      'bad-record',
    );
    expect(refusal(() => stream().decode(def(0x40, [[0x01]], 1)))).toBe('bad-key');
    expect(refusal(() => stream().decode(bytes(0xd5, 0x72, 0x60, 0x00, 0x91, fixstr('a'), 1)))).toBe(
      'forbidden-extension',
    );
    expect(refusal(() => stream().decode(bytes(0x41)))).toBe('unknown-record');
    const keys = Array.from({ length: DEFAULT_DECODE_LIMITS.maxRecordKeys + 1 }, (_, i) => fixstr(`k${i}`));
    expect(
      refusal(() => stream().decode(bytes(0xd4, 0x72, 0x40, 0xdc, 0x00, keys.length, keys.flat()))),
    ).toBe('bad-record');
    // A definition is usable inside its own message and in the next ones.
    const s = stream();
    expect(s.decode(bytes(0x92, def(0x41, [fixstr('x')], 1), 0x41, 2))).toStrictEqual([{ x: 1 }, { x: 2 }]);
    expect(s.decode(bytes(0x41, 3))).toStrictEqual({ x: 3 });
    // In plain datagram mode 0x40-0x7f are just small integers.
    expect(createCodec({ mode: 'datagram' }).decode(bytes(0x92, 0x41, 0x7f))).toStrictEqual([0x41, 0x7f]);
  });
});

describe('prototype pollution payloads never reach Object.prototype', () => {
  const proto = fixstr('__proto__');
  const polluted = [0x81, ...fixstr('polluted'), 0xc3];
  const payloads: [string, Uint8Array][] = [
    ['__proto__ map key', bytes(0x81, proto, polluted)],
    ['__proto__ as str8 key', bytes(0x81, 0xd9, 9, utf8('__proto__'), polluted)],
    ['__proto__ nested', bytes(0x91, 0x81, ...fixstr('a'), 0x81, proto, polluted)],
    ['constructor.prototype', bytes(0x81, fixstr('constructor'), 0x81, fixstr('prototype'), polluted)],
    ['prototype key', bytes(0x81, fixstr('prototype'), polluted)],
  ];
  for (const options of FLAVOURS) {
    for (const [name, message] of payloads) {
      it(`${label(options)}: ${name} -> forbidden-key`, () => {
        expect(refusal(() => createCodec(options).decode(message))).toBe('forbidden-key');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    }
  }

  it('__proto__ inside a record definition is refused (stream mode)', () => {
    const message = bytes(0xd4, 0x72, 0x40, 0x91, proto, polluted);
    expect(refusal(() => createCodec({ mode: 'stream' }).decode(message))).toBe('forbidden-key');
  });

  it('with only __proto__ forbidden, constructor/prototype stay inert own data', () => {
    const codec = createCodec({ mode: 'datagram', limits: { forbiddenKeys: [] } });
    expect(codec.limits.forbiddenKeys).toEqual(['__proto__']);
    const value = codec.decode(payloads[3]![1]) as { constructor: { prototype: { polluted: boolean } } };
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, 'constructor')).toBe(true);
    expect(value.constructor.prototype.polluted).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(refusal(() => codec.decode(payloads[0]![1]))).toBe('forbidden-key');
  });
});

describe("msgpackr's own extensions are refused", () => {
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const shared = { s: 1 };
  const vectors: [string, Uint8Array, (raw: unknown) => boolean][] = [
    [
      'structured-clone cycle (ids 0x69 + pointers 0x70)',
      new Packr({ structuredClone: true }).pack(cyclic),
      (r) => (r as typeof cyclic).self === r,
    ],
    [
      'structured-clone shared reference',
      new Packr({ structuredClone: true }).pack([shared, shared]),
      (r) => (r as object[])[0] === (r as object[])[1],
    ],
    ['Set (0x73)', new Packr({ moreTypes: true }).pack(new Set([1, 2])), (r) => r instanceof Set],
    ['RegExp (0x78)', new Packr({ moreTypes: true }).pack(/a+/gi), (r) => r instanceof RegExp],
    ['Error (0x65)', new Packr({ moreTypes: true }).pack(new TypeError('x')), (r) => r instanceof TypeError],
    [
      'typed array (0x74)',
      new Packr({ moreTypes: true }).pack(new Float64Array([1.5])),
      (r) => r instanceof Float64Array,
    ],
    ['big integer (0x42)', new Packr({ useBigIntExtension: true }).pack(2n ** 100n), (r) => r === 2n ** 100n],
    ['timestamp (-1)', new Packr().pack(new Date(1_700_000_000_123)), (r) => r instanceof Date],
    [
      'bundled strings (0x62 + 0xc1)',
      new Packr({ bundleStrings: true }).pack({ a: 'bundle me please', b: 'and me too' }),
      (r) => (r as { a: string }).a === 'bundle me please',
    ],
  ];
  for (const [name, message, rawCheck] of vectors) {
    it(`${name}: raw msgpackr builds it, tickwire refuses it`, () => {
      expect(
        rawCheck(
          new Unpackr({ structuredClone: true, moreTypes: true, mapsAsObjects: true }).unpack(message),
        ),
      ).toBe(true);
      for (const options of FLAVOURS) {
        expect(['forbidden-extension', 'bad-token']).toContain(
          refusal(() => createCodec(options).decode(message)),
        );
      }
    });
  }

  it('hand-made ext tokens: pointer without id, Set/RegExp/Error fixext1, 0xc1', () => {
    const cases: [Uint8Array, string][] = [
      [bytes(0xd6, 0x70, 0, 0, 0, 1), 'forbidden-extension'],
      [bytes(0xd6, 0x69, 0, 0, 0, 1, 0x91, 0xd6, 0x70, 0, 0, 0, 1), 'forbidden-extension'],
      [bytes(0xd4, 0x73, 0x00, 0x92, 1, 2), 'forbidden-extension'],
      [bytes(0xd4, 0x78, 0x00, 0x92, fixstr('.*'), fixstr('g')), 'forbidden-extension'],
      [bytes(0xd4, 0x65, 0x00, 0x93, fixstr('Error'), fixstr('x'), 0xc0), 'forbidden-extension'],
      [bytes(0xd4, 0xff, 0x00), 'forbidden-extension'],
      [bytes(0xd6, 0xff, 0, 0, 0, 0), 'forbidden-extension'],
      [bytes(0xc7, 0x00, 0x01), 'forbidden-extension'],
      [bytes(0xc1), 'bad-token'],
      [bytes(0x92, 0xc1, 0x05), 'bad-token'],
    ];
    for (const options of FLAVOURS) {
      for (const [message, reason] of cases)
        expect(refusal(() => createCodec(options).decode(message))).toBe(reason);
    }
  });

  it('undefined (fixext1 type 0) is the one extension accepted', () => {
    expect(createCodec({ mode: 'datagram' }).decode(bytes(0x92, 0xd4, 0x00, 0x00, 0x01))).toStrictEqual([
      undefined,
      1,
    ]);
  });
});

describe('malformed input', () => {
  it('numbers: 64-bit integers only in the safe range', () => {
    const codec = createCodec({ mode: 'datagram' });
    expect(codec.decode(bytes(0xcf, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    expect(codec.decode(bytes(0xd3, 0xff, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01))).toBe(
      Number.MIN_SAFE_INTEGER,
    );
    expect(codec.decode(bytes(0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe))).toBe(-2);
    expect(refusal(() => codec.decode(bytes(0xcf, 0x00, 0x20, 0, 0, 0, 0, 0, 0)))).toBe('unsafe-integer');
    expect(refusal(() => codec.decode(bytes(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)))).toBe(
      'unsafe-integer',
    );
    expect(refusal(() => codec.decode(bytes(0xd3, 0xff, 0xe0, 0, 0, 0, 0, 0, 0)))).toBe('unsafe-integer');
    expect(refusal(() => codec.decode(bytes(0xd3, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)))).toBe(
      'unsafe-integer',
    );
  });

  it('strings must be well-formed UTF-8, keys must be strings', () => {
    const codec = createCodec({ mode: 'datagram' });
    for (const bad of [
      [0xc3, 0x28],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0xff],
      [0x80],
    ]) {
      expect(refusal(() => codec.decode(bytes(0xa0 | bad.length, bad)))).toBe('bad-utf8');
    }
    // A truncated 3-byte sequence at a string's end would make msgpackr's JS reader overrun it.
    expect(refusal(() => codec.decode(bytes(0x92, 0xa1, 0xe2, 0x01)))).toBe('bad-utf8');
    expect(codec.decode(bytes(0xa4, 0xf0, 0x9f, 0x90, 0x89))).toBe('🐉');
    expect(refusal(() => codec.decode(bytes(0x81, 0x01, 0x02)))).toBe('bad-key');
    expect(refusal(() => codec.decode(bytes(0x81, 0x91, 0xa0, 0x02)))).toBe('bad-key');
    expect(refusal(() => codec.decode(bytes(0x81, 0xa2, 0xc3, 0x28, 0x02)))).toBe('bad-utf8');
  });

  for (const options of FLAVOURS) {
    it(`${label(options)}: every truncation, trailing garbage, empty input and non-bytes are refused`, () => {
      const message = createCodec(options).encode({
        id: 7,
        name: 'ñ'.repeat(40),
        pos: [1.5, -2],
        ok: true,
        bin: new Uint8Array(3),
      });
      for (let cut = 0; cut < message.byteLength; cut++) {
        expect(['truncated', 'bad-length', 'bad-utf8']).toContain(
          refusal(() => createCodec(options).decode(message.subarray(0, cut))),
        );
      }
      expect(refusal(() => createCodec(options).decode(bytes([...message], 0x00)))).toBe('trailing-bytes');
      expect(refusal(() => createCodec(options).decode(bytes(0x01, 0x02)))).toBe('trailing-bytes');
      expect(refusal(() => createCodec(options).decode(new Uint8Array(0)))).toBe('truncated');
      for (const notBytes of ['abc', null, new ArrayBuffer(4), [1, 2]]) {
        expect(refusal(() => createCodec(options).decode(notBytes as unknown as Uint8Array))).toBe(
          'not-bytes',
        );
      }
      expect(createCodec(options).decode(message)).toMatchObject({ id: 7, ok: true });
    });
  }
});

describe('fuzz: random and mutated bytes decode to plain data or a DECODE refusal, nothing else', () => {
  const interesting = [
    0x00, 0x40, 0x41, 0x72, 0x7f, 0x80, 0x81, 0x90, 0x91, 0xa1, 0xc1, 0xc4, 0xd4, 0xd5, 0xd9, 0xdc, 0xdd,
    0xde, 0xdf, 0xff,
  ];
  const randomBytes = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc
      .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...interesting)), { maxLength: 300 })
      .map((xs) => Uint8Array.from(xs)),
  );

  function check(codec: Codec, message: Uint8Array): void {
    let value: unknown;
    try {
      value = codec.decode(message);
    } catch (error) {
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).code).toBe('DECODE');
      // 'internal' would mean the validator accepted bytes msgpackr then choked on.
      expect((error as TransportError).details.reason).not.toBe('internal');
      return;
    }
    expect(isPlainData(value)).toBe(true);
  }

  for (const options of FLAVOURS) {
    it(`${label(options)}: random bytes`, () => {
      fc.assert(
        fc.property(randomBytes, (message) => check(createCodec(options), message)),
        { numRuns: 4000 },
      );
    });

    it(`${label(options)}: mutated valid messages after a valid history`, () => {
      const value = fc.dictionary(
        fc.constantFrom('type', 'seq', 'x', 'y', 'list', 'name', 'o'),
        fc.oneof(
          fc.integer(),
          fc.double().map((d) => (Object.is(d, -0) ? 0 : d)),
          fc.string({ unit: 'grapheme' }),
          fc.array(fc.oneof(fc.integer(), fc.constant({ a: 1, b: [2] })), { maxLength: 4 }),
          fc.uint8Array({ maxLength: 4 }),
        ),
        { maxKeys: 6, noNullPrototype: true },
      );
      const mutation = fc.record({
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
        kind: fc.constantFrom('set', 'insert', 'delete', 'cut'),
      });
      fc.assert(
        fc.property(
          fc.array(value, { minLength: 1, maxLength: 4 }),
          value,
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          (history, last, mutations) => {
            const tx = createCodec(options);
            const rx = createCodec(options);
            for (const v of history) expect(rx.decode(tx.encode(v))).toStrictEqual(v);
            const wire = [...tx.encode(last)];
            for (const m of mutations) {
              const at = m.at % (wire.length + 1);
              if (m.kind === 'set' && at < wire.length) wire[at] = m.byte;
              else if (m.kind === 'insert') wire.splice(at, 0, m.byte);
              else if (m.kind === 'delete') wire.splice(at, 1);
              else if (m.kind === 'cut') wire.length = Math.max(1, at);
            }
            check(rx, Uint8Array.from(wire));
          },
        ),
        { numRuns: 2500 },
      );
    });
  }
});

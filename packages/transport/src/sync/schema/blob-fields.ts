// Builders for fields carried whole when they change: UTF-8 strings with a byte limit and small
// arrays of a numeric element type with a length limit. Over-limit values from game code throw
// (never truncated silently); over-limit or malformed bytes from the network raise OutOfRangeError.
import type { BitReader } from '../bits/bit-reader.js';
import type { BitWriter } from '../bits/bit-writer.js';
import { bitLength } from '../bits/codes.js';
import type { BlobField, NumericField, Quantized } from './field-types.js';
import { OutOfRangeError } from './field-types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function string(options: { maxBytes?: number } = {}): BlobField<string> {
  const maxBytes = options.maxBytes ?? 64;
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 65535) {
    throw new RangeError('t.string: maxBytes must be in 1..65535');
  }
  const lengthBits = bitLength(maxBytes);
  return {
    kind: 'string',
    numeric: false,
    describe: `string(${maxBytes})`,
    quantize: (v) => {
      const text = String(v);
      // Cheap upper bound first: a string of n UTF-16 units is at most 3n UTF-8 bytes.
      if (text.length * 3 > maxBytes && encoder.encode(text).length > maxBytes) {
        throw new RangeError(`t.string: value longer than ${maxBytes} bytes`);
      }
      return text;
    },
    dequantize: (q) => q as string,
    equals: (a, b) => a === b,
    bitCost: (q) => {
      const text = q as string;
      // ASCII fast path: one byte per unit; otherwise count the real UTF-8 length.
      let bytes = text.length;
      for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) > 0x7f) {
          bytes = encoder.encode(text).length;
          break;
        }
      }
      return lengthBits + 8 * bytes;
    },
    maxBits: lengthBits + 8 * maxBytes,
    write: (w: BitWriter, q: Quantized) => {
      const bytes = encoder.encode(q as string);
      w.write(bytes.length, lengthBits);
      w.writeBytes(bytes);
    },
    read: (r: BitReader) => {
      const length = r.read(lengthBits);
      if (length > maxBytes) throw new OutOfRangeError('string longer than its field allows');
      try {
        return decoder.decode(r.readBytes(length));
      } catch (error) {
        if (error instanceof TypeError) throw new OutOfRangeError('string is not valid UTF-8');
        throw error;
      }
    },
  };
}

/** Up to `maxLength` values of a numeric field (e.g. an inventory of item ids). */
export function array<T>(element: NumericField<T>, options: { maxLength: number }): BlobField<T[]> {
  const { maxLength } = options;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 1024) {
    throw new RangeError('t.array: maxLength must be in 1..1024');
  }
  const lengthBits = bitLength(maxLength);
  return {
    kind: 'array',
    numeric: false,
    describe: `array(${element.describe},${maxLength})`,
    quantize: (v) => {
      if (v.length > maxLength) throw new RangeError(`t.array: more than ${maxLength} items`);
      return v.map((item) => element.quantize(item));
    },
    dequantize: (q) => (q as readonly number[]).map((item) => element.dequantize(item)),
    equals: (a, b) => {
      const x = a as readonly number[];
      const y = b as readonly number[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    },
    bitCost: (q) => lengthBits + (q as readonly number[]).length * element.bits,
    maxBits: lengthBits + maxLength * element.bits,
    write: (w: BitWriter, q: Quantized) => {
      const items = q as readonly number[];
      w.write(items.length, lengthBits);
      for (const item of items) w.write(item, element.bits);
    },
    read: (r: BitReader) => {
      const length = r.read(lengthBits);
      if (length > maxLength) throw new OutOfRangeError('array longer than its field allows');
      const items: number[] = new Array<number>(length);
      for (let i = 0; i < length; i++) {
        const item = r.read(element.bits);
        if (item > element.maxQ) throw new OutOfRangeError('array item out of range');
        items[i] = item;
      }
      return items;
    },
  };
}

// Variable-length integer codes shared by the snapshot and input packets: zig-zag for signed
// deltas, Exp-Golomb for ids and small counts, LEB-style varuints for sequence numbers.
// Decoders must bound every length they read (hostile input), so each reader caps its prefix.
import type { BitReader } from './bit-reader.js';
import { TruncatedError } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';

/** POW2[i] = 2^i: a table lookup is much cheaper than `2 ** i` in hot loops. */
export const POW2: readonly number[] = Array.from({ length: 54 }, (_, i) => 2 ** i);

export function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Number of bits needed to write `n` (0 for 0). Valid for 0 <= n < 2^53. */
export function bitLength(n: number): number {
  return n === 0 ? 0 : n < 0x80000000 ? 32 - Math.clz32(n) : Math.floor(Math.log2(n)) + 1;
}

/** Bits Exp-Golomb with parameter k spends on `n` (n >= 0). */
export function expGolombCost(n: number, k: number): number {
  const m = n < 0x40000000 ? 32 - Math.clz32((n >>> k) + 1) : bitLength(Math.floor(n / POW2[k]!) + 1);
  return 2 * m - 1 + k;
}

/** Exp-Golomb order k (n < 2^32): small values cost few bits, any id still fits. */
export function writeExpGolomb(w: BitWriter, n: number, k: number): void {
  // Bits go out least significant first, so the code is z zeros, an explicit 1, then the z low
  // bits of hi, then the k low bits of n.
  if (n < 0x40000000) {
    const hi = (n >>> k) + 1;
    const z = 31 - Math.clz32(hi);
    if (z <= 11) w.write((1 << z) | ((hi - (1 << z)) << (z + 1)), 2 * z + 1);
    else {
      w.write(0, z);
      w.write(1, 1);
      w.write(hi - (1 << z), z);
    }
    w.write(n & ((1 << k) - 1), k);
    return;
  }
  const hi = Math.floor(n / POW2[k]!) + 1;
  const z = bitLength(hi) - 1;
  w.write(0, z);
  w.write(1, 1);
  w.write(hi - POW2[z]!, z);
  w.write(n % POW2[k]!, k);
}

export function readExpGolomb(r: BitReader, k: number): number {
  // Fast path: the whole code within the next 24 bits (every id gap of a normal packet). The
  // prefix's zeros come first (least significant), so z is the count of trailing zeros.
  const word = r.peek24();
  if (word !== 0) {
    const z = 31 - Math.clz32(word & -word);
    const length = 2 * z + 1 + k;
    if (length <= 24) {
      r.skip(length);
      const hi = (1 << z) + ((word >>> (z + 1)) & ((1 << z) - 1));
      return (hi - 1) * POW2[k]! + ((word >>> (2 * z + 1)) & ((1 << k) - 1));
    }
  }
  let z = 0;
  while (r.read(1) === 0) {
    z++;
    if (z > 32) throw new TruncatedError('exp-golomb prefix too long');
  }
  const hi = POW2[z]! + r.read(z);
  return (hi - 1) * POW2[k]! + r.read(k);
}

/** Unsigned varint in 7-bit groups (a continuation bit before each group), up to 2^35. */
export function writeVarUint(w: BitWriter, n: number): void {
  let rest = n;
  for (;;) {
    const group = rest % 128;
    rest = (rest - group) / 128;
    w.write(rest > 0 ? 1 : 0, 1);
    w.write(group, 7);
    if (rest === 0) return;
  }
}

export function readVarUint(r: BitReader): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const more = r.read(1);
    value += r.read(7) * 2 ** shift;
    if (more === 0) return value;
  }
  throw new TruncatedError('varuint too long');
}

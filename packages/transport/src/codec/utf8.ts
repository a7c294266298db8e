// Byte-level string checks for the validator: strict UTF-8 well-formedness and key comparison,
// without decoding or allocating. Strict validation matters for more than hygiene: msgpackr's JS
// string reader steps past a string's declared end on a truncated multi-byte sequence, and its
// native reader decodes malformed bytes differently, so only well-formed UTF-8 decodes identically
// everywhere. Must never accept overlong forms, surrogates (ED A0..BF) or code points > U+10FFFF.

/** True when bytes[start, end) is well-formed UTF-8 (Unicode 15, table 3-7). */
export function isWellFormedUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (i + 1 >= end || !isContinuation(bytes[i + 1]!)) return false;
      i += 2;
      continue;
    }
    if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= end) return false;
      const b1 = bytes[i + 1]!;
      const lo = b0 === 0xe0 ? 0xa0 : 0x80;
      const hi = b0 === 0xed ? 0x9f : 0xbf;
      if (b1 < lo || b1 > hi || !isContinuation(bytes[i + 2]!)) return false;
      i += 3;
      continue;
    }
    if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= end) return false;
      const b1 = bytes[i + 1]!;
      const lo = b0 === 0xf0 ? 0x90 : 0x80;
      const hi = b0 === 0xf4 ? 0x8f : 0xbf;
      if (b1 < lo || b1 > hi || !isContinuation(bytes[i + 2]!) || !isContinuation(bytes[i + 3]!))
        return false;
      i += 4;
      continue;
    }
    return false; // 0x80..0xc1 (continuation or overlong lead) and 0xf5..0xff
  }
  return true;
}

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** True when bytes[start, start + length) equals one of the candidates exactly. */
export function equalsAny(
  bytes: Uint8Array,
  start: number,
  length: number,
  candidates: readonly Uint8Array[],
): boolean {
  for (let k = 0; k < candidates.length; k++) {
    const candidate = candidates[k]!;
    if (candidate.length === length && equalsAt(bytes, start, candidate)) return true;
  }
  return false;
}

function equalsAt(bytes: Uint8Array, start: number, candidate: Uint8Array): boolean {
  for (let i = 0; i < candidate.length; i++) {
    if (bytes[start + i] !== candidate[i]) return false;
  }
  return true;
}

type MaybeWellFormed = string & { isWellFormed?: () => boolean };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a JS string has a UTF-8 form (no lone surrogates). */
export function isWellFormedString(value: string): boolean {
  // Short strings (keys, names) are cheaper to scan inline than to call out for.
  if (value.length < 32) {
    let i = 0;
    while (i < value.length && (value.charCodeAt(i) & 0xf800) !== 0xd800) i++;
    if (i === value.length) return true;
  }
  const native = (value as MaybeWellFormed).isWellFormed;
  return native === undefined ? !LONE_SURROGATE.test(value) : native.call(value);
}

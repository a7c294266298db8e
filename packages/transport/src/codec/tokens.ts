// Token-level reading for the validator: one msgpack value head (or map key) at a time, exactly as
// msgpackr's unpack.js interprets it with the options in msgpackr-setup.ts.
// Must never skip a byte without checking it exists, and never accept an extension type other than
// `undefined` (fixext1 type 0) and, in record modes, msgpackr's inline record definition.

import { ARRAY, MAP, RECORD, refuse, SCALAR } from './cursor.js';
import type { Cursor } from './cursor.js';
import { DecodeRefusal } from './reasons.js';
import { equalsAny, isWellFormedUtf8 } from './utf8.js';

const EXT_UNDEFINED = 0x00; // msgpackr writes `undefined` as fixext1 type 0
const EXT_RECORD = 0x72; // msgpackr's inline record definition ("r")

/** Consumes one value's head; returns SCALAR or the number of items the container it opens owes. */
export function readValueHead(c: Cursor): number {
  const at = c.pos;
  if (at >= c.end) refuse(DecodeRefusal.Truncated, at);
  const token = c.bytes[c.pos++]!;
  if (token < 0x40) return SCALAR;
  if (token < 0x80) {
    if (c.records === null) return SCALAR;
    const count = c.records[token & 0x3f]!;
    if (count < 0) refuse(DecodeRefusal.UnknownRecord, at);
    c.kind = RECORD;
    return count;
  }
  if (token < 0x90) return open(c, MAP, (token & 0x0f) * 2);
  if (token < 0xa0) return open(c, ARRAY, token & 0x0f);
  if (token < 0xc0) return skipString(c, token & 0x1f, at);
  if (token >= 0xe0) return SCALAR;
  switch (token) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
      return SCALAR;
    case 0xc4:
      return skipBin(c, readUint(c, 1), at);
    case 0xc5:
      return skipBin(c, readUint(c, 2), at);
    case 0xc6:
      return skipBin(c, readUint(c, 4), at);
    case 0xca:
    case 0xd2:
    case 0xce:
      return skipFixed(c, 4);
    case 0xcb:
      return skipFixed(c, 8);
    case 0xcc:
    case 0xd0:
      return skipFixed(c, 1);
    case 0xcd:
    case 0xd1:
      return skipFixed(c, 2);
    case 0xcf:
    case 0xd3:
      return checkInt64(c, token === 0xd3, at);
    case 0xd4:
      return readFixext1(c, at);
    case 0xd9:
      return skipString(c, readUint(c, 1), at);
    case 0xda:
      return skipString(c, readUint(c, 2), at);
    case 0xdb:
      return skipString(c, readUint(c, 4), at);
    case 0xdc:
      return open(c, ARRAY, readUint(c, 2));
    case 0xdd:
      return open(c, ARRAY, readUint(c, 4));
    case 0xde:
      return open(c, MAP, readUint(c, 2) * 2);
    case 0xdf:
      return open(c, MAP, readUint(c, 4) * 2);
    case 0xc7: // ext 8/16/32 and fixext 2/4/8/16: timestamps, structured-clone ids and pointers,
    case 0xc8: // Set, Error, RegExp, typed arrays, big integers, bundled strings, two-byte records
    case 0xc9:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return refuse(DecodeRefusal.ForbiddenExtension, at);
    default: // 0xc1: reserved by msgpack, msgpackr's bundled-string marker
      return refuse(DecodeRefusal.BadToken, at);
  }
}

function open(c: Cursor, kind: number, count: number): number {
  c.kind = kind;
  return count;
}

function readUint(c: Cursor, size: 1 | 2 | 4): number {
  if (c.end - c.pos < size) refuse(DecodeRefusal.Truncated, c.pos);
  const p = c.pos;
  c.pos += size;
  return size === 1 ? c.bytes[p]! : size === 2 ? c.view.getUint16(p) : c.view.getUint32(p);
}

function skipFixed(c: Cursor, size: number): number {
  if (c.end - c.pos < size) refuse(DecodeRefusal.Truncated, c.pos);
  c.pos += size;
  return SCALAR;
}

function skipBin(c: Cursor, length: number, at: number): number {
  if (length > c.end - c.pos) refuse(DecodeRefusal.BadLength, at);
  c.pos += length;
  return SCALAR;
}

function skipString(c: Cursor, length: number, at: number): number {
  if (length > c.end - c.pos) refuse(DecodeRefusal.BadLength, at);
  if (!isWellFormedUtf8(c.bytes, c.pos, c.pos + length)) refuse(DecodeRefusal.BadUtf8, at);
  c.pos += length;
  return SCALAR;
}

/** int64/uint64 decode to numbers (int64AsType 'number'), so only the safe range is exact. */
function checkInt64(c: Cursor, signed: boolean, at: number): number {
  if (c.end - c.pos < 8) refuse(DecodeRefusal.Truncated, c.pos);
  const hi = signed ? c.view.getInt32(c.pos) : c.view.getUint32(c.pos);
  const lo = c.view.getUint32(c.pos + 4);
  if (hi > 0x1fffff || hi < -0x200000 || (hi === -0x200000 && lo === 0))
    refuse(DecodeRefusal.UnsafeInteger, at);
  c.pos += 8;
  return SCALAR;
}

/** Map keys and record-definition keys: strings only, well-formed, never a forbidden key. */
export function readKey(c: Cursor): void {
  const at = c.pos;
  if (at >= c.end) refuse(DecodeRefusal.Truncated, at);
  const token = c.bytes[c.pos++]!;
  let length: number;
  if (token >= 0xa0 && token < 0xc0) length = token & 0x1f;
  else if (token === 0xd9) length = readUint(c, 1);
  else if (token === 0xda) length = readUint(c, 2);
  else if (token === 0xdb) length = readUint(c, 4);
  else return refuse(DecodeRefusal.BadKey, at);
  const start = c.pos;
  skipString(c, length, at);
  if (equalsAny(c.bytes, start, length, c.limits.forbiddenKeyBytes)) refuse(DecodeRefusal.ForbiddenKey, at);
}

/** fixext1: `undefined`, or (record modes only) an inline record definition and its first values. */
function readFixext1(c: Cursor, at: number): number {
  if (c.end - c.pos < 2) refuse(DecodeRefusal.Truncated, c.pos);
  const type = c.bytes[c.pos]!;
  const data = c.bytes[c.pos + 1]!;
  if (type === EXT_UNDEFINED) {
    c.pos += 2;
    return SCALAR;
  }
  if (type !== EXT_RECORD || c.records === null) refuse(DecodeRefusal.ForbiddenExtension, at);
  // msgpackr reads the id as `data & 0x3f`; tickwire's encoders only write 0x40-0x7f.
  if (data < 0x40 || data > 0x7f) refuse(DecodeRefusal.BadRecord, at);
  c.pos += 2;
  if (c.pos >= c.end) refuse(DecodeRefusal.Truncated, c.pos);
  const head = c.bytes[c.pos++]!;
  let count: number;
  if (head >= 0x90 && head < 0xa0) count = head & 0x0f;
  else if (head === 0xdc) count = readUint(c, 2);
  else if (head === 0xdd) count = readUint(c, 4);
  else return refuse(DecodeRefusal.BadRecord, at);
  if (count > c.limits.maxRecordKeys) refuse(DecodeRefusal.BadRecord, at);
  if (count > c.end - c.pos) refuse(DecodeRefusal.BadLength, at);
  for (let i = 0; i < count; i++) readKey(c);
  // msgpackr registers the definition before reading the values, so they may already use it.
  c.records[data & 0x3f] = count;
  c.definitions++;
  c.kind = RECORD;
  return count;
}

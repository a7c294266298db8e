// The validator: walks untrusted msgpack bytes exactly the way msgpackr will read them (including
// msgpackr's record extension) and refuses anything outside tickwire's plain-data subset before
// msgpackr allocates a single object. It allocates nothing proportional to the input, runs in one
// linear pass and always terminates.
// Must never accept bytes msgpackr would read differently from this walk: every length, count and
// record reference is checked against what remains, so msgpackr's up-front `new Array(n)` is bounded.

import { MAP, refuse, SCALAR } from './cursor.js';
import type { Cursor, RecordSlots } from './cursor.js';
import type { ResolvedLimits } from './limits.js';
import { DecodeRefusal } from './reasons.js';
import { readKey, readValueHead } from './tokens.js';

export { emptyRecordSlots, ScanRefusal } from './cursor.js';
export type { RecordSlots } from './cursor.js';

/**
 * Throws ScanRefusal unless `bytes` is exactly one acceptable value; returns how many record
 * definitions it carries (for the caller's definition budget).
 */
export function scanMessage(bytes: Uint8Array, limits: ResolvedLimits, records: RecordSlots | null): number {
  const end = bytes.byteLength;
  if (end > limits.maxBytes) refuse(DecodeRefusal.TooLarge, 0);
  if (end === 0) refuse(DecodeRefusal.Truncated, 0);
  const c: Cursor = {
    bytes,
    view: new DataView(bytes.buffer, bytes.byteOffset, end),
    end,
    limits,
    records,
    pos: 0,
    kind: SCALAR,
    definitions: 0,
  };
  const left: number[] = []; // per open container: keys + values still to read
  const kinds: number[] = [];
  let depth = 0;
  let pending = 1; // everything still owed by every open container; each needs >= 1 byte
  let items = 0;
  while (pending > 0) {
    while (depth > 0 && left[depth - 1] === 0) depth--;
    let isKey = false;
    if (depth > 0) {
      const n = left[depth - 1]!;
      isKey = kinds[depth - 1] === MAP && n % 2 === 0;
      left[depth - 1] = n - 1;
    }
    pending--;
    if (isKey) {
      readKey(c);
      continue;
    }
    const at = c.pos;
    if (++items > limits.maxItems) refuse(DecodeRefusal.TooManyItems, at);
    const token = at < end ? bytes[at]! : 0xc1;
    if (token < 0x40 || token >= 0xe0 || (token < 0x80 && records === null)) {
      c.pos++; // fixint: the commonest value in game messages, kept out of the big switch
      continue;
    }
    const children = readValueHead(c);
    if (children === SCALAR) continue;
    if (depth >= limits.maxDepth) refuse(DecodeRefusal.TooDeep, at);
    if (children === 0) continue;
    pending += children;
    // The whole open path must fit in what remains: this is what stops nested-header bombs.
    if (pending > end - c.pos) refuse(DecodeRefusal.BadLength, at);
    left[depth] = children;
    kinds[depth] = c.kind;
    depth++;
  }
  if (c.pos !== end) refuse(DecodeRefusal.TrailingBytes, c.pos);
  return c.definitions;
}

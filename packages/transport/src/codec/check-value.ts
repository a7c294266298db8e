// Encoder-side gate: walks a value before msgpackr packs it and refuses anything that is not the
// plain data both peers agree on, or that the peer's decoder would refuse (depth, item count,
// forbidden keys). Counting mirrors the validator: one item per value, keys not counted, a
// container at nesting level maxDepth + 1 is too deep. Cycles show up as too-deep.
// Must never mutate the value, and never walk more than maxItems values (a shared-reference DAG
// that expands exponentially stops at the item limit).

import type { ResolvedLimits } from './limits.js';
import { EncodeRefusal } from './reasons.js';
import { isWellFormedString } from './utf8.js';

export class ValueRefusal extends Error {
  constructor(
    readonly reason: EncodeRefusal,
    /** Keys and indexes from the root to the refused value. */
    readonly path: readonly (string | number)[],
  ) {
    super(`value refused (${reason})`);
  }
}

/** `.players[3].name` style, for error messages. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('') || '<root>';
}

interface Walk {
  readonly limits: ResolvedLimits;
  items: number;
  /** Steps to the value being visited; a refusal copies it (no try/catch on the hot path). */
  readonly path: (string | number)[];
}

/** Throws ValueRefusal unless `value` is plain data within `limits`. */
export function checkEncodable(value: unknown, limits: ResolvedLimits): void {
  visit(value, 0, { limits, items: 0, path: [] });
}

function refuse(walk: Walk, reason: EncodeRefusal, key?: string): never {
  throw new ValueRefusal(reason, key === undefined ? [...walk.path] : [...walk.path, key]);
}

function visit(value: unknown, depth: number, walk: Walk): void {
  const { limits } = walk;
  if (++walk.items > limits.maxItems) refuse(walk, EncodeRefusal.TooManyItems);
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return;
    case 'string':
      // UTF-8 is never shorter than UTF-16 code units, so this is a cheap lower bound.
      if (value.length > limits.maxBytes) refuse(walk, EncodeRefusal.TooLarge);
      if (!isWellFormedString(value)) refuse(walk, EncodeRefusal.BadString);
      return;
    case 'bigint':
    case 'symbol':
    case 'function':
      return refuse(walk, EncodeRefusal.UnsupportedType);
    case 'object':
      visitObject(value, depth, walk);
      return;
  }
}

function visitObject(value: object | null, depth: number, walk: Walk): void {
  if (value === null) return;
  const { limits, path } = walk;
  if (value instanceof Uint8Array) {
    if (value.length > limits.maxBytes) refuse(walk, EncodeRefusal.TooLarge);
    return;
  }
  if (depth >= limits.maxDepth) refuse(walk, EncodeRefusal.TooDeep);
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) refuse(walk, EncodeRefusal.UnsupportedType);
    const items: readonly unknown[] = value;
    if (items.length > limits.maxItems) refuse(walk, EncodeRefusal.TooManyItems);
    for (let i = 0; i < items.length; i++) {
      path.push(i);
      visit(items[i], depth + 1, walk);
      path.pop();
    }
    return;
  }
  if (proto !== Object.prototype && proto !== null) refuse(walk, EncodeRefusal.UnsupportedType);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (limits.forbiddenKeyLengths.has(key.length) && limits.forbiddenKeySet.has(key)) {
      refuse(walk, EncodeRefusal.ForbiddenKey, key);
    }
    if (!isWellFormedString(key)) refuse(walk, EncodeRefusal.BadString, key);
    path.push(key);
    visit(record[key], depth + 1, walk);
    path.pop();
  }
}

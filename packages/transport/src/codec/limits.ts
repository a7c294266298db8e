// Limits a codec enforces on untrusted bytes, their defaults, and their validation. Both peers must
// use the same limits: the encoder refuses what the peer's decoder would refuse.
// Must never accept a limit that makes decoding unbounded (zero, negative, fractional or infinite).

import { TransportError, TransportErrorCode } from '../errors.js';

export interface DecodeLimits {
  /** Largest message accepted, in bytes. Every other allocation is bounded by this. */
  maxBytes: number;
  /** Deepest container nesting (a top-level array or object is depth 1). */
  maxDepth: number;
  /** Most values in one message (containers and scalars; map keys not counted). Also always <= bytes. */
  maxItems: number;
  /** Most keys in one record definition. Objects with more keys are sent as plain maps. */
  maxRecordKeys: number;
  /**
   * Stream mode: record definitions cost the decoder far more than their bytes (msgpackr builds a
   * reader per shape and compiles it after a few uses, ~5-20 us each), so they are rationed: a
   * budget of this many definitions, refilled by one per `bytesPerRecordDefinition` bytes received.
   * The encoder mirrors the peer's budget and sends plain maps instead of overdrawing it.
   */
  recordDefinitionBurst: number;
  bytesPerRecordDefinition: number;
  /** Keys refused anywhere in a message (`__proto__` is always refused, even if omitted here). */
  forbiddenKeys: readonly string[];
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxBytes: 256 * 1024, // browsers' and libdatachannel's default SCTP max-message-size
  maxDepth: 32,
  maxItems: 65_536,
  maxRecordKeys: 64,
  recordDefinitionBurst: 64,
  bytesPerRecordDefinition: 256,
  forbiddenKeys: Object.freeze(['__proto__', 'constructor', 'prototype']),
});

/** Limits plus precomputed forms the hot paths need. */
export interface ResolvedLimits extends Readonly<DecodeLimits> {
  readonly forbiddenKeySet: ReadonlySet<string>;
  /** UTF-8 bytes of each forbidden key, for allocation-free comparison while scanning. */
  readonly forbiddenKeyBytes: readonly Uint8Array[];
  /** UTF-16 lengths of the forbidden keys: a cheap pre-check before the set lookup. */
  readonly forbiddenKeyLengths: ReadonlySet<number>;
}

const utf8 = new TextEncoder();

export function resolveLimits(overrides: Partial<DecodeLimits> = {}): ResolvedLimits {
  const limits = { ...DEFAULT_DECODE_LIMITS, ...overrides };
  for (const name of [
    'maxBytes',
    'maxDepth',
    'maxItems',
    'maxRecordKeys',
    'recordDefinitionBurst',
    'bytesPerRecordDefinition',
  ] as const) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new TransportError(
        TransportErrorCode.InvalidOptions,
        `codec limit ${name} must be a positive integer`,
        {
          details: { limit: name, value },
        },
      );
    }
  }
  if (!Array.isArray(limits.forbiddenKeys) || limits.forbiddenKeys.some((key) => typeof key !== 'string')) {
    throw new TransportError(
      TransportErrorCode.InvalidOptions,
      'codec forbiddenKeys must be an array of strings',
      {
        details: { limit: 'forbiddenKeys' },
      },
    );
  }
  const keys = [...new Set(['__proto__', ...limits.forbiddenKeys])];
  // Deliberately not frozen: V8 reads elements of frozen arrays several times slower, and these
  // are read for every key of every message. Callers only ever get a frozen copy (codec.limits).
  return {
    ...limits,
    forbiddenKeys: keys,
    forbiddenKeySet: new Set(keys),
    forbiddenKeyBytes: keys.map((key) => utf8.encode(key)),
    forbiddenKeyLengths: new Set(keys.map((key) => key.length)),
  };
}

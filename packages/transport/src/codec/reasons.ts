// Machine-readable reasons carried in `TransportError.details.reason` by the codec, so callers and
// tests can tell a decoding bomb from a truncated frame without parsing messages.
// Must never be renamed casually: peers and dashboards may count them.

/** Why the decoder refused bytes (TransportError code DECODE). */
export const DecodeRefusal = {
  /** decode() was given something that is not a Uint8Array. */
  NotBytes: 'not-bytes',
  /** The message is larger than `limits.maxBytes`. */
  TooLarge: 'too-large',
  /** The input ends inside a token or value. */
  Truncated: 'truncated',
  /** A complete value was read but bytes remain after it. */
  TrailingBytes: 'trailing-bytes',
  /** A string/bin length or container count claims more than the bytes that remain. */
  BadLength: 'bad-length',
  /** Containers nest deeper than `limits.maxDepth`. */
  TooDeep: 'too-deep',
  /** More values than `limits.maxItems`. */
  TooManyItems: 'too-many-items',
  /** A token msgpack reserves (0xc1) or that tickwire never sends. */
  BadToken: 'bad-token',
  /** A string that is not well-formed UTF-8. */
  BadUtf8: 'bad-utf8',
  /** A map key that is not a string. */
  BadKey: 'bad-key',
  /** A key in `limits.forbiddenKeys` (`__proto__` always). */
  ForbiddenKey: 'forbidden-key',
  /** Any msgpack extension except `undefined` and tickwire's own record definitions. */
  ForbiddenExtension: 'forbidden-extension',
  /** A 64-bit integer outside Number.MIN_SAFE_INTEGER..Number.MAX_SAFE_INTEGER. */
  UnsafeInteger: 'unsafe-integer',
  /** A record reference whose definition this decoder has not seen. */
  UnknownRecord: 'unknown-record',
  /** A malformed record definition (id out of range, keys not strings, too many keys). */
  BadRecord: 'bad-record',
  /** More record definitions than the stream's definition budget allows (a CPU-exhaustion guard). */
  RecordBudget: 'record-budget',
  /** msgpackr failed on bytes the validator accepted (a bug; reported, never thrown raw). */
  Internal: 'internal',
} as const;
export type DecodeRefusal = (typeof DecodeRefusal)[keyof typeof DecodeRefusal];

/** Why the encoder refused a value (TransportError code ENCODE). */
export const EncodeRefusal = {
  /** Not plain data: functions, symbols, bigint, Date, Map, Set, class instances, typed arrays other than Uint8Array. */
  UnsupportedType: 'unsupported-type',
  /** A string (or key) with a lone UTF-16 surrogate: it has no UTF-8 form. */
  BadString: 'bad-string',
  /** Nesting deeper than `limits.maxDepth` (this is also what a cycle looks like). */
  TooDeep: 'too-deep',
  /** More values than `limits.maxItems`. */
  TooManyItems: 'too-many-items',
  /** A key in `limits.forbiddenKeys`. */
  ForbiddenKey: 'forbidden-key',
  /** The encoded message is larger than `limits.maxBytes` or the per-call `maxBytes`. */
  TooLarge: 'too-large',
  /** The encoder produced bytes the peer's validator would refuse (a bug; nothing is returned). */
  SelfCheck: 'self-check',
  /** msgpackr threw while packing (a bug or a hostile getter/proxy). */
  Internal: 'internal',
} as const;
export type EncodeRefusal = (typeof EncodeRefusal)[keyof typeof EncodeRefusal];

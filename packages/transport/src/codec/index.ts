// Public surface of the codec: what the connection and game code may import. Internals (validator,
// msgpackr options) stay private so they can change without breaking callers.
// Must never export msgpackr instances or anything that decodes without validation.

export { createCodec } from './codec.js';
export { CodecMode } from './types.js';
export type { Codec, CodecOptions, EncodeOptions } from './types.js';
export { DEFAULT_DECODE_LIMITS } from './limits.js';
export type { DecodeLimits } from './limits.js';
export { DecodeRefusal, EncodeRefusal } from './reasons.js';

// The codec's public types. Kept apart from the implementation so the connection can depend on
// the contract alone. Must never import runtime code (types and the mode constant only).

import type { DecodeLimits } from './limits.js';

export const CodecMode = {
  /** Reliable, ordered channel: record shapes are shared across messages (needs in-order, exactly-once delivery). */
  Stream: 'stream',
  /** Unreliable channel: every message decodes on its own, whatever was lost or reordered. */
  Datagram: 'datagram',
} as const;
export type CodecMode = (typeof CodecMode)[keyof typeof CodecMode];

export interface CodecOptions {
  mode: CodecMode;
  /** Overrides of DEFAULT_DECODE_LIMITS. Both peers must use the same limits. */
  limits?: Partial<DecodeLimits>;
}

export interface EncodeOptions {
  /** Refuse (ENCODE, reason 'too-large') an encoding longer than this, e.g. the channel's max message size. */
  maxBytes?: number;
}

/**
 * One direction pair of one channel: encode() for what this side sends, decode() for what it
 * receives. Throws only TransportError: ENCODE or DECODE with `details.reason` (EncodeRefusal /
 * DecodeRefusal), INVALID_OPTIONS from createCodec.
 */
export interface Codec {
  readonly mode: CodecMode;
  readonly limits: Readonly<DecodeLimits>;
  /**
   * Packs a value. The bytes are a read-only view into msgpackr's output buffer; msgpackr never
   * writes there again, but copy them if you keep them long (they pin an 8 KiB block).
   * Stream mode: every result must reach the peer's decoder, in order; if one will not be sent
   * after all, call resetEncoder() before encoding the next.
   */
  encode(value: unknown, options?: EncodeOptions): Uint8Array;
  /**
   * Validates, then unpacks one message. Stream mode: call for every received message, in order.
   * A refusal makes the decoder forget every record definition: later messages that reference one
   * are refused ('unknown-record'), never misread, until the sender defines its shapes again.
   */
  decode(bytes: Uint8Array): unknown;
  /**
   * Stream mode: forget which record shapes the peer knows, so the next messages define every shape
   * they use again. Keeps the peer in step after an encoded message was dropped. No-op for datagrams.
   */
  resetEncoder(): void;
}

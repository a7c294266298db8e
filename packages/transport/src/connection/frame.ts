// Wire framing of tickwire messages inside a data channel message. Unreliable frames carry a
// 5-byte header so the receiver can detect loss, discard out-of-order and stale messages and
// measure jitter without any clock sync; reliable frames carry one type byte (SCTP already orders).
//
// Unreliable: [flags][seq:u16][stamp:u16][payload]
//   flags bits 0-2: FrameType, bit 3: latest-only, bits 4-7: stream (0-15)
//   stamp: the sender's clock in ms, modulo 2^16 (only differences between stamps matter)
// Reliable:   [FrameType][payload]

// Reset (reliable only): the sender dropped a message its stream encoder had already registered
// record structures for, and starts a fresh encoder; the receiver must start a fresh decoder.
export const FrameType = { Value: 0, Raw: 1, Ping: 2, Pong: 3, Reset: 4 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const UNRELIABLE_HEADER_BYTES = 5;
export const RELIABLE_HEADER_BYTES = 1;
export const MAX_STREAM = 15;

export interface UnreliableHeader {
  type: FrameType;
  latestOnly: boolean;
  stream: number;
  seq: number;
  stamp: number;
}

export function writeUnreliableFrame(header: UnreliableHeader, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(UNRELIABLE_HEADER_BYTES + payload.byteLength);
  frame[0] = header.type | (header.latestOnly ? 0x08 : 0) | (header.stream << 4);
  frame[1] = (header.seq >>> 8) & 0xff;
  frame[2] = header.seq & 0xff;
  frame[3] = (header.stamp >>> 8) & 0xff;
  frame[4] = header.stamp & 0xff;
  frame.set(payload, UNRELIABLE_HEADER_BYTES);
  return frame;
}

/** Returns undefined for frames too short or with an unknown type. */
export function readUnreliableHeader(frame: Uint8Array): UnreliableHeader | undefined {
  if (frame.byteLength < UNRELIABLE_HEADER_BYTES) return undefined;
  const flags = frame[0]!;
  const type = flags & 0x07;
  if (type > FrameType.Pong) return undefined; // Reset is never sent unreliably
  return {
    type: type as FrameType,
    latestOnly: (flags & 0x08) !== 0,
    stream: flags >>> 4,
    seq: (frame[1]! << 8) | frame[2]!,
    stamp: (frame[3]! << 8) | frame[4]!,
  };
}

export function writeReliableFrame(type: FrameType, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(RELIABLE_HEADER_BYTES + payload.byteLength);
  frame[0] = type;
  frame.set(payload, RELIABLE_HEADER_BYTES);
  return frame;
}

/** Signed difference a - b of two 16-bit serial numbers (RFC 1982 style). */
export function serialDiff16(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

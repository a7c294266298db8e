// The lobby relay's wire format: one binary WebSocket message per frame of game traffic, the only
// binary messages of the protocol (everything else is JSON text). Client to lobby, `peer` is the
// recipient; lobby to client, it is the sender. The payload is opaque to the lobby (a transport
// frame) and never parsed here.
//
//   [0x52 'R'][flags: bit 0 = reliable][peer length: u8][peer id: ASCII][payload]
//
// decodeRelayFrame must never throw: bytes from a client are untrusted.

export const RELAY_FRAME_MAGIC = 0x52;
const PEER_ID = /^[A-Za-z0-9_:.-]{1,64}$/;

export interface RelayFrame {
  readonly peer: string;
  readonly reliable: boolean;
  readonly payload: Uint8Array;
}

export function encodeRelayFrame(frame: RelayFrame): Uint8Array {
  const id = frame.peer;
  const out = new Uint8Array(3 + id.length + frame.payload.byteLength);
  out[0] = RELAY_FRAME_MAGIC;
  out[1] = frame.reliable ? 1 : 0;
  out[2] = id.length;
  for (let i = 0; i < id.length; i++) out[3 + i] = id.charCodeAt(i) & 0x7f;
  out.set(frame.payload, 3 + id.length);
  return out;
}

/** The frame, or a reason it is not one (wrong magic, unknown flags, bad peer id, truncated). */
export function decodeRelayFrame(bytes: Uint8Array): RelayFrame | { readonly problem: string } {
  if (bytes.byteLength < 3 || bytes[0] !== RELAY_FRAME_MAGIC) return { problem: 'not a relay frame' };
  const flags = bytes[1]!;
  if ((flags & ~1) !== 0) return { problem: 'unknown relay frame flags' };
  const length = bytes[2]!;
  if (bytes.byteLength < 3 + length) return { problem: 'truncated relay frame' };
  let peer = '';
  for (let i = 0; i < length; i++) peer += String.fromCharCode(bytes[3 + i]!);
  if (!PEER_ID.test(peer)) return { problem: 'bad peer id in relay frame' };
  return { peer, reliable: (flags & 1) === 1, payload: bytes.subarray(3 + length) };
}

/** What a frame costs against the relay budgets: its payload plus the per-message overhead. */
export function relayFrameCost(payloadBytes: number): number {
  return payloadBytes + 64;
}

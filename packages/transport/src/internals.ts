// @tickwire/transport/internals: the state-sync engine's parts, for tools, benchmarks and tests
// that drive them directly (no sockets). Not the public API: anything here may change in any
// release. Pure: must never import node-datachannel or a platform adapter.
export { BitWriter } from './sync/bits/bit-writer.js';
export { BitReader } from './sync/bits/bit-reader.js';
export { SnapshotEncoder } from './sync/snapshot/encoder.js';
export type { EncodeRequest, EncodeResult } from './sync/snapshot/encoder.js';
export { SnapshotDecoder } from './sync/snapshot/decoder.js';
export type { DecodedPart, DecodeOutcome } from './sync/snapshot/decoder.js';
export { SnapshotAssembler } from './sync/snapshot/assembler.js';
export type { AssembleOutcome } from './sync/snapshot/assembler.js';
export type { QRow, EntitySet } from './sync/snapshot/types.js';
export { SyncAuthority } from './sync/server/authority.js';
export { AuthorityPeer } from './sync/server/peer.js';
export type { PeerTransport } from './sync/server/peer.js';
export { InputBuffer } from './sync/input/input-buffer.js';
export { encodeInputPacket, decodeInputPacket, quantizeInput } from './sync/input/input-packet.js';
export type { InputPacket, InputDecodeOutcome } from './sync/input/input-packet.js';
export { RateController } from './sync/rate/rate-controller.js';
export type { LinkSample } from './sync/rate/rate-controller.js';
export { SyncReceiver } from './sync/client/receiver.js';
export type { ReceiveOutcome } from './sync/client/receiver.js';
export { InputSender } from './sync/client/input-sender.js';
export { ClockSync } from './sync/client/clock-sync.js';
export { PlayoutDelay } from './sync/client/playout-delay.js';
export { RenderClock } from './sync/client/render-clock.js';
export { InterpolationBuffer } from './sync/client/interpolation.js';
export { SYNC_PROTOCOL_VERSION, parseSyncMessage } from './sync/glue/protocol.js';
export type { SyncMessage } from './sync/glue/protocol.js';
export {
  parseUnreliableFrame,
  parseReliableFrame,
  writeReliableFrame,
  writeUnreliableFrameInto,
  unreliableFlags,
  FrameType,
} from './channel/frame.js';
export type { UnreliableFrame, ReliableFrame } from './channel/frame.js';

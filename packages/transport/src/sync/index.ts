// Public API of tickwire state sync. The pure engine (schema, snapshot codec, authority and
// receiver cores, interpolation, clock sync, prediction, rate control) works without sockets;
// createSyncServer / createSyncClient wire it to tickwire Connections.
export { t, defineSchema, defineInput } from './schema/define.js';
export type {
  SyncSchema,
  InputSchema,
  EntityType,
  EntityTypeName,
  EntityOf,
  InputOf,
} from './schema/define.js';
export { FieldKind } from './schema/field-types.js';
export type {
  Field,
  NumericField,
  BlobField,
  FieldMap,
  FieldValue,
  InferFields,
  Quantized,
} from './schema/field-types.js';
export { BitWriter } from './bits/bit-writer.js';
export { BitReader } from './bits/bit-reader.js';
export { SnapshotEncoder } from './snapshot/encoder.js';
export type { EncodeRequest, EncodeResult } from './snapshot/encoder.js';
export { SnapshotDecoder } from './snapshot/decoder.js';
export type { DecodedPart, DecodeOutcome } from './snapshot/decoder.js';
export { SnapshotAssembler } from './snapshot/assembler.js';
export type { AssembleOutcome } from './snapshot/assembler.js';
export { SyncRejectReason } from './snapshot/types.js';
export type { QRow, EntityValue, EntitySet, Snapshot } from './snapshot/types.js';
export { SyncAuthority } from './server/authority.js';
export type { SyncAuthorityOptions, InterestFilter } from './server/authority.js';
export { AuthorityPeer } from './server/peer.js';
export type { PeerLink, PeerStats, PeerTransport } from './server/peer.js';
export type { EntityHandle, World } from './server/world.js';
export { InputBuffer } from './input/input-buffer.js';
export type { InputBufferStats } from './input/input-buffer.js';
export { encodeInputPacket, decodeInputPacket } from './input/input-packet.js';
export type { InputPacket, InputDecodeOutcome } from './input/input-packet.js';
export { RateController } from './rate/rate-controller.js';
export type { RateOptions, RateStats, LinkSample, CongestionReason } from './rate/rate-controller.js';
export { SyncReceiver } from './client/receiver.js';
export type { ReceiverOptions, ReceiverStats, ReceiveOutcome } from './client/receiver.js';
export { InputSender } from './client/input-sender.js';
export { ClockSync } from './client/clock-sync.js';
export type { ClockSyncOptions } from './client/clock-sync.js';
export { PlayoutDelay } from './client/playout-delay.js';
export type { PlayoutOptions } from './client/playout-delay.js';
export { RenderClock } from './client/render-clock.js';
export type { RenderClockOptions } from './client/render-clock.js';
export { InterpolationBuffer } from './client/interpolation.js';
export type { Sample, SampledEntity, SampledEntityOf } from './client/interpolation.js';
export { Predictor } from './client/prediction.js';
export type { PredictorOptions, Reconciliation } from './client/prediction.js';
export { createSyncServer } from './glue/server.js';
export type {
  LeaveReason,
  SyncServer,
  SyncServerClient,
  SyncServerEvents,
  SyncServerOptions,
} from './glue/server.js';
export { createSyncClient } from './glue/client.js';
export type {
  SyncClient,
  SyncClientEvents,
  SyncClientOptions,
  SyncClientStats,
  TickEvent,
} from './glue/client.js';
export { SNAPSHOT_STREAM, INPUT_STREAM, SYNC_PROTOCOL_VERSION } from './glue/protocol.js';

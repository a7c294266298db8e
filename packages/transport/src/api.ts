// Everything public that is the same on every platform. The Node entry (index.ts) and the browser
// entry (browser.ts) re-export this list, name by name, and add their own `connect`. Internals of
// the sync engine live behind `@tickwire/transport/internals`; the emitter behind `/emitter`.
export { TransportError, TransportErrorCode, isTransportError } from './errors.js';
export type {
  ChannelKind,
  CloseEvent,
  Connection,
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  IceServerConfig,
  MessageEvent,
  MessageInterceptor,
  RelayFallbackEvent,
  RestartingEvent,
  RestoredEvent,
  SendOptions,
  SendResult,
} from './connection/types.js';
export { MAX_UNRELIABLE_PAYLOAD } from './connection/options.js';
export { DEFAULT_LOSS_PROBES } from './channel/loss-probes.js';
export type { LossProbeOptions } from './channel/loss-probes.js';
export type { SignalMessage, Signaler } from './signal/signaler.js';
export type { RelayPipe, RelayRefusal } from './relay/pipe.js';
export { WS_RELAY_DESCRIPTION } from './relay/pipe.js';
export { createSignalerPair } from './signal/in-process.js';
export type { InProcessSignaler } from './signal/in-process.js';
export type { ChannelStats, ConnectionStats, UnreliableStats } from './stats/types.js';
export { PathType, describePath } from './stats/path.js';
export type { ConnectionPath, RelayProtocol } from './stats/path.js';
export type { SelectedCandidate, SelectedPair } from './rtc/adapter.js';
export { SeatGuard } from './admission/seat-guard.js';
export type {
  SeatGuardEvents,
  SeatGuardOptions,
  SeatGuardStats,
  SeatRefusal,
} from './admission/seat-guard.js';
export { createCodec } from './codec/index.js';
export type { Codec, CodecOptions } from './codec/index.js';
// State sync: schemas, quantized delta snapshots, interpolation, prediction.
export {
  t,
  defineSchema,
  defineInput,
  FieldKind,
  SyncRejectReason,
  Predictor,
  createSyncServer,
  createSyncClient,
  SNAPSHOT_STREAM,
  INPUT_STREAM,
  PeerViolation,
} from './sync/index.js';
export type {
  SyncSchema,
  InputSchema,
  EntityType,
  EntityTypeName,
  EntityOf,
  InputOf,
  Field,
  NumericField,
  BlobField,
  FieldMap,
  FieldValue,
  InferFields,
  Quantized,
  EntityValue,
  Snapshot,
  SyncAuthority,
  SyncAuthorityOptions,
  InterestFilter,
  AuthorityPeer,
  PeerLink,
  PeerStats,
  EntityHandle,
  World,
  InputBufferStats,
  InputRefusal,
  GuardOptions,
  GuardStats,
  RateOptions,
  RateStats,
  CongestionReason,
  ReceiverOptions,
  ReceiverStats,
  ClockSyncOptions,
  PlayoutOptions,
  RenderClockOptions,
  Sample,
  SampledEntity,
  SampledEntityOf,
  PredictorOptions,
  Reconciliation,
  LeaveReason,
  SyncServer,
  SyncServerClient,
  SyncServerEvents,
  SyncServerOptions,
  SyncClient,
  SyncClientEvents,
  SyncClientOptions,
  SyncClientStats,
  LatestSnapshot,
  TickEvent,
} from './sync/index.js';

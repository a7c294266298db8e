// Public API of tickwire state sync: schemas, the server and client glue, prediction, and the
// types their methods return. The engine's internals (bit coding, snapshot codec, receiver and
// authority cores, rate control…) are exported from `@tickwire/transport/internals` only, for
// tools, benchmarks and tests: they may change in any release.
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
export { SyncRejectReason } from './snapshot/types.js';
export type { EntityValue, Snapshot } from './snapshot/types.js';
export type { SyncAuthority, SyncAuthorityOptions, InterestFilter } from './server/authority.js';
export type { AuthorityPeer, PeerLink, PeerStats } from './server/peer.js';
export type { EntityHandle, World } from './server/world.js';
export type { InputBufferStats, InputRefusal } from './input/input-buffer.js';
export { PeerViolation } from './server/guard.js';
export type { GuardOptions, GuardStats } from './server/guard.js';
export type { RateOptions, RateStats, CongestionReason } from './rate/rate-controller.js';
export type { ReceiverOptions, ReceiverStats } from './client/receiver.js';
export type { ClockSyncOptions } from './client/clock-sync.js';
export type { PlayoutOptions } from './client/playout-delay.js';
export type { RenderClockOptions } from './client/render-clock.js';
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
  LatestSnapshot,
  TickEvent,
} from './glue/client.js';
export { SNAPSHOT_STREAM, INPUT_STREAM } from './glue/protocol.js';

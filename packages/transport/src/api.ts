// Everything public that is the same on every platform. The Node entry (index.ts) and the browser
// entry (browser.ts) re-export this list and add their own `connect`.
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
  RelayFallbackEvent,
  SendOptions,
  SendResult,
} from './connection/types.js';
export { MAX_UNRELIABLE_PAYLOAD } from './connection/connection.js';
export { DEFAULT_LOSS_PROBES } from './connection/loss-probes.js';
export type { LossProbeOptions } from './connection/loss-probes.js';
export type { SignalMessage, Signaler } from './signal/signaler.js';
export { createSignalerPair } from './signal/in-process.js';
export type { InProcessSignaler } from './signal/in-process.js';
export type { ChannelStats, ConnectionStats, UnreliableStats } from './stats/types.js';
export { PathType, describePath } from './stats/path.js';
export type { ConnectionPath, RelayProtocol } from './stats/path.js';
export type { SelectedCandidate, SelectedPair } from './rtc/adapter.js';
export { createCodec } from './codec/index.js';
export type { Codec, CodecOptions } from './codec/index.js';
// State sync: schemas, quantized delta snapshots, interpolation, prediction (see src/sync/README).
export * from './sync/index.js';

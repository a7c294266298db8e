// The protocol's public surface, shared by the server and client entry points (types and codes).
export {
  ClientMessageType,
  MatchCancelReason,
  QueueWaitReason,
  RoomLeftReason,
  RoomUpdateReason,
  ServerMessageType,
} from './codes.js';
export { PROTOCOL_VERSION } from './version.js';
export type { ClientMessage, ClientMessageOf, SignalData } from './schemas.js';
export type {
  JoinKeyJwk,
  RequestResults,
  RequestType,
  ServerMessage,
  ServerMessageOf,
  WelcomeMessage,
} from './server-messages.js';
export type {
  Authority,
  IceServer,
  MemberView,
  PropValue,
  RegionLatency,
  RoomProps,
  RoomSummary,
  RoomPage,
  AuthorityStatus,
  RoomView,
  TurnCredentials,
} from './views.js';

// @tickwire/lobby-server/client: what game code (browser or Node) and dedicated game servers use
// to talk to a lobby. Browser-safe: nothing here imports Node modules.
export { LobbyClient } from './lobby-client.js';
export type { LobbyClientOptions, RoomListFilter } from './lobby-client.js';
export type { LobbyClientEvents } from './events.js';
export { PeerSignaler } from './signaler.js';
export type { SocketFactory, WebSocketLike } from './socket.js';
export { measureRegions } from './regions.js';
export type { MeasureOptions, RegionEndpoint } from './regions.js';
export { verifyJoinToken } from '../auth/join-token.js';
export type { JoinClaims, JoinExpectations, JoinVerifyKey } from '../auth/join-token.js';
export { LobbyCloseCode, LobbyError, LobbyErrorCode, isLobbyError } from '../errors.js';
export * from '../protocol/public.js';

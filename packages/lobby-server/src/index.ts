// @tickwire/lobby-server: the lobby operators host (rooms, matchmaking, signaling, TURN
// credentials, reconnection, Redis scale-out) and the helpers game servers use to trust it.
export { createLobbyServer } from './server/lobby-server.js';
export type { LobbyServer, LobbyServerOptions } from './server/lobby-server.js';
export { defaultSettings, settings, flagOf } from './config/options.js';
export type { LobbySettings, SettingName } from './config/options.js';
export { parseArgs, helpText, ConfigError } from './config/cli.js';
export { createJwtVerifier } from './auth/identity.js';
export type {
  IdentityContext,
  IdentityVerifier,
  JwtVerifierOptions,
  VerifiedIdentity,
} from './auth/identity.js';
export { verifyJoinToken, JOIN_TOKEN_ISSUER } from './auth/join-token.js';
export type { JoinClaims, JoinExpectations, JoinVerifyKey } from './auth/join-token.js';
export { CoturnAdmin } from './auth/coturn-admin.js';
export type { CoturnAdminOptions } from './auth/coturn-admin.js';
export { createTurnCredentials, turnPassword } from './auth/turn.js';
export type { TurnOptions } from './auth/turn.js';
export { signSessionToken, verifySessionToken } from './auth/session-token.js';
export { createMemoryBackend, MemoryBus, MemoryStore } from './store/memory.js';
export { createRedisBackend, RedisBus, RedisStore } from './store/redis.js';
export type { Bus, BusHandler, Mutation, StateBackend, Store } from './store/types.js';
export { parseClientMessage } from './protocol/parse.js';
export type { ParseResult } from './protocol/parse.js';
export { clientMessageSchema, signalDataSchema } from './protocol/schemas.js';
export { findMatch, acceptableRegions, ratingWindowOf, ANY_REGION } from './matchmaking/matcher.js';
export type { MatchAttempt, MatchParams } from './matchmaking/matcher.js';
export type { TicketRecord } from './matchmaking/records.js';
export { LobbyCloseCode, LobbyError, LobbyErrorCode, isLobbyError, isLobbyErrorCode } from './errors.js';
export * from './protocol/public.js';

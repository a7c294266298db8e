// Join tokens: a short-lived EdDSA JWT in which the lobby states "player P was seated in room R,
// whose authority is A". The authority (a hosting player or a dedicated server) checks it with
// the lobby's PUBLIC key before accepting P's data channels, so nobody joins a game the lobby did
// not seat them in, and no host ever holds a key that could mint tokens. Browser-safe (jose only).
import { importJWK, jwtVerify } from 'jose';
import { LobbyError } from '../errors.js';
import type { JoinKeyJwk } from '../protocol/server-messages.js';

export const JOIN_TOKEN_ISSUER = 'tickwire-lobby';
export const JOIN_TOKEN_ALG = 'EdDSA';

export interface JoinClaims {
  /** The seated player's session id. */
  readonly playerId: string;
  readonly roomId: string;
  /** The player id (player host) or server id (dedicated server) that must accept the player. */
  readonly authorityId: string;
  /** Expiry, Unix seconds. */
  readonly expiresAt: number;
}

export interface JoinExpectations {
  /** The verifier's own id: a token minted for another authority is refused. */
  readonly authorityId: string;
  readonly roomId?: string;
  /** The session id the peer claims to be (e.g. from signaling). */
  readonly playerId?: string;
  /** Verify as of this time instead of now (clock-skewed hosts, tests). */
  readonly at?: Date;
}

export type JoinVerifyKey = JoinKeyJwk | CryptoKey;

const importedKeys = new WeakMap<object, Promise<CryptoKey | Uint8Array>>();

function keyFor(key: JoinVerifyKey): Promise<CryptoKey | Uint8Array> {
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) return Promise.resolve(key);
  let imported = importedKeys.get(key);
  if (!imported) {
    imported = importJWK({ ...(key as JoinKeyJwk) }, JOIN_TOKEN_ALG);
    importedKeys.set(key, imported);
  }
  return imported;
}

/** Verifies a join token; throws LobbyError `invalid_join_token` naming what did not match. */
export async function verifyJoinToken(
  token: string,
  key: JoinVerifyKey,
  expected: JoinExpectations,
): Promise<JoinClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, await keyFor(key), {
      issuer: JOIN_TOKEN_ISSUER,
      audience: expected.authorityId,
      algorithms: [JOIN_TOKEN_ALG],
      ...(expected.at ? { currentDate: expected.at } : {}),
    }));
  } catch (cause) {
    throw new LobbyError('invalid_join_token', 'join token did not verify', { cause });
  }
  const playerId = payload['sub'];
  const roomId = payload['room'];
  const expiresAt = payload['exp'];
  if (typeof playerId !== 'string' || typeof roomId !== 'string' || typeof expiresAt !== 'number') {
    throw new LobbyError('invalid_join_token', 'join token lacks its claims');
  }
  if (expected.roomId !== undefined && expected.roomId !== roomId) {
    throw new LobbyError('invalid_join_token', 'join token is for another room', { details: { roomId } });
  }
  if (expected.playerId !== undefined && expected.playerId !== playerId) {
    throw new LobbyError('invalid_join_token', 'join token is for another player');
  }
  return { playerId, roomId, authorityId: expected.authorityId, expiresAt };
}

// The operator's hook for their own accounts: `hello.auth` goes to an IdentityVerifier, which
// returns who the player is (or throws to refuse). `createJwtVerifier` covers the common case of
// JWTs (HS256 secret, a public key, or a JWKS URL) with jose. Without a hook, sessions are guests.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { LobbyError } from '../errors.js';

export interface VerifiedIdentity {
  /** The operator's own account id (kept in the session, never used as the session id). */
  readonly userId?: string;
  readonly name?: string;
  /** Skill rating for matchmaking; preferred over anything the client says. */
  readonly rating?: number;
}

export interface IdentityContext {
  readonly ip: string;
  readonly origin: string | undefined;
}

/** Throw (or reject) to refuse the connection with `unauthorized` (close 4002). */
export type IdentityVerifier = (
  auth: string | undefined,
  context: IdentityContext,
) => Promise<VerifiedIdentity>;

export interface JwtVerifierOptions {
  /** Shared secret for HS256 tokens. */
  readonly secret?: string;
  /** Public key (CryptoKey) for asymmetric tokens. */
  readonly key?: CryptoKey;
  /** JWKS endpoint of the operator's identity provider. */
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Claim holding the display name (default `name`). */
  readonly nameClaim?: string;
  /** Claim holding the skill rating (default `rating`). */
  readonly ratingClaim?: string;
}

export function createJwtVerifier(options: JwtVerifierOptions): IdentityVerifier {
  let key: Uint8Array | CryptoKey | JWTVerifyGetKey;
  if (options.secret) key = new TextEncoder().encode(options.secret);
  else if (options.key) key = options.key;
  else if (options.jwksUrl) key = createRemoteJWKSet(new URL(options.jwksUrl));
  else throw new Error('createJwtVerifier needs secret, key or jwksUrl');
  const nameClaim = options.nameClaim ?? 'name';
  const ratingClaim = options.ratingClaim ?? 'rating';
  return async (auth) => {
    if (!auth) throw new LobbyError('unauthorized', 'this lobby requires an auth token');
    try {
      const verifyOptions = {
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
      };
      const { payload } =
        typeof key === 'function'
          ? await jwtVerify(auth, key, verifyOptions)
          : await jwtVerify(auth, key, verifyOptions);
      const name = payload[nameClaim];
      const rating = payload[ratingClaim];
      return {
        ...(payload.sub ? { userId: payload.sub } : {}),
        ...(typeof name === 'string' ? { name: name.slice(0, 32) } : {}),
        ...(typeof rating === 'number' && Number.isFinite(rating) ? { rating } : {}),
      };
    } catch (cause) {
      throw new LobbyError('unauthorized', 'auth token rejected', { cause });
    }
  };
}

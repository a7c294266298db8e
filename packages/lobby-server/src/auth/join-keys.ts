// The lobby's Ed25519 signing key for join tokens, derived from the lobby secret so that every
// lobby process sharing one secret (Redis mode) signs with the same key. Server-only.
import { createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import type { JoinKeyJwk } from '../protocol/server-messages.js';
import { JOIN_TOKEN_ALG, JOIN_TOKEN_ISSUER } from './join-token.js';

// PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface JoinSigner {
  readonly publicJwk: JoinKeyJwk;
  sign(claims: { playerId: string; roomId: string; authorityId: string }): Promise<string>;
}

export async function createJoinSigner(secret: string, ttlSeconds: number): Promise<JoinSigner> {
  const seed = createHmac('sha256', secret).update('tickwire-join-key').digest();
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
  const privateKeyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const pem = privateKeyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  const privateKey = await importPKCS8(pem, JOIN_TOKEN_ALG);
  const jwk = createPublicKey(privateKeyObject).export({ format: 'jwk' });
  const kid = createHmac('sha256', 'kid').update(String(jwk.x)).digest('base64url').slice(0, 16);
  const publicJwk: JoinKeyJwk = {
    kty: String(jwk.kty),
    crv: String(jwk.crv),
    x: String(jwk.x),
    kid,
    alg: JOIN_TOKEN_ALG,
  };
  return {
    publicJwk,
    sign: (claims) =>
      new SignJWT({ room: claims.roomId })
        .setProtectedHeader({ alg: JOIN_TOKEN_ALG, kid })
        .setIssuer(JOIN_TOKEN_ISSUER)
        .setSubject(claims.playerId)
        .setAudience(claims.authorityId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(privateKey),
  };
}

// Server-assigned session ids and the resume tokens that prove ownership of one. An id is 128
// random bits; the token is the id plus an HMAC-SHA256 under the lobby secret, so knowing another
// player's id (every room member sees it) is worthless without the secret. Server-only (node:crypto).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_PREFIX = 'v1';

/** 16 random bytes, base64url: 22 characters, 128 bits of randomness. */
export function newId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

function mac(secret: string, sessionId: string): Buffer {
  return createHmac('sha256', secret).update(`tickwire-session:${sessionId}`).digest();
}

export function signSessionToken(secret: string, sessionId: string): string {
  return `${TOKEN_PREFIX}.${sessionId}.${mac(secret, sessionId).toString('base64url')}`;
}

/** Returns the session id the token proves, or undefined for anything forged or malformed. */
export function verifySessionToken(secret: string, token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX) return undefined;
  const [, sessionId = '', signature = ''] = parts;
  if (!/^[A-Za-z0-9_-]{22}$/.test(sessionId) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return undefined;
  const expected = mac(secret, sessionId);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return sessionId;
}

// Ephemeral TURN credentials in coturn's REST-API scheme (`use-auth-secret`): the username is
// `expiry:id` (expiry in Unix seconds) and the password is base64(HMAC-SHA1(secret, username)).
// coturn recomputes the HMAC with the same static-auth-secret and refuses expired usernames.
import { createHmac } from 'node:crypto';
import type { IceServer, TurnCredentials } from '../protocol/views.js';

export interface TurnOptions {
  readonly secret: string;
  readonly ttlSeconds: number;
  readonly turnUrls: readonly string[];
  readonly stunUrls: readonly string[];
}

export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export function createTurnCredentials(
  options: TurnOptions,
  id: string,
  nowMs: number = Date.now(),
): TurnCredentials {
  const expirySeconds = Math.floor(nowMs / 1000) + options.ttlSeconds;
  const username = `${expirySeconds}:${id}`;
  const credential = turnPassword(options.secret, username);
  const iceServers: IceServer[] = [];
  if (options.stunUrls.length > 0) iceServers.push({ urls: [...options.stunUrls] });
  if (options.turnUrls.length > 0) iceServers.push({ urls: [...options.turnUrls], username, credential });
  return {
    username,
    credential,
    ttlSeconds: options.ttlSeconds,
    expiresAt: expirySeconds * 1000,
    iceServers,
  };
}

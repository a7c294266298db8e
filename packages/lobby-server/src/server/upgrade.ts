// Decides whether an HTTP upgrade may become a WebSocket, before `ws` spends anything on it:
// Origin against the allow-list, per-IP connection count and connect rate. Refusals are plain
// HTTP responses on the raw socket, which is then destroyed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ResolvedConfig } from '../config/resolve.js';
import { addressKey, clientAddress } from './address-key.js';
import type { IpTable } from './rate-limit.js';

export type UpgradeVerdict =
  | {
      readonly ok: true;
      /** The client's address (for the identity hook and logs). */
      readonly ip: string;
      /** What per-address limits count under (IPv6: the /64). */
      readonly key: string;
      readonly origin: string | undefined;
    }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** How many X-Forwarded-For hops to trust: none unless trustProxy is on. */
export function trustedHops(config: ResolvedConfig): number {
  return config.trustProxy ? config.trustedProxies : 0;
}

function originAllowed(origin: string | undefined, config: ResolvedConfig): boolean {
  if (origin === undefined) return !config.requireOrigin;
  if (config.allowedOrigins.includes('*')) return true;
  return config.allowedOrigins.includes(origin);
}

export function checkUpgrade(
  req: IncomingMessage,
  config: ResolvedConfig,
  ipTable: IpTable,
  now: number,
): UpgradeVerdict {
  const originHeader = req.headers.origin;
  const origin = typeof originHeader === 'string' ? originHeader : undefined;
  if (!originAllowed(origin, config)) return { ok: false, status: 403, reason: 'origin' };
  const ip = clientAddress(req, trustedHops(config));
  const key = addressKey(ip);
  const admitted = ipTable.admit(key, now);
  if (admitted !== 'ok') return { ok: false, status: 429, reason: admitted };
  return { ok: true, ip, key, origin };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export function refuseUpgrade(socket: Duplex, status: number): void {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  }
  socket.destroy();
}

// Decides whether an HTTP upgrade may become a WebSocket, before `ws` spends anything on it:
// Origin against the allow-list, per-IP connection count and connect rate. Refusals are plain
// HTTP responses on the raw socket, which is then destroyed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ResolvedConfig } from '../config/resolve.js';
import type { IpTable } from './rate-limit.js';

export type UpgradeVerdict =
  | { readonly ok: true; readonly ip: string; readonly origin: string | undefined }
  | { readonly ok: false; readonly status: number; readonly reason: string };

export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
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
  const ip = clientIp(req, config.trustProxy);
  const admitted = ipTable.admit(ip, now);
  if (admitted !== 'ok') return { ok: false, status: 429, reason: admitted };
  return { ok: true, ip, origin };
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

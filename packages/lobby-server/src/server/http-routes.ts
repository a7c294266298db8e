// The small HTTP API next to the WebSocket: health, Prometheus metrics, the latency ping used to
// pick regions, the join-token public key, and the public room list. Read-only; nothing here
// changes state, so it needs no session.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LobbyContext } from './context.js';
import type { Services } from './services.js';
import { listRoomsOverHttp } from '../rooms/list-request.js';

export interface HttpEnv {
  readonly ctx: LobbyContext;
  readonly services: Services;
  /** Per-IP budget (shared with WebSocket messages); false = refuse with 429. */
  readonly admit: (req: IncomingMessage) => boolean;
  readonly healthy: () => Promise<boolean>;
  readonly startedAt: number;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function handleHttp(req: IncomingMessage, res: ServerResponse, env: HttpEnv): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://lobby');
  // Region pings and the room list are read by browser pages served from elsewhere.
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'x-lobby-region');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    json(res, 405, { error: 'method not allowed' });
    return;
  }
  // The health probe is exempt: monitoring must work while a client floods. /metrics is not: it
  // reads the state backend and renders every series, too costly to serve without limit.
  if (url.pathname !== '/healthz' && !env.admit(req)) {
    json(res, 429, { error: 'too many requests' });
    return;
  }
  switch (url.pathname) {
    case '/healthz': {
      const ok = await env.healthy();
      json(res, ok ? 200 : 503, {
        status: ok ? 'ok' : 'degraded',
        node: env.ctx.nodeId,
        region: env.ctx.config.region,
        sessions: env.ctx.hub.size,
        uptimeSeconds: Math.round((env.ctx.now() - env.startedAt) / 1000),
      });
      return;
    }
    case '/metrics': {
      const body = await env.ctx.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': env.ctx.metrics.registry.contentType });
      res.end(body);
      return;
    }
    case '/ping':
      res.writeHead(204, { 'x-lobby-region': env.ctx.config.region, 'cache-control': 'no-store' });
      res.end();
      return;
    case '/join-key':
      json(res, 200, { keys: [env.ctx.joinSigner.publicJwk] });
      return;
    case '/rooms': {
      const page = await listRoomsOverHttp(env.services.rooms, url.searchParams);
      if ('error' in page) json(res, 400, page);
      else json(res, 200, page);
      return;
    }
    default:
      json(res, 404, { error: 'not found' });
  }
}

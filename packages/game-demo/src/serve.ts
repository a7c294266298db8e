// Starts the demo: serves the built game page on one HTTP port and prints its URL. Must never
// serve files from outside the built web folder, and no request may end the process (the lobby
// runs in the same process): a malformed URL is a 400, a method other than GET/HEAD a 405, and a
// failing file read ends that response only.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface DemoServerOptions {
  port?: number;
  host?: string;
  webRoot?: string;
  /** Lobby WebSocket URL the page connects to; served to it as /config.json. */
  lobbyUrl?: string;
  /** Extra fields for /config.json (e.g. the dedicated game server's id). */
  config?: Record<string, unknown>;
}

export interface DemoServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * The request path as a path below `root`, or a status code: 400 for a URL that does not decode
 * (`/%E0%A4%A`, `/%`) or holds a NUL, 403 for one that leaves the root. The root check compares
 * path segments (`relative`), not string prefixes, so a sibling folder such as `web-private/`
 * is outside too.
 */
export function resolveRequestPath(root: string, url: string): string | 400 | 403 {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.split('?')[0]?.split('#')[0] ?? '/');
  } catch {
    return 400;
  }
  if (decoded.includes('\0')) return 400;
  const file = join(root, decoded);
  const rel = relative(root, file);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return 403;
  return file;
}

async function serveFile(res: ServerResponse, file: string, head: boolean): Promise<void> {
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (info === undefined || !info.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
  });
  if (head) {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  // A read error after the headers went out can only end this response.
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const root = resolve(options.webRoot ?? fileURLToPath(new URL('./web', import.meta.url)));
  const config = JSON.stringify({ ...options.config, lobbyUrl: options.lobbyUrl ?? null });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed');
      return;
    }
    const path = resolveRequestPath(root, req.url ?? '/');
    if (typeof path === 'number') {
      res.writeHead(path, { 'content-type': 'text/plain' }).end(path === 400 ? 'bad request' : 'forbidden');
      return;
    }
    if (path === join(root, 'config.json')) {
      res.writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store' }).end(config);
      return;
    }
    await serveFile(res, path, req.method === 'HEAD');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Idle or half-sent requests must not hold a descriptor for long.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}/`,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

// Starts one lobby process: HTTP API and WebSocket on one port, the state backend (memory or
// Redis), the cluster loop, and a single timer that walks all connections for their timeouts.
// `close()` ends everything it started (sockets, timers, Redis connections): nothing leaks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { CoturnAdmin } from '../auth/coturn-admin.js';
import { LobbyCloseCode } from '../errors.js';
import { createJoinSigner } from '../auth/join-keys.js';
import { newId } from '../auth/session-token.js';
import type { IdentityVerifier } from '../auth/identity.js';
import { ClusterNode } from '../cluster/node.js';
import type { LobbySettings } from '../config/options.js';
import { resolveConfig } from '../config/resolve.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { createMetrics } from '../metrics/metrics.js';
import type { LobbyMetrics } from '../metrics/metrics.js';
import { createMemoryBackend } from '../store/memory.js';
import { createRedisBackend } from '../store/redis.js';
import type { StateBackend } from '../store/types.js';
import { LobbyConnection } from './connection.js';
import { DeadlineWheel } from './deadline-wheel.js';
import { DeadlineDrain } from './deadline-drain.js';
import type { LobbyContext } from './context.js';
import { settlesWithin } from './deadline.js';
import { handleHttp } from './http-routes.js';
import { Hub } from './hub.js';
import { IpTable } from './rate-limit.js';
import { createServices } from './services.js';
import { requestKey } from './address-key.js';
import { SocketAdmission } from './admission.js';
import { effectiveSocketCap, openFileLimit } from './fd-limit.js';
import { checkUpgrade, refuseUpgrade, trustedHops } from './upgrade.js';

export interface LobbyServerOptions extends Partial<LobbySettings> {
  /** Operator hook that verifies `hello.auth` (e.g. `createJwtVerifier`). Without it: guests. */
  readonly identity?: IdentityVerifier;
  readonly logger?: Logger;
  /** Use this backend instead of the one `redisUrl` selects (it is not closed by `close()`). */
  readonly backend?: StateBackend;
  /** Also export Node process metrics (CPU, heap, event loop) on /metrics. Default false. */
  readonly processMetrics?: boolean;
}

export interface LobbyServer {
  readonly port: number;
  /** `ws://host:port/` for clients. */
  readonly url: string;
  /** `http://host:port` for the HTTP API. */
  readonly httpUrl: string;
  readonly nodeId: string;
  readonly config: ResolvedConfig;
  readonly metrics: LobbyMetrics;
  /** Live WebSocket connections on this process. */
  connectionCount(): number;
  /** Runs the cluster tasks (matchmaking, deadlines, grace) once, now, if this node leads. */
  runTasks(): Promise<void>;
  close(): Promise<void>;
}

/** Headers beyond this count are dropped by Node; `ws` must still answer 400 (CVE-2024-37890). */
const MAX_HEADERS_COUNT = 100;

/** Resolution of the connections' deadline wheel: a deadline fires at most this much late, plus a sweep. */
const SWEEP_SLOT_MS = 10;
/**
 * Sweeps come at least this often: the deadlines that come due in a second are handled in ten
 * small sweeps, not one large one (10,000 connections at the default 15 s heartbeat ping ~670
 * a second; handled once a second, they blocked the event loop in one piece, delaying signals).
 */
const SWEEP_MAX_EVERY_MS = 100;
/** Connections visited per event-loop turn at most (deadline-drain.ts). */
const SWEEP_BATCH = 256;

/** How long `close()` waits for connections to close and their sessions to be saved. */
const CLOSE_CONNECTIONS_TIMEOUT_MS = 3_000;

export async function createLobbyServer(options: LobbyServerOptions = {}): Promise<LobbyServer> {
  const config = resolveConfig(options);
  const log = options.logger ?? pino({ level: config.logLevel, name: 'tickwire-lobby' });
  if (config.ephemeralSecret) log.warn('no LOBBY_SECRET set: resume tokens will not survive a restart');
  const nodeId = newId(6);
  const onBackendError = (error: unknown) => log.error({ err: error }, 'state backend error');
  const backend =
    options.backend ??
    (config.redisUrl
      ? await createRedisBackend(config.redisUrl, config.redisPrefix, onBackendError)
      : createMemoryBackend(onBackendError));
  const ownsBackend = options.backend === undefined;

  // Metrics read services that need the context that holds the metrics: late-bound sources.
  const late: { services?: ReturnType<typeof createServices>; admission?: SocketAdmission } = {};
  const metrics = createMetrics(
    {
      roomCount: async () => (late.services ? late.services.rooms.count() : 0),
      queueSizes: async () => (late.services ? late.services.queues.sizes() : new Map()),
      openSockets: () => late.admission?.openSockets ?? 0,
    },
    options.processMetrics ?? false,
  );
  const hub = new Hub(backend.bus);
  const ctx: LobbyContext = {
    config,
    nodeId,
    store: backend.store,
    bus: backend.bus,
    hub,
    log,
    metrics,
    joinSigner: await createJoinSigner(config.secret, config.joinTokenTtlSeconds),
    identity: options.identity,
    turnAdmin:
      config.turnCliPort > 0
        ? new CoturnAdmin({
            host: config.turnCliHost,
            port: config.turnCliPort,
            password: config.turnCliPassword,
          })
        : undefined,
    now: () => Date.now(),
  };
  const services = createServices(ctx);
  late.services = services;
  const { matchmaker, matches, gameServers, grace } = services;
  const cluster = new ClusterNode(ctx, [
    () => grace.sweepDeadNodes(),
    () => grace.sweepExpired(),
    () => matches.sweep(),
    () => gameServers.sweep(),
    () => matchmaker.tick(),
  ]);

  const ipTable = new IpTable({
    connectionsPerIp: config.connectionsPerIp,
    connectsPerSecond: config.ipConnectsPerSecond,
    connectBurst: config.ipConnectBurst,
    messagesPerSecond: config.ipMessagesPerSecond,
    messageBurst: config.ipMessageBurst,
    codeFailuresPerMinute: config.codeFailuresPerMinute,
    codeLockoutMs: config.codeLockoutMs,
  });
  const connections = new Set<LobbyConnection>();
  // Each sweep visits only the connections whose next deadline came (deadline-wheel.ts).
  const deadlines = new DeadlineWheel<LobbyConnection>(SWEEP_SLOT_MS, ctx.now());
  const startedAt = ctx.now();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    // Relay frames may be larger than a text message (connection.ts keeps text to maxPayload).
    maxPayload: config.relayEnabled
      ? Math.max(config.maxPayload, config.relayMaxFrameBytes + 128)
      : config.maxPayload,
    maxFragments: config.maxFragments,
    maxBufferedChunks: 1_024,
    perMessageDeflate: false,
    closeTimeout: 2_000,
  } as ConstructorParameters<typeof WebSocketServer>[0]);

  const http = createServer(
    {
      maxHeaderSize: 8 * 1024,
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Node enforces the two timeouts above only when this sweep runs (default every 30 s, so a
      // silent socket lived ~30 s whatever headersTimeout said): sweep often enough that a socket
      // is closed within a second of its deadline.
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, config.headersTimeoutMs / 4)),
    },
    (req, res) => {
      const admit = (r: typeof req) => ipTable.takeMessage(requestKey(r, trustedHops(config)), ctx.now());
      handleHttp(req, res, { ctx, services, admit, healthy: () => backend.healthy(), startedAt }).catch(
        (error: unknown) => {
          log.error({ err: error }, 'http request failed');
          if (!res.headersSent) res.writeHead(500);
          res.end();
        },
      );
    },
  );
  http.maxHeadersCount = MAX_HEADERS_COUNT;
  const fileLimit = openFileLimit();
  const socketCap = effectiveSocketCap(config.maxSockets, fileLimit);
  if (socketCap < config.maxSockets) {
    log.warn(
      { maxSockets: config.maxSockets, openFileLimit: fileLimit, cap: socketCap },
      'socket cap lowered',
    );
  }
  const admission = new SocketAdmission(
    // Behind a proxy every socket comes from the proxy: only the global cap applies at accept time.
    { perAddress: config.trustProxy ? 0 : config.socketsPerIp, total: socketCap },
    (reason) => metrics.socketsRefused.inc({ reason }),
  );
  admission.install(http);
  late.admission = admission;
  http.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    socket.destroy();
  });
  let closing = false;
  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined);
    if (closing) {
      refuseUpgrade(socket, 503);
      return;
    }
    const verdict = checkUpgrade(req, config, ipTable, ctx.now());
    if (!verdict.ok) {
      metrics.upgradesRejected.inc({ reason: verdict.reason });
      refuseUpgrade(socket, verdict.status);
      return;
    }
    ipTable.opened(verdict.key, ctx.now());
    let handed = false;
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        handed = true;
        const conn = new LobbyConnection(
          ws,
          {
            ctx,
            services,
            ipTable,
            ip: verdict.ip,
            ipKey: verdict.key,
            origin: verdict.origin,
          },
          deadlines,
        );
        connections.add(conn);
        void conn.closed.then(() => {
          connections.delete(conn);
          deadlines.remove(conn);
        });
      });
    } finally {
      // ws answered the upgrade itself (e.g. 400 for a missing key) without a connection.
      if (!handed) socket.once('close', () => ipTable.closed(verdict.key));
    }
  });

  const sweepEveryMs = Math.min(
    SWEEP_MAX_EVERY_MS,
    Math.max(
      20,
      Math.min(config.heartbeatMs, config.idleTimeoutMs, config.helloTimeoutMs, config.offerTimeoutMs) / 4,
    ),
  );
  const drain = new DeadlineDrain(deadlines, (conn, now) => conn.tick(now), ctx.now, SWEEP_BATCH);
  let lastPrune = ctx.now();
  const sweeper = setInterval(() => {
    drain.run();
    const now = ctx.now();
    if (now - lastPrune > 10_000) {
      ipTable.prune(now);
      lastPrune = now;
    }
  }, sweepEveryMs);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  await cluster.start();
  const port = (http.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  log.info({ port, node: nodeId, backend: backend.kind, region: config.region }, 'lobby listening');

  return {
    port,
    url: `ws://${host}:${port}/`,
    httpUrl: `http://${host}:${port}`,
    nodeId,
    config,
    metrics,
    connectionCount: () => connections.size,
    runTasks: () => cluster.runOnce(),
    close: async () => {
      if (closing) return;
      closing = true;
      clearInterval(sweeper);
      drain.stop();
      // The cleanup below (sessions entering their grace period, this node leaving the cluster) is
      // best effort: with Redis down it must fail at once, not wait for a reconnection that may
      // never come. A backend we were given may serve others: only bounded waits for that one.
      if (ownsBackend) backend.failFast?.();
      const closed = [...connections].map((conn) => conn.closed);
      for (const conn of connections) conn.close(LobbyCloseCode.GoingAway, 'server shutting down');
      await settlesWithin(Promise.all(closed), CLOSE_CONNECTIONS_TIMEOUT_MS);
      await cluster.stop();
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      if (ownsBackend) await backend.close();
      log.info({ node: nodeId }, 'lobby closed');
    },
  };
}

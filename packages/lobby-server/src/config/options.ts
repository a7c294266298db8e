// Every lobby setting in one table: name, flag, environment variable, default and meaning. The
// CLI, `--help` and the README's config table all come from here, so they cannot drift apart.

type Kind = 'int' | 'string' | 'bool' | 'list';

interface Setting<K extends Kind> {
  readonly kind: K;
  readonly env: string;
  readonly doc: string;
}

const int = (env: string, doc: string): Setting<'int'> => ({ kind: 'int', env, doc });
const str = (env: string, doc: string): Setting<'string'> => ({ kind: 'string', env, doc });
const bool = (env: string, doc: string): Setting<'bool'> => ({ kind: 'bool', env, doc });
const list = (env: string, doc: string): Setting<'list'> => ({ kind: 'list', env, doc });

export const settings = {
  port: int('PORT', 'TCP port for HTTP and WebSocket (0 = any free port).'),
  host: str('HOST', 'Bind address.'),
  region: str('LOBBY_REGION', 'Region name of this lobby, reported by /ping and in `welcome`.'),
  secret: str(
    'LOBBY_SECRET',
    'HMAC secret for resume tokens and the join-token key. Random per process when empty; set the same value on every process behind one Redis.',
  ),
  redisUrl: str('REDIS_URL', 'Share state through Redis (scale-out). Empty = in-memory, one process.'),
  redisPrefix: str('LOBBY_REDIS_PREFIX', 'Key and channel prefix in Redis.'),
  allowedOrigins: list(
    'LOBBY_ALLOWED_ORIGINS',
    'Origins allowed to open a WebSocket (comma list, `*` = any). Requests without Origin (non-browser clients) are allowed unless requireOrigin.',
  ),
  requireOrigin: bool('LOBBY_REQUIRE_ORIGIN', 'Refuse WebSocket upgrades that carry no Origin header.'),
  trustProxy: bool(
    'LOBBY_TRUST_PROXY',
    'Take the client IP from X-Forwarded-For (only behind a proxy you run; see trustedProxies).',
  ),
  trustedProxies: int(
    'LOBBY_TRUSTED_PROXIES',
    'With trustProxy: how many proxies you run in front of the lobby. The client is the X-Forwarded-For entry that many hops from the right; entries further left are client-written and ignored.',
  ),
  socketsPerIp: int(
    'LOBBY_SOCKETS_PER_IP',
    'Open TCP connections per client address (IPv6: per /64), counted when accepted, before any HTTP is read; more are reset. Not applied with trustProxy (every socket then comes from the proxy).',
  ),
  maxSockets: int(
    'LOBBY_MAX_SOCKETS',
    'Open TCP connections in total; more are dropped when accepted. Lowered at startup to stay 64 under the open-file limit (ulimit -n).',
  ),
  headersTimeoutMs: int(
    'LOBBY_HEADERS_TIMEOUT_MS',
    'A connection that has not sent complete request headers within this long (silent, or half a request) is closed with 408.',
  ),
  requestTimeoutMs: int(
    'LOBBY_REQUEST_TIMEOUT_MS',
    'A whole HTTP request must arrive within this long (408).',
  ),
  keepAliveTimeoutMs: int(
    'LOBBY_KEEP_ALIVE_TIMEOUT_MS',
    'An idle keep-alive HTTP connection is closed after this long.',
  ),
  maxPayload: int(
    'LOBBY_MAX_PAYLOAD',
    'Largest WebSocket message in bytes (an SDP fits); bigger closes with 1009.',
  ),
  maxFragments: int(
    'LOBBY_MAX_FRAGMENTS',
    'Most fragments per message before `ws` closes with 1008 (CVE-2026-48779).',
  ),
  sendBufferCap: int(
    'LOBBY_SEND_BUFFER_CAP',
    'Bytes queued to a client that does not read before it is dropped (slow reader).',
  ),
  heartbeatMs: int(
    'LOBBY_HEARTBEAT_MS',
    'WebSocket ping interval; a client that misses a pong is terminated.',
  ),
  idleTimeoutMs: int(
    'LOBBY_IDLE_TIMEOUT_MS',
    'Close (4000) when no complete message arrived for this long (clients send `ping`).',
  ),
  helloTimeoutMs: int('LOBBY_HELLO_TIMEOUT_MS', 'Close (4001) when `hello` did not arrive in time.'),
  messagesPerSecond: int('LOBBY_MESSAGES_PER_SECOND', 'Per-connection message rate (token bucket refill).'),
  messageBurst: int('LOBBY_MESSAGE_BURST', 'Per-connection burst size.'),
  ipMessagesPerSecond: int(
    'LOBBY_IP_MESSAGES_PER_SECOND',
    'Message rate shared by all connections of one IP.',
  ),
  ipMessageBurst: int('LOBBY_IP_MESSAGE_BURST', 'Burst shared by all connections of one IP.'),
  connectionsPerIp: int(
    'LOBBY_CONNECTIONS_PER_IP',
    'Concurrent WebSocket connections per IP (HTTP 429 above).',
  ),
  ipConnectsPerSecond: int(
    'LOBBY_IP_CONNECTS_PER_SECOND',
    'New connections per second per IP (HTTP 429 above).',
  ),
  ipConnectBurst: int('LOBBY_IP_CONNECT_BURST', 'Burst of new connections per IP.'),
  maxViolations: int(
    'LOBBY_MAX_VIOLATIONS',
    'Rate-limited or malformed messages tolerated per 10 s before close 4008.',
  ),
  codeFailuresPerMinute: int(
    'LOBBY_CODE_FAILURES_PER_MINUTE',
    'Wrong private-room codes one address may try per minute (each is also a violation); one more locks the address out of joins by code.',
  ),
  codeLockoutMs: int(
    'LOBBY_CODE_LOCKOUT_MS',
    'How long an address that guessed too many wrong codes may not join by code (rate_limited with retryAfterMs).',
  ),
  kickBanMs: int(
    'LOBBY_KICK_BAN_MS',
    'A kicked player (its session, user id and address) may not rejoin that room for this long.',
  ),
  roomsPerMinute: int('LOBBY_ROOMS_PER_MINUTE', 'Rooms one session may create per minute.'),
  maxCandidates: int(
    'LOBBY_MAX_CANDIDATES',
    'ICE candidates one peer may send per negotiation (per description).',
  ),
  maxNegotiations: int('LOBBY_MAX_NEGOTIATIONS', 'Unanswered offers one session may have open at once.'),
  peerSignalBytesPerSecond: int(
    'LOBBY_PEER_SIGNAL_BYTES_PER_SECOND',
    'Signaling bytes per second one session may relay to any one peer (burst: 4 s worth); more is refused with rate_limited.',
  ),
  inboundSignalBytesPerSecond: int(
    'LOBBY_INBOUND_SIGNAL_BYTES_PER_SECOND',
    'Signaling bytes per second one session accepts from all peers together (burst: 4 s worth); a recipient is never dropped for signals, the senders are throttled.',
  ),
  relayEnabled: bool(
    'LOBBY_RELAY_ENABLED',
    'The last-resort game-traffic relay (binary relay frames) between members of a room that already signal each other, for peers WebRTC cannot connect (UDP blocked). false = refused with relay_disabled.',
  ),
  relayPeerBytesPerSecond: int(
    'LOBBY_RELAY_PEER_BYTES_PER_SECOND',
    'Relayed game traffic one session may send to any one peer, bytes per second (burst: 1 s worth; each frame costs its size + 64). More is refused with rate_limited (a violation: floods end in 4008). Advertised in `welcome` so clients pace themselves.',
  ),
  relayInboundBytesPerSecond: int(
    'LOBBY_RELAY_INBOUND_BYTES_PER_SECOND',
    'Relayed game traffic one session accepts from all peers together, bytes per second (burst: 1 s worth); senders over it are refused, the recipient is never dropped for it.',
  ),
  relayMaxFrameBytes: int(
    'LOBBY_RELAY_MAX_FRAME_BYTES',
    'Largest relayed frame payload in bytes (larger: frame_too_large). The WebSocket payload limit grows to fit it; text messages keep maxPayload.',
  ),
  offerTimeoutMs: int(
    'LOBBY_OFFER_TIMEOUT_MS',
    'An offer not answered in time is reaped: both sides get a `bye`.',
  ),
  graceMs: int('LOBBY_GRACE_MS', 'Reconnection grace period: a dropped player keeps its seat this long.'),
  joinTokenTtlSeconds: int('LOBBY_JOIN_TOKEN_TTL', 'Lifetime of join tokens (seconds).'),
  turnSecret: str('TURN_SECRET', 'coturn `static-auth-secret`; empty = no TURN credentials.'),
  turnUrls: list(
    'TURN_URLS',
    'TURN URLs handed to clients, e.g. turn:turn.example.com:3478?transport=udp; TURN over TLS (coturn with cert/pkey) as turns:turn.example.com:5349?transport=tcp, which browsers reach from networks that let only TCP 443/5349 out (node-datachannel cannot).',
  ),
  stunUrls: list('STUN_URLS', 'STUN URLs handed to clients.'),
  turnTtlSeconds: int('TURN_TTL', 'Lifetime of TURN credentials (seconds).'),
  turnCliPort: int(
    'TURN_CLI_PORT',
    "coturn's admin CLI port (`cli-port`, on loopback): when a player leaves its room, the lobby ends that player's TURN allocations through it (expired credentials do not). 0 = off.",
  ),
  turnCliHost: str('TURN_CLI_HOST', "coturn's admin CLI address (`cli-ip`)."),
  turnCliPassword: str('TURN_CLI_PASSWORD', "coturn's `cli-password` (coturn disables the CLI without one)."),
  modes: list(
    'LOBBY_MODES',
    'Game modes and match sizes for matchmaking, `name=size` (e.g. duel=2,squad=8).',
  ),
  defaultMatchSize: int(
    'LOBBY_MATCH_SIZE',
    'Match size for modes not listed in `modes` (0 = unlisted modes refused).',
  ),
  acceptTimeoutMs: int('LOBBY_ACCEPT_TIMEOUT_MS', 'Time players have to accept a found match.'),
  ratingWindow: int('LOBBY_RATING_WINDOW', 'Initial skill window (rating difference accepted).'),
  ratingWidenPerSecond: int(
    'LOBBY_RATING_WIDEN_PER_SECOND',
    'How fast the skill window grows while waiting.',
  ),
  maxRatingWindow: int('LOBBY_MAX_RATING_WINDOW', 'Largest skill window.'),
  defaultRating: int('LOBBY_DEFAULT_RATING', 'Rating of players without one.'),
  trustClientRating: bool(
    'LOBBY_TRUST_CLIENT_RATING',
    'Accept `queue.join.rating` from clients (off for ranked games: ratings then come from the identity hook).',
  ),
  regionSlackMs: int(
    'LOBBY_REGION_SLACK_MS',
    "Regions within this many ms of a player's best region are acceptable.",
  ),
  maxRttMs: int(
    'LOBBY_MAX_RTT_MS',
    'Regions slower than this are never chosen for a player (unless it measured none faster).',
  ),
  regionWidenAfterMs: int(
    'LOBBY_REGION_WIDEN_AFTER_MS',
    'After waiting this long, every region under maxRttMs is acceptable.',
  ),
  queueStatusMs: int(
    'LOBBY_QUEUE_STATUS_MS',
    'How often waiting players get `queue.status` (why they still wait).',
  ),
  serverKeys: list(
    'LOBBY_SERVER_KEYS',
    'Keys dedicated game servers present in `hello` (empty = registration off).',
  ),
  serverTtlMs: int(
    'LOBBY_SERVER_TTL_MS',
    'A dedicated server without heartbeat for this long gets no matches.',
  ),
  tickMs: int('LOBBY_TICK_MS', 'Matchmaker and sweeper interval.'),
  nodeTtlMs: int(
    'LOBBY_NODE_TTL_MS',
    'Redis mode: a lobby process silent this long is dead; its players start their grace period.',
  ),
  logLevel: str('LOG_LEVEL', 'pino log level (fatal, error, warn, info, debug, trace, silent).'),
} as const;

type ValueOf<K extends Kind> = K extends 'int'
  ? number
  : K extends 'bool'
    ? boolean
    : K extends 'list'
      ? readonly string[]
      : string;

export type LobbySettings = {
  -readonly [K in keyof typeof settings]: ValueOf<(typeof settings)[K]['kind']>;
};

export const defaultSettings: LobbySettings = {
  port: 8787,
  host: '0.0.0.0',
  region: 'local',
  secret: '',
  redisUrl: '',
  redisPrefix: 'tickwire:',
  allowedOrigins: ['*'],
  requireOrigin: false,
  trustProxy: false,
  trustedProxies: 1,
  socketsPerIp: 128,
  maxSockets: 10_000,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxPayload: 8 * 1024,
  maxFragments: 32,
  sendBufferCap: 256 * 1024,
  heartbeatMs: 15_000,
  idleTimeoutMs: 60_000,
  helloTimeoutMs: 5_000,
  messagesPerSecond: 30,
  messageBurst: 60,
  ipMessagesPerSecond: 300,
  ipMessageBurst: 600,
  connectionsPerIp: 64,
  ipConnectsPerSecond: 10,
  ipConnectBurst: 30,
  maxViolations: 20,
  codeFailuresPerMinute: 10,
  codeLockoutMs: 60_000,
  kickBanMs: 300_000,
  roomsPerMinute: 10,
  maxCandidates: 32,
  maxNegotiations: 16,
  peerSignalBytesPerSecond: 16 * 1024,
  inboundSignalBytesPerSecond: 64 * 1024,
  relayEnabled: true,
  relayPeerBytesPerSecond: 128 * 1024,
  relayInboundBytesPerSecond: 1024 * 1024,
  relayMaxFrameBytes: 16 * 1024,
  offerTimeoutMs: 30_000,
  graceMs: 30_000,
  joinTokenTtlSeconds: 120,
  turnSecret: '',
  turnUrls: [],
  stunUrls: [],
  turnTtlSeconds: 600,
  turnCliPort: 0,
  turnCliHost: '127.0.0.1',
  turnCliPassword: '',
  modes: [],
  defaultMatchSize: 2,
  acceptTimeoutMs: 15_000,
  ratingWindow: 100,
  ratingWidenPerSecond: 50,
  maxRatingWindow: 1_000,
  defaultRating: 1_500,
  trustClientRating: true,
  regionSlackMs: 30,
  maxRttMs: 150,
  regionWidenAfterMs: 20_000,
  queueStatusMs: 2_000,
  serverKeys: [],
  serverTtlMs: 15_000,
  tickMs: 250,
  nodeTtlMs: 5_000,
  logLevel: 'info',
};

export type SettingName = keyof typeof settings;

/** `--some-setting` for `someSetting`. */
export function flagOf(name: SettingName): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Parses `modes` entries (`duel=2`) into a map; malformed entries are errors, not ignored. */
export function parseModes(entries: readonly string[]): Map<string, number> {
  const modes = new Map<string, number>();
  for (const entry of entries) {
    const match = /^([A-Za-z0-9_.-]{1,32})=(\d{1,3})$/.exec(entry.trim());
    const size = match ? Number(match[2]) : 0;
    if (!match?.[1] || size < 1 || size > 64) {
      throw new Error(`invalid mode "${entry}": expected name=size with size 1-64`);
    }
    modes.set(match[1], size);
  }
  return modes;
}

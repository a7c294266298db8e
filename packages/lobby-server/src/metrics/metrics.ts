// Prometheus metrics of one lobby process, in its own registry (several lobbies can live in one
// test process). Counters only count here; rates (messages/s) are PromQL's job: rate(...[1m]).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LobbyCloseCode } from '../errors.js';

/** Close codes a label may name: the lobby's own and the standard ones a peer or `ws` produce. */
const KNOWN_CLOSE_CODES = new Set<number>([
  ...Object.values(LobbyCloseCode),
  1002,
  1003,
  1005,
  1006,
  1007,
  1011,
]);

/**
 * The `code` label of `lobby_closes_total`: a client chooses the code it closes with, and every
 * distinct label value is a new time series kept forever, so unknown codes share one label.
 */
export function closeCodeLabel(code: number): string {
  return KNOWN_CLOSE_CODES.has(code) ? String(code) : 'other';
}

export interface LobbyMetrics {
  readonly registry: Registry;
  readonly sessions: Gauge;
  readonly messagesIn: Counter<'type'>;
  readonly messagesOut: Counter;
  readonly errors: Counter<'code'>;
  readonly closes: Counter<'code'>;
  readonly rooms: Gauge;
  readonly queuePlayers: Gauge<'mode'>;
  readonly waitSeconds: Histogram<'mode'>;
  readonly matches: Counter<'outcome'>;
  readonly signalsRelayed: Counter;
  readonly signalsDropped: Counter<'reason'>;
  readonly relayFrames: Counter<'outcome'>;
  readonly relayBytes: Counter;
  readonly upgradesRejected: Counter<'reason'>;
  readonly wsErrors: Counter<'code'>;
  readonly socketsRefused: Counter<'reason'>;
  readonly socketsOpen: Gauge;
  readonly codeLockouts: Counter;
}

export interface MetricsSources {
  /** Rooms in the whole cluster (store index size). */
  roomCount(): Promise<number>;
  /** Players waiting per mode. */
  queueSizes(): Promise<Map<string, number>>;
  /** TCP sockets admitted and still open on this process. */
  openSockets(): number;
}

export function createMetrics(sources: MetricsSources, processMetrics: boolean): LobbyMetrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'lobby_process_' });
  const registers = [registry];
  return {
    registry,
    sessions: new Gauge({
      name: 'lobby_sessions',
      help: 'WebSocket sessions connected to this process',
      registers,
    }),
    messagesIn: new Counter({
      name: 'lobby_messages_in_total',
      help: 'Client messages received, by type',
      labelNames: ['type'],
      registers,
    }),
    messagesOut: new Counter({
      name: 'lobby_messages_out_total',
      help: 'Messages sent to clients',
      registers,
    }),
    errors: new Counter({
      name: 'lobby_errors_total',
      help: 'Error replies and failures, by code',
      labelNames: ['code'],
      registers,
    }),
    closes: new Counter({
      name: 'lobby_closes_total',
      help: 'Connections closed, by close code',
      labelNames: ['code'],
      registers,
    }),
    rooms: new Gauge({
      name: 'lobby_rooms',
      help: 'Open rooms (cluster-wide)',
      registers,
      async collect() {
        this.set(await sources.roomCount());
      },
    }),
    queuePlayers: new Gauge({
      name: 'lobby_queue_players',
      help: 'Players waiting in matchmaking, by mode (cluster-wide)',
      labelNames: ['mode'],
      registers,
      async collect() {
        this.reset();
        for (const [mode, players] of await sources.queueSizes()) this.set({ mode }, players);
      },
    }),
    waitSeconds: new Histogram({
      name: 'lobby_queue_wait_seconds',
      help: 'Time from queue.join to match.ready, by mode',
      labelNames: ['mode'],
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    }),
    matches: new Counter({
      name: 'lobby_matches_total',
      help: 'Matches by outcome (ready, declined, timeout)',
      labelNames: ['outcome'],
      registers,
    }),
    signalsRelayed: new Counter({
      name: 'lobby_signals_relayed_total',
      help: 'Signaling messages relayed',
      registers,
    }),
    signalsDropped: new Counter({
      name: 'lobby_signals_dropped_total',
      help: 'Signals refused by a relay budget (sender_budget, recipient_budget, recipient_backlog)',
      labelNames: ['reason'],
      registers,
    }),
    relayFrames: new Counter({
      name: 'lobby_relay_frames_total',
      help: 'Relay frames (last-resort game traffic) by outcome: relayed, or refused (disabled, too_large, malformed, not_in_room, unauthorized, sender_budget, recipient_budget, recipient_backlog, absent)',
      labelNames: ['outcome'],
      registers,
    }),
    relayBytes: new Counter({
      name: 'lobby_relay_bytes_total',
      help: 'Payload bytes of relayed frames',
      registers,
    }),
    wsErrors: new Counter({
      name: 'lobby_ws_errors_total',
      help: 'WebSocket protocol errors (ws limits: fragments, payload, framing), by ws code',
      labelNames: ['code'],
      registers,
    }),
    socketsRefused: new Counter({
      name: 'lobby_sockets_refused_total',
      help: 'TCP connections refused when accepted (per_address, global)',
      labelNames: ['reason'],
      registers,
    }),
    socketsOpen: new Gauge({
      name: 'lobby_sockets_open',
      help: 'TCP connections open on this process (HTTP and WebSocket)',
      registers,
      collect() {
        this.set(sources.openSockets());
      },
    }),
    codeLockouts: new Counter({
      name: 'lobby_code_lockouts_total',
      help: 'Addresses locked out of joins by code after too many wrong private-room codes',
      registers,
    }),
    upgradesRejected: new Counter({
      name: 'lobby_upgrades_rejected_total',
      help: 'WebSocket upgrades refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
  };
}

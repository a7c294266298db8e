// Prometheus metrics of the dedicated game server, per match and per peer: RTT, loss, jitter,
// bytes per second each way, prediction corrections the player reported, whether its path is
// direct or relayed, plus refused input and the tick's cost. Values are read at scrape time from
// the live connections, so nothing is sampled on the game's hot path (the one exception: the
// loop's tick work goes into a histogram, one observation per tick).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { ArenaHost } from '../net/host.js';
import type { MatchLoop, SteppedMatch } from './match-loop.js';

export interface MatchSource {
  id: string;
  host: ArenaHost;
}

export function createGameMetrics(
  matches: () => Iterable<MatchSource>,
  loop?: MatchLoop<SteppedMatch>,
): Registry {
  const registry = new Registry();
  if (loop !== undefined) {
    const work = new Histogram({
      name: 'game_server_tick_work_ms',
      help: 'Time one tick of the server loop took (every match: simulation and snapshots), ms',
      buckets: [0.5, 1, 2, 4, 8, 12, 16.7, 25, 33.3, 50, 100],
      registers: [registry],
    });
    loop.on('tick', (tick) => work.observe(tick.workMs));
    new Gauge({
      name: 'game_server_late_ticks',
      help: 'Loop ticks that started more than half a period late (the process does not keep up)',
      registers: [registry],
      collect() {
        this.set(loop.totals.lateTicks);
      },
    });
    new Gauge({
      name: 'game_server_failed_steps',
      help: 'Match ticks that threw (the match is skipped for that tick; the others go on)',
      registers: [registry],
      collect() {
        this.set(loop.totals.failedSteps);
      },
    });
  }
  const peerLabels = ['match', 'peer'] as const;
  const perPeer = (name: string, help: string, read: (host: ArenaHost, slot: number) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: peerLabels,
      registers: [registry],
      collect() {
        this.reset();
        for (const { id, host } of matches()) {
          for (const seat of host.seats.all()) {
            if (seat.bot || seat.client === undefined) continue;
            const value = read(host, seat.slot);
            if (value !== undefined) this.set({ match: id, peer: `${seat.slot}:${seat.name}` }, value);
          }
        }
      },
    });
  const stats = (host: ArenaHost, slot: number) => host.seats.get(slot)?.client?.connection.stats();
  perPeer('game_peer_rtt_ms', 'Round-trip time to the player (transport pings), ms', (h, s) => {
    const st = stats(h, s);
    return st?.srttMs ?? st?.rttMs;
  });
  perPeer(
    'game_peer_jitter_ms',
    'Interarrival jitter of the player’s unreliable traffic, ms',
    (h, s) => stats(h, s)?.jitterMs,
  );
  perPeer(
    'game_peer_loss_ratio',
    'Loss of the player’s unreliable traffic (0..1)',
    (h, s) => stats(h, s)?.lossFraction,
  );
  perPeer(
    'game_peer_receive_bytes_per_second',
    'Bytes per second from the player',
    (h, s) => stats(h, s)?.receiveBytesPerSecond,
  );
  perPeer(
    'game_peer_send_bytes_per_second',
    'Bytes per second to the player',
    (h, s) => stats(h, s)?.sendBytesPerSecond,
  );
  perPeer(
    'game_peer_corrections',
    'Prediction corrections the player reported so far',
    (h, s) => h.seats.get(s)?.corrections,
  );
  perPeer(
    'game_peer_relayed',
    '1 when the player’s path goes through a TURN relay, 0 when direct',
    (h, s) => {
      const path = h.seats.get(s)?.path;
      return path === 'relay' ? 1 : path === 'unknown' ? undefined : 0;
    },
  );
  const perMatch = (name: string, help: string, read: (host: ArenaHost) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['match'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { id, host } of matches()) this.set({ match: id }, read(host));
      },
    });
  perMatch('game_match_players', 'Seats taken in the match (bots included)', (h) => h.seats.size);
  perMatch('game_match_tick_ms', 'Time the last authority tick took, ms', (h) => h.stats().tickMs);
  perMatch('game_match_refused_inputs', 'Inputs refused (out of range) or discarded (flood)', (h) => {
    const r = h.stats().refused;
    return r.badInputs + r.floodedInputs;
  });
  perMatch(
    'game_match_rejected_packets',
    'Input packets the sync layer rejected (malformed)',
    (h) => h.stats().rejectedPackets,
  );
  return registry;
}

/** Serves `GET /metrics` on its own port (never the game's UDP port). */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  return server;
}

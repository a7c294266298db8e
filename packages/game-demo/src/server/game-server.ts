// The dedicated Node game server: registers with the lobby as a game server, takes the matches
// the matchmaker assigns to it, and runs each with the same ArenaHost a browser host runs. Every
// player connects to one UDP port (the transport's Authority: ICE UDP mux), signaling through the
// lobby. Only players the lobby assigned may connect, and each must show a join token for this
// server. All matches tick on one loop (match-loop.ts). Metrics on a separate HTTP port.
import type { Server } from 'node:http';
import { LobbyClient, verifyJoinToken } from '@tickwire/lobby-server/client';
import { Authority } from '@tickwire/transport';
import { Answerers } from '../net/answerers.js';
import { ArenaHost } from '../net/host.js';
import { GAME_MODE } from '../net/session.js';
import { Debris } from './debris.js';
import { MatchLoop } from './match-loop.js';
import type { SteppedMatch } from './match-loop.js';
import { createGameMetrics, serveMetrics } from './metrics.js';

export interface GameServerOptions {
  lobbyUrl: string;
  serverKey: string;
  /** The one UDP port every player connects to. */
  udpPort: number;
  /** Address players reach this server at (reported to the lobby; metrics bind to it). */
  host?: string;
  /** Bind ICE host candidates to this address only (default: every interface). */
  bindAddress?: string;
  /** HTTP port for /metrics (0 = any free port; undefined = none). */
  metricsPort?: number;
  capacity?: number;
  roundSeconds?: number;
  /** A match nobody has played in for this long is closed (default 60 s). */
  idleMs?: number;
  /**
   * Load tests only: this many extra drifting entities in every match (debris.ts), so clients
   * draw and decode a crowded arena. Default 0.
   */
  debrisPerMatch?: number;
}

/** What the server's players sent and received so far (current connections), for load tests. */
export interface GameServerTraffic {
  /** Players with a live connection, over all matches. */
  players: number;
  matches: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface GameServer {
  readonly serverId: string;
  readonly metricsUrl: string | undefined;
  readonly matches: ReadonlyMap<string, ArenaHost>;
  /** The one tick loop of every match: its `tick` event reports each tick's work and lateness. */
  readonly loop: MatchLoop<SteppedMatch>;
  traffic(): GameServerTraffic;
  close(): Promise<void>;
}

export async function startGameServer(options: GameServerOptions): Promise<GameServer> {
  const host = options.host ?? '127.0.0.1';
  const lobby = await LobbyClient.connect({
    url: options.lobbyUrl,
    role: 'server',
    serverKey: options.serverKey,
    name: 'arena-server',
  });
  const authority = new Authority({
    port: options.udpPort,
    label: 'arena-server',
    ...(options.bindAddress === undefined ? {} : { bindAddress: options.bindAddress }),
  });
  const matches = new Map<string, ArenaHost>();
  const playerRoom = new Map<string, string>();
  const lastActive = new Map<string, number>();
  const debris = new Map<string, Debris>();
  const loop = new MatchLoop<SteppedMatch>(function* () {
    for (const [roomId, match] of matches) {
      const extra = debris.get(roomId);
      yield extra === undefined
        ? match
        : {
            step: () => {
              extra.step();
              match.step();
            },
          };
    }
  });
  loop.on('error', (error) => console.error('arena-server: a match failed its tick', error));
  loop.start();

  lobby.on('serverAssign', (assign) => {
    const roomId = assign.room.id;
    for (const player of assign.players) playerRoom.set(player, roomId);
    if (matches.has(roomId)) return;
    const seed = Math.floor(Math.random() * 2 ** 31);
    const match = new ArenaHost({
      seed,
      ownTimer: false,
      ...(options.roundSeconds === undefined ? {} : { roundSeconds: options.roundSeconds }),
      verify: async (token, key) => {
        const joinKey = lobby.joinKey;
        if (joinKey === undefined) throw new Error('no join key from the lobby');
        await verifyJoinToken(token, joinKey, { authorityId: lobby.sessionId, roomId, playerId: key });
      },
    });
    matches.set(roomId, match);
    const extras = options.debrisPerMatch ?? 0;
    if (extras > 0) debris.set(roomId, new Debris(match, extras, seed));
    lastActive.set(roomId, performance.now());
  });

  const answerers = new Answerers(
    lobby,
    (peer) => {
      const room = playerRoom.get(peer);
      return room !== undefined && matches.has(room);
    },
    (signaler, peer) => {
      const connection = authority.accept(signaler);
      matches.get(playerRoom.get(peer)!)!.accept(connection, peer);
      return connection;
    },
  );

  // Matches without connected players for idleMs end; their seats are the lobby's to free.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [roomId, match] of matches) {
      const active = [...match.seats.all()].some((s) => !s.bot && s.client !== undefined);
      if (active) lastActive.set(roomId, now);
      else if (now - (lastActive.get(roomId) ?? now) > (options.idleMs ?? 60_000)) {
        match.close();
        matches.delete(roomId);
        debris.delete(roomId);
        lastActive.delete(roomId);
        for (const [player, room] of playerRoom) if (room === roomId) playerRoom.delete(player);
      }
    }
  }, 1000);

  const serverId = await lobby.registerServer({
    region: lobby.welcome?.region ?? 'local',
    address: `${host}:${options.udpPort}`,
    capacity: options.capacity ?? 64,
    modes: [GAME_MODE],
  });
  const players = () => {
    let n = 0;
    for (const match of matches.values()) n += match.seats.size;
    return n;
  };
  const heartbeat = setInterval(() => void lobby.serverHeartbeat(players()).catch(() => {}), 5000);

  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  if (options.metricsPort !== undefined) {
    const registry = createGameMetrics(() => [...matches].map(([id, match]) => ({ id, host: match })), loop);
    metricsServer = await serveMetrics(registry, options.metricsPort, host);
    const address = metricsServer.address();
    metricsUrl = `http://${host}:${typeof address === 'object' && address ? address.port : 0}/metrics`;
  }

  const traffic = (): GameServerTraffic => {
    const total: GameServerTraffic = { players: 0, matches: matches.size, bytesSent: 0, bytesReceived: 0 };
    for (const match of matches.values()) {
      for (const seat of match.seats.all()) {
        const connection = seat.client?.connection;
        if (connection === undefined) continue;
        const s = connection.stats();
        total.players++;
        total.bytesSent += s.unreliable.bytesSent + s.reliable.bytesSent;
        total.bytesReceived += s.unreliable.bytesReceived + s.reliable.bytesReceived;
      }
    }
    return total;
  };

  return {
    serverId,
    metricsUrl,
    matches,
    loop,
    traffic,
    close: async () => {
      loop.stop();
      clearInterval(sweep);
      clearInterval(heartbeat);
      for (const match of matches.values()) {
        match.notice('the game server is shutting down');
        match.close();
      }
      matches.clear();
      debris.clear();
      answerers.close();
      authority.close();
      lobby.close();
      if (metricsServer !== undefined) {
        const server = metricsServer;
        await new Promise<void>((ok) => server.close(() => ok()));
      }
    },
  };
}

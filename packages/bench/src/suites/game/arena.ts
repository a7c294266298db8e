// The arena setup both game suites share: an in-memory lobby in this process (quick match makes
// matches of `matchSize`), the arena's dedicated server in its own process, and bots in several
// other processes. addPlayers() queues more bots and waits until the server has them all
// connected, so a measurement starts with every player in a match.
import { randomBytes } from 'node:crypto';
import { createLobbyServer } from '@tickwire/lobby-server';
import type { LobbyServer } from '@tickwire/lobby-server';
import { BenchError } from '../../errors.js';
import { spawnWorker } from '../../ipc/spawn.js';
import type { WorkerHandle } from '../../ipc/spawn.js';
import type { ServerInit } from './server-worker.js';

export interface ArenaOptions {
  matchSize: number;
  botProcesses: number;
  debrisPerMatch?: number;
}

export interface Arena {
  readonly lobbyUrl: string;
  readonly server: WorkerHandle;
  /** The server process's RSS once the game server was up, before any player. */
  readonly baselineRss: number;
  /** Players connected to the server now. */
  players(): Promise<number>;
  /**
   * Queues bots (spread over the bot processes) until `target` players are connected; `external`
   * of them are players from elsewhere (a browser) that queue by themselves.
   */
  addPlayers(target: number, options?: { external?: number; timeoutMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startArena(options: ArenaOptions): Promise<Arena> {
  const serverKey = randomBytes(12).toString('hex');
  const workers: WorkerHandle[] = [];
  let lobby: LobbyServer | undefined;
  const close = async () => {
    for (const w of workers.reverse()) await w.stop(10_000);
    await lobby?.close();
  };
  try {
    lobby = await createLobbyServer({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      serverKeys: [serverKey],
      modes: [`arena=${options.matchSize}`],
      // Every bot's lobby session comes from 127.0.0.1: lift the per-address limits.
      socketsPerIp: 100_000,
      connectionsPerIp: 100_000,
      ipConnectsPerSecond: 10_000,
      ipConnectBurst: 10_000,
      ipMessagesPerSecond: 1_000_000,
      ipMessageBurst: 1_000_000,
    });
    const lobbyUrl = lobby.url;
    const server = await spawnWorker(new URL('./server-worker.js', import.meta.url));
    workers.push(server);
    const init: ServerInit = { lobbyUrl, serverKey, debrisPerMatch: options.debrisPerMatch ?? 0 };
    const baselineRss = await server.ipc.request<number>('init', init, 30_000);
    const bots: WorkerHandle[] = [];
    for (let i = 0; i < options.botProcesses; i++) {
      const worker = await spawnWorker(new URL('./bot-worker.js', import.meta.url));
      workers.push(worker);
      bots.push(worker);
    }
    const players = async () =>
      (await server.ipc.request<{ players: number }>('traffic', null, 30_000)).players;
    let queued = 0;
    let batch = 0;
    return {
      lobbyUrl,
      server,
      baselineRss,
      players,
      async addPlayers(target, { external = 0, timeoutMs = 60_000 + target * 1000 } = {}) {
        const more = target - external - queued;
        if (more > 0) {
          batch++;
          await Promise.all(
            bots.map((bot, i) => {
              const count = Math.floor(more / bots.length) + (i < more % bots.length ? 1 : 0);
              if (count === 0) return undefined;
              return bot.ipc.request(
                'add',
                { lobbyUrl, count, prefix: `b${batch}p${i}` },
                30_000 + count * 2000,
              );
            }),
          );
          queued += more;
        }
        const started = performance.now();
        let connected = await players();
        while (connected < target) {
          if (performance.now() - started > timeoutMs)
            throw new BenchError(
              'TIMEOUT',
              `only ${connected} of ${target} players connected to the game server in ${timeoutMs} ms`,
            );
          await new Promise((r) => setTimeout(r, 500));
          connected = await players();
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

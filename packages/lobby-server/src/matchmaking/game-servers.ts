// Registry of dedicated game servers: they register (region, address, capacity, modes), send
// heartbeats with their player count, and the matchmaker reserves room on the least-loaded one
// that fits. A server that misses heartbeats for `serverTtlMs` gets nothing and is swept.
import { LobbyError } from '../errors.js';
import type { LobbyContext } from '../server/context.js';
import { keys } from '../state/records.js';
import type { GameServerRecord } from './records.js';

export interface RegisterInput {
  readonly region: string;
  readonly address: string;
  readonly capacity: number;
  readonly modes?: readonly string[];
}

export class GameServerRegistry {
  constructor(private readonly ctx: LobbyContext) {}

  async register(serverId: string, input: RegisterInput): Promise<void> {
    const record: GameServerRecord = {
      id: serverId,
      region: input.region,
      address: input.address,
      capacity: input.capacity,
      load: 0,
      pending: 0,
      ...(input.modes ? { modes: input.modes } : {}),
      lastHeartbeat: this.ctx.now(),
    };
    await this.ctx.store.put(keys.gameServer(serverId), record);
    await this.ctx.store.setAdd(keys.gameServers, serverId);
  }

  async heartbeat(serverId: string, load: number | undefined): Promise<void> {
    await this.ctx.store.update<GameServerRecord, void>(keys.gameServer(serverId), (current) => {
      if (!current) throw new LobbyError('out_of_order', 'register before sending heartbeats');
      const next: GameServerRecord =
        load === undefined
          ? { ...current, lastHeartbeat: this.ctx.now() }
          : { ...current, load, pending: 0, lastHeartbeat: this.ctx.now() };
      return { next, result: undefined };
    });
  }

  async unregister(serverId: string): Promise<void> {
    await this.ctx.store.delete(keys.gameServer(serverId));
    await this.ctx.store.setRemove(keys.gameServers, serverId);
  }

  private async live(): Promise<GameServerRecord[]> {
    const ids = await this.ctx.store.setMembers(keys.gameServers);
    const records = await this.ctx.store.getMany<GameServerRecord>(ids.map((id) => keys.gameServer(id)));
    const now = this.ctx.now();
    return records.filter(
      (r): r is GameServerRecord => r !== undefined && now - r.lastHeartbeat <= this.ctx.config.serverTtlMs,
    );
  }

  /** Reserves `players` seats on the least-loaded live server that fits; undefined when none does. */
  async reserve(region: string, mode: string, players: number): Promise<GameServerRecord | undefined> {
    const fits = (server: GameServerRecord) =>
      server.region === region &&
      (server.modes === undefined || server.modes.includes(mode)) &&
      server.capacity - server.load - server.pending >= players;
    const candidates = (await this.live())
      .filter(fits)
      .sort((a, b) => (a.load + a.pending) / a.capacity - (b.load + b.pending) / b.capacity);
    for (const candidate of candidates) {
      const reserved = await this.ctx.store.update<GameServerRecord, GameServerRecord | undefined>(
        keys.gameServer(candidate.id),
        (current) => {
          if (!current || !fits(current)) return { next: undefined, result: undefined };
          const next = { ...current, pending: current.pending + players };
          return { next, result: next };
        },
      );
      if (reserved) return reserved;
    }
    return undefined;
  }

  /** Drops servers that stopped sending heartbeats. */
  async sweep(): Promise<void> {
    const ids = await this.ctx.store.setMembers(keys.gameServers);
    const records = await this.ctx.store.getMany<GameServerRecord>(ids.map((id) => keys.gameServer(id)));
    const now = this.ctx.now();
    await Promise.all(
      ids.map(async (id, i) => {
        const record = records[i];
        if (!record || now - record.lastHeartbeat > this.ctx.config.serverTtlMs * 4)
          await this.unregister(id);
      }),
    );
  }
}

// Ends sessions whose reconnection grace period ran out (their seat is freed and the room told)
// and starts the grace period of sessions whose lobby process died without saying so.
import type { LobbyContext } from '../server/context.js';
import type { SessionService } from '../sessions/session-service.js';
import { keys } from '../state/records.js';
import type { SessionRecord } from '../state/records.js';

export interface GraceHooks {
  /** The session is gone for good: free its seat, drop its queue ticket or pending match. */
  expire(session: SessionRecord): Promise<void>;
  /** A session of a dead process is now disconnected (its room should show that). */
  disconnected(session: SessionRecord): Promise<void>;
}

export class GraceSweeper {
  constructor(
    private readonly ctx: LobbyContext,
    private readonly sessions: SessionService,
    private readonly hooks: GraceHooks,
  ) {}

  async sweepExpired(): Promise<void> {
    const ids = await this.ctx.store.setMembers(keys.grace);
    if (ids.length === 0) return;
    const sessions = await this.ctx.store.getMany<SessionRecord>(ids.map((id) => keys.session(id)));
    const now = this.ctx.now();
    for (const [i, id] of ids.entries()) {
      const session = sessions[i];
      if (!session || session.conn !== undefined) {
        await this.ctx.store.setRemove(keys.grace, id);
        continue;
      }
      if (now - (session.disconnectedAt ?? 0) < this.ctx.config.graceMs) continue;
      // Delete atomically: a player who came back between the read and now keeps the session.
      const gone = await this.ctx.store.update<SessionRecord, SessionRecord | undefined>(
        keys.session(id),
        (current) =>
          current && current.conn === undefined
            ? { next: null, result: current }
            : { next: undefined, result: undefined },
      );
      await this.ctx.store.setRemove(keys.grace, id);
      if (gone) await this.hooks.expire(gone);
    }
  }

  /** Processes whose node lease lapsed: their sessions start the grace period now. */
  async sweepDeadNodes(): Promise<void> {
    const nodes = await this.ctx.store.setMembers(keys.nodes);
    for (const node of nodes) {
      if (node === this.ctx.nodeId || (await this.ctx.store.leaseHeld(keys.node(node)))) continue;
      this.ctx.log.warn(
        { node },
        'lobby process stopped renewing its lease; its sessions enter their grace period',
      );
      const ids = await this.ctx.store.setMembers(keys.nodeSessions(node));
      for (const id of ids) {
        // Any connection of `node` (connId undefined): the record is only touched while it still
        // names that node; the session then leaves the node's set and enters the grace set.
        const session = await this.sessions.disconnected(id, undefined, node);
        if (session) await this.hooks.disconnected(session);
      }
      await this.ctx.store.setRemove(keys.nodes, node);
    }
  }
}

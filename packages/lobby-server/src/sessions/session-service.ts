// Session records: created on a fresh `hello`, resumed with a token, marked disconnected when the
// socket goes (the grace period starts) and ended when the grace period runs out. A record names
// the connection holding it, so a late close of a replaced connection never disconnects the new one.
import { LobbyError } from '../errors.js';
import { newId, signSessionToken, verifySessionToken } from '../auth/session-token.js';
import type { VerifiedIdentity } from '../auth/identity.js';
import type { LobbyContext } from '../server/context.js';
import { keys } from '../state/records.js';
import type { SessionRecord } from '../state/records.js';

export class SessionService {
  constructor(private readonly ctx: LobbyContext) {}

  get(sessionId: string): Promise<SessionRecord | undefined> {
    return this.ctx.store.get<SessionRecord>(keys.session(sessionId));
  }

  token(sessionId: string): string {
    return signSessionToken(this.ctx.config.secret, sessionId);
  }

  async create(
    identity: VerifiedIdentity,
    requestedName: string | undefined,
    role: 'player' | 'server',
    connId: string,
  ): Promise<SessionRecord> {
    const id = newId();
    const name = identity.name ?? requestedName ?? `guest-${id.slice(0, 5)}`;
    const record: SessionRecord = {
      id,
      name,
      role,
      ...(identity.userId === undefined ? {} : { userId: identity.userId }),
      ...(identity.rating === undefined ? {} : { rating: identity.rating }),
      conn: connId,
      nodeId: this.ctx.nodeId,
      createdAt: this.ctx.now(),
    };
    await this.ctx.store.put(keys.session(id), record);
    await this.ctx.store.setAdd(keys.nodeSessions(this.ctx.nodeId), id);
    return record;
  }

  /** Takes a session over with its resume token; the previous connection (if any) is replaced. */
  /**
   * Counts one room creation against the session's per-minute limit; false when it is used up.
   * Kept in the session record, so neither a resume nor another lobby process resets it.
   */
  takeRoomCreation(sessionId: string, perMinute: number): Promise<boolean> {
    const now = this.ctx.now();
    return this.ctx.store.update<SessionRecord, boolean>(keys.session(sessionId), (current) => {
      if (!current) throw new LobbyError('invalid_token', 'session no longer exists');
      const recent = (current.roomsCreatedAt ?? []).filter((at) => now - at < 60_000);
      if (recent.length >= perMinute) return { next: undefined, result: false };
      return { next: { ...current, roomsCreatedAt: [...recent, now] }, result: true };
    });
  }

  async resume(token: string, connId: string): Promise<{ session: SessionRecord; wasDisconnected: boolean }> {
    const sessionId = verifySessionToken(this.ctx.config.secret, token);
    if (sessionId === undefined) throw new LobbyError('invalid_token', 'resume token is not valid');
    const result = await this.ctx.store.update<
      SessionRecord,
      { session: SessionRecord; wasDisconnected: boolean }
    >(keys.session(sessionId), (current) => {
      if (!current) throw new LobbyError('invalid_token', 'session expired or unknown');
      const next: SessionRecord = {
        ...current,
        conn: connId,
        nodeId: this.ctx.nodeId,
        disconnectedAt: undefined,
      };
      return { next, result: { session: next, wasDisconnected: current.conn === undefined } };
    });
    await this.ctx.store.setRemove(keys.grace, sessionId);
    await this.ctx.store.setAdd(keys.nodeSessions(this.ctx.nodeId), sessionId);
    return result;
  }

  /**
   * The connection `connId` ended. Returns the session when it was still that connection's (the
   * grace period starts now), undefined when another connection has taken over.
   */
  async disconnected(
    sessionId: string,
    connId: string | undefined,
    nodeId: string,
  ): Promise<SessionRecord | undefined> {
    const session = await this.ctx.store.update<SessionRecord, SessionRecord | undefined>(
      keys.session(sessionId),
      (current) => {
        if (!current || current.conn === undefined) return { next: undefined, result: undefined };
        if (connId !== undefined && current.conn !== connId) return { next: undefined, result: undefined };
        if (connId === undefined && current.nodeId !== nodeId) return { next: undefined, result: undefined };
        const next: SessionRecord = {
          ...current,
          conn: undefined,
          nodeId: undefined,
          disconnectedAt: this.ctx.now(),
        };
        return { next, result: next };
      },
    );
    await this.ctx.store.setRemove(keys.nodeSessions(nodeId), sessionId);
    if (session) await this.ctx.store.setAdd(keys.grace, sessionId);
    return session;
  }

  async remove(sessionId: string): Promise<void> {
    await this.ctx.store.delete(keys.session(sessionId));
    await this.ctx.store.setRemove(keys.grace, sessionId);
  }
}

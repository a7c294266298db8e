// Who one session may exchange WebRTC signaling with, and the relay itself. The gate keeps the
// room the client was last told about (plus, for a dedicated server, the rooms assigned to it),
// refuses anybody outside them on the way out, and drops them again on the way in, because the
// sender's view of a room may be a moment older than the receiver's. It never relays between
// strangers, whatever the client claims.
import { LobbyError } from '../errors.js';
import type { SignalData } from '../protocol/schemas.js';
import type { ServerMessage, ServerMessageOf } from '../protocol/server-messages.js';
import type { RoomView } from '../protocol/views.js';
import type { LobbyContext } from '../server/context.js';
import { NegotiationTracker } from './negotiations.js';

/** Rooms a dedicated server remembers for signaling with their players. */
const MAX_ASSIGNED_ROOMS = 1_024;

export class SignalGate {
  /** The room this session sits in, as last told to the client. */
  room: RoomView | null = null;
  private readonly assignedRooms = new Map<string, RoomView>();
  private readonly negotiations: NegotiationTracker;

  constructor(
    private readonly ctx: LobbyContext,
    private readonly self: () => string | undefined,
    private readonly sendToSelf: (message: ServerMessage) => void,
  ) {
    this.negotiations = new NegotiationTracker(ctx.config);
  }

  /** Follows what the client is told, so the gate's rooms never differ from the client's. */
  track(message: ServerMessage): void {
    if (message.t === 'room.update' || message.t === 'match.ready') {
      this.setRoom(message.room);
    } else if (message.t === 'room.left') {
      if (this.room?.id === message.roomId) this.setRoom(null);
    } else if (message.t === 'server.assign') {
      this.assignedRooms.set(message.room.id, message.room);
      if (this.assignedRooms.size > MAX_ASSIGNED_ROOMS) {
        const oldest = this.assignedRooms.keys().next().value;
        if (oldest !== undefined) this.assignedRooms.delete(oldest);
      }
    }
  }

  setRoom(room: RoomView | null): void {
    this.room = room;
    const peers = room ? room.members.map((m) => m.id) : [];
    if (room?.authority.kind === 'server') peers.push(room.authority.serverId);
    for (const assigned of this.assignedRooms.values()) peers.push(...assigned.members.map((m) => m.id));
    this.negotiations.retainOnly(new Set(peers));
  }

  mayExchange(peer: string): boolean {
    if (peer === this.self()) return false;
    if (this.room) {
      if (this.room.members.some((m) => m.id === peer)) return true;
      if (this.room.authority.kind === 'server' && this.room.authority.serverId === peer) return true;
    }
    for (const room of this.assignedRooms.values()) if (room.members.some((m) => m.id === peer)) return true;
    return false;
  }

  /** Relays one message to a peer of the same room (or its dedicated server). */
  async relay(to: string, data: SignalData): Promise<void> {
    const from = this.self();
    if (from === undefined || !this.mayExchange(to)) {
      throw new LobbyError('peer_not_in_room', 'you can only signal members of your room');
    }
    const member = this.room?.members.find((m) => m.id === to);
    if (member && !member.connected) throw new LobbyError('peer_unavailable', 'that player is reconnecting');
    this.negotiations.outgoing(to, data, this.ctx.now());
    const delivered = await this.ctx.hub.send(to, { t: 'signal', from, data });
    if (!delivered) throw new LobbyError('peer_unavailable', 'that player is not connected');
    this.ctx.metrics.signalsRelayed.inc();
  }

  /** An incoming signal: false when it must be dropped (sender not, or no longer, a peer). */
  admit(message: ServerMessageOf<'signal'>): boolean {
    if (!this.mayExchange(message.from)) return false;
    this.negotiations.incoming(message.from, message.data);
    return true;
  }

  /** Offers that waited too long for an answer: both sides get a `bye`. */
  reap(now: number): void {
    const self = this.self();
    for (const peer of this.negotiations.takeExpired(now)) {
      const bye: SignalData = { kind: 'bye', reason: 'offer_timeout' };
      this.sendToSelf({ t: 'signal', from: peer, data: bye });
      if (self !== undefined) {
        void this.ctx.hub.send(peer, { t: 'signal', from: self, data: bye }).catch(() => undefined);
      }
    }
  }
}

// Who one session may exchange WebRTC signaling with, and the relay itself. The gate keeps the
// room the client was last told about (plus, for a dedicated server, the rooms assigned to it),
// refuses anybody outside them on the way out, and drops them again on the way in, because the
// sender's view of a room may be a moment older than the receiver's. It never relays between
// strangers, whatever the client claims. Every signal asks who is a peer, so the answer is an index
// (O(1) a signal), rebuilt only when the rooms change.
import { LobbyError } from '../errors.js';
import type { SignalData } from '../protocol/schemas.js';
import type { ServerMessage, ServerMessageOf } from '../protocol/server-messages.js';
import type { MemberView, RoomView } from '../protocol/views.js';
import type { LobbyContext } from '../server/context.js';
import { TokenBucket } from '../server/rate-limit.js';
import { NegotiationTracker } from './negotiations.js';
import { PeerBudgets, signalBytes } from './relay-budget.js';

/** Rooms a dedicated server remembers for signaling with their players. */
const MAX_ASSIGNED_ROOMS = 1_024;

/** Why an incoming signal was not delivered. */
export type InboundVerdict = 'deliver' | 'drop' | 'throttle';

export class SignalGate {
  private currentRoom: RoomView | null = null;
  /** The current room's members by id, and its dedicated server. */
  private roomMembers = new Map<string, MemberView>();
  private roomServer: string | undefined;
  private readonly assignedRooms = new Map<string, RoomView>();
  /** Members of the assigned rooms, with the number of those rooms each sits in. */
  private readonly assignedPeers = new Map<string, number>();
  private readonly negotiations: NegotiationTracker;
  /** What this session may send to each peer. */
  private readonly outgoing: PeerBudgets;
  /** What this session accepts from all peers together. */
  private readonly inbound: TokenBucket;

  constructor(
    private readonly ctx: LobbyContext,
    private readonly self: () => string | undefined,
    private readonly sendToSelf: (message: ServerMessage) => void,
  ) {
    const { config } = ctx;
    this.negotiations = new NegotiationTracker(config);
    this.outgoing = new PeerBudgets({
      bytesPerSecond: config.peerSignalBytesPerSecond,
      burstBytes: config.peerSignalBytesPerSecond * 4,
    });
    this.inbound = new TokenBucket(
      config.inboundSignalBytesPerSecond,
      config.inboundSignalBytesPerSecond * 4,
      ctx.now(),
    );
  }

  /** Follows what the client is told, so the gate's rooms never differ from the client's. */
  track(message: ServerMessage): void {
    if (message.t === 'room.update' || message.t === 'match.ready') {
      this.setRoom(message.room);
    } else if (message.t === 'room.left') {
      if (this.room?.id === message.roomId) this.setRoom(null);
    } else if (message.t === 'server.assign') {
      this.unassign(message.room.id);
      this.assignedRooms.set(message.room.id, message.room);
      this.countAssigned(message.room, 1);
      if (this.assignedRooms.size > MAX_ASSIGNED_ROOMS) {
        const oldest = this.assignedRooms.keys().next().value;
        if (oldest !== undefined) this.unassign(oldest);
      }
    }
  }

  /** The room this session sits in, as last told to the client. */
  get room(): RoomView | null {
    return this.currentRoom;
  }

  setRoom(room: RoomView | null): void {
    this.currentRoom = room;
    this.roomMembers = new Map(room ? room.members.map((m) => [m.id, m]) : []);
    this.roomServer = room?.authority.kind === 'server' ? room.authority.serverId : undefined;
    const retained = new Set([...this.roomMembers.keys(), ...this.assignedPeers.keys()]);
    if (this.roomServer !== undefined) retained.add(this.roomServer);
    this.negotiations.retainOnly(retained);
    this.outgoing.retainOnly(retained);
  }

  mayExchange(peer: string): boolean {
    if (peer === this.self()) return false;
    return this.roomMembers.has(peer) || this.roomServer === peer || this.assignedPeers.has(peer);
  }

  private unassign(roomId: string): void {
    const room = this.assignedRooms.get(roomId);
    if (room === undefined) return;
    this.assignedRooms.delete(roomId);
    this.countAssigned(room, -1);
  }

  private countAssigned(room: RoomView, delta: 1 | -1): void {
    for (const { id } of room.members) {
      const count = (this.assignedPeers.get(id) ?? 0) + delta;
      if (count > 0) this.assignedPeers.set(id, count);
      else this.assignedPeers.delete(id);
    }
  }

  /** Relays one message to a peer of the same room (or its dedicated server). */
  async relay(to: string, data: SignalData): Promise<void> {
    const from = this.self();
    if (from === undefined || !this.mayExchange(to)) {
      throw new LobbyError('peer_not_in_room', 'you can only signal members of your room');
    }
    const member = this.roomMembers.get(to);
    if (member && !member.connected) throw new LobbyError('peer_unavailable', 'that player is reconnecting');
    const now = this.ctx.now();
    if (!this.outgoing.take(to, signalBytes(data), now)) {
      this.ctx.metrics.signalsDropped.inc({ reason: 'sender_budget' });
      throw new LobbyError('rate_limited', 'too much signaling to that peer; slow down', {
        details: { bytesPerSecond: this.ctx.config.peerSignalBytesPerSecond },
      });
    }
    this.negotiations.outgoing(to, data, now);
    const outcome = await this.ctx.hub.relay(to, { t: 'signal', from, data });
    if (outcome === 'absent') throw new LobbyError('peer_unavailable', 'that player is not connected');
    if (outcome === 'throttled') {
      throw new LobbyError('rate_limited', 'that peer is receiving too much signaling; slow down');
    }
    this.ctx.metrics.signalsRelayed.inc();
  }

  /**
   * An incoming signal, before it is queued to this client: dropped when the sender is not (or no
   * longer) a peer, throttled when it would pass this session's inbound budget or when the client
   * already has half of `sendBufferCap` unread (signals are the only messages that can be refused,
   * so a flood of them can never get this client dropped as a slow reader).
   */
  admit(message: ServerMessageOf<'signal'>, bufferedBytes: number): InboundVerdict {
    if (!this.mayExchange(message.from)) return 'drop';
    const bytes = signalBytes(message.data);
    if (bufferedBytes + bytes > this.ctx.config.sendBufferCap / 2) {
      this.ctx.metrics.signalsDropped.inc({ reason: 'recipient_backlog' });
      return 'throttle';
    }
    if (!this.inbound.take(this.ctx.now(), bytes)) {
      this.ctx.metrics.signalsDropped.inc({ reason: 'recipient_budget' });
      return 'throttle';
    }
    this.negotiations.incoming(message.from, message.data);
    return 'deliver';
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

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
/** Signaling relationships one session keeps (a dedicated server's players across its rooms). */
const MAX_RELATED = 4_096;

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
  /**
   * Peers this session has a signaling relationship with: an offer, answer or candidate went
   * either way since the last `bye`. Only these may exchange relay frames (relay-gate.ts).
   */
  private readonly related = new Set<string>();

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
    for (const peer of this.related) if (!retained.has(peer)) this.related.delete(peer);
  }

  /** The peers of `related` (the relay gate forgets the budgets of anybody else). */
  relatedPeers(): ReadonlySet<string> {
    return this.related;
  }

  /** A room peer this session signals with (see `related`): relay frames are allowed. */
  relates(peer: string): boolean {
    return this.related.has(peer) && this.mayExchange(peer);
  }

  private noteRelationship(peer: string, data: SignalData): void {
    if (data.kind === 'bye') this.related.delete(peer);
    else if (this.related.size < MAX_RELATED || this.related.has(peer)) this.related.add(peer);
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
    this.noteRelationship(to, data);
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
    this.noteRelationship(message.from, message.data);
    return 'deliver';
  }

  /** When the oldest unanswered offer this session sent expires (undefined: none waits). */
  nextOfferExpiry(): number | undefined {
    return this.negotiations.nextExpiry();
  }

  /** Offers that waited too long for an answer: both sides get a `bye`. */
  reap(now: number): void {
    const self = this.self();
    for (const peer of this.negotiations.takeExpired(now)) {
      const bye: SignalData = { kind: 'bye', reason: 'offer_timeout' };
      this.related.delete(peer);
      this.sendToSelf({ t: 'signal', from: peer, data: bye });
      if (self !== undefined) {
        void this.ctx.hub.send(peer, { t: 'signal', from: self, data: bye }).catch(() => undefined);
      }
    }
  }
}

// One client of createSyncServer: its lifecycle (added → joined → left), the events waiting for
// its join, and which entity is its own. It owns the client's interceptor on the connection, so
// the sync traffic of this client never reaches the application's `message` listeners. It never
// closes the connection (the application opened it) and never drops an event without reporting it.
import type { Connection, MessageEvent } from '../../connection/types.js';
import { TransportError } from '../../errors.js';
import type { AuthorityPeer, PeerStats } from '../server/peer.js';
import {
  INPUT_STREAM,
  isSyncTraffic,
  parseSyncMessage,
  SYNC_PROTOCOL_VERSION,
  type SyncMessage,
} from './protocol.js';

/**
 * Why a client left: its connection closed, `remove()` was called, its sync client refused, or it
 * broke the authority's rules (a flood, or no acknowledgement for too long: see `violation`).
 */
export type LeaveReason = 'closed' | 'removed' | 'refused' | 'violation';

export interface SyncServerClient<I = unknown, D = unknown> {
  readonly id: number;
  readonly connection: Connection;
  /** What the application attached in `addClient(connection, { data })`. */
  readonly data: D;
  /** True once the client's sync client accepted the hello: from then on every event reaches it. */
  readonly joined: boolean;
  /** The entity id this client controls (see setEntity), sent to its sync client as `self`. */
  readonly entity: number | undefined;
  /** Tells the client which entity is its own (reliably; re-sent when it joins). */
  setEntity(entity: { readonly id: number } | number | undefined): void;
  /** Inputs that arrived since the last call, in sequence order; mark them applied. */
  takeInputs(max?: number): { seq: number; input: I }[];
  stats(): PeerStats;
  /** Stops syncing this client (the connection stays open); `leave` fires with 'removed'. */
  remove(): void;
}

/** What a client needs from its server (kept narrow so the two stay testable apart). */
export interface ServerClientHooks<I, D> {
  readonly schemaHash: number;
  readonly tickRate: number;
  readonly maxPendingEvents: number;
  currentTick(): number;
  report(error: unknown, client: ServerClient<I, D>): void;
  joined(client: ServerClient<I, D>): void;
  left(client: ServerClient<I, D>, reason: LeaveReason): void;
}

export class ServerClient<I, D> implements SyncServerClient<I, D> {
  readonly id: number;
  private isJoined = false;
  private self: number | undefined;
  private gone = false;
  private readonly pending: { tw: 'sync'; k: 'event'; tick: number; data: unknown }[] = [];
  private readonly offs: (() => void)[];

  constructor(
    readonly connection: Connection,
    readonly data: D,
    readonly peer: AuthorityPeer<I>,
    private readonly hooks: ServerClientHooks<I, D>,
  ) {
    this.id = peer.id;
    this.offs = [
      connection.intercept((event) => this.onMessage(event)),
      connection.on('open', () => this.sayHello()),
      connection.on('close', () => this.leave('closed')),
    ];
    // The client may have attached first (its `hi` then went nowhere): greet it now as well.
    if (connection.state === 'open') this.sayHello();
  }

  get joined(): boolean {
    return this.isJoined;
  }

  get entity(): number | undefined {
    return this.self;
  }

  setEntity(entity: { readonly id: number } | number | undefined): void {
    const id = typeof entity === 'object' ? entity.id : entity;
    if (id !== undefined && !(Number.isInteger(id) && id >= 0 && id < 2 ** 32)) {
      throw new TransportError('INVALID_OPTIONS', 'setEntity takes an entity handle or id', {
        details: { id },
      });
    }
    this.self = id;
    if (this.isJoined) this.sendSelf();
  }

  takeInputs(max?: number): { seq: number; input: I }[] {
    return this.peer.inputs.take(max);
  }

  stats(): PeerStats {
    return this.peer.stats();
  }

  remove(): void {
    this.leave('removed');
  }

  /** Sends an event now, or queues it until the join (bounded: overflow is reported). */
  emit(message: { tw: 'sync'; k: 'event'; tick: number; data: unknown }): void {
    if (this.gone) return;
    if (this.isJoined) {
      this.send(message);
      return;
    }
    if (this.pending.length >= this.hooks.maxPendingEvents) {
      this.hooks.report(
        new TransportError(
          'SYNC_EVENT_OVERFLOW',
          `${this.hooks.maxPendingEvents} events already wait for client ${this.id} to join: event of tick ${message.tick} dropped`,
          { details: { limit: this.hooks.maxPendingEvents, tick: message.tick, client: this.id } },
        ),
        this,
      );
      return;
    }
    this.pending.push(message);
  }

  leave(reason: LeaveReason): void {
    if (this.gone) return;
    this.gone = true;
    this.pending.length = 0;
    for (const off of this.offs) off();
    this.hooks.left(this, reason);
  }

  private onMessage(event: MessageEvent): boolean {
    if (!isSyncTraffic(event)) return false;
    if (event.channel === 'unreliable') {
      if (event.raw && event.stream === INPUT_STREAM) this.peer.receive(event.data as Uint8Array);
      return true;
    }
    const message = parseSyncMessage(event.data);
    if (message !== undefined) this.onSyncMessage(message);
    return true;
  }

  private onSyncMessage(message: SyncMessage): void {
    switch (message.k) {
      case 'hi':
        this.sayHello();
        return;
      case 'join':
        this.join();
        return;
      case 'bye':
        this.hooks.report(
          new TransportError('SYNC_REJECTED', `client left sync: ${message.reason}`, {
            details: { reason: message.reason },
          }),
          this,
        );
        this.leave('refused');
        return;
      case 'hello':
      case 'self':
      case 'event':
        return; // authority → client messages: a client has no business sending them
    }
  }

  private join(): void {
    if (this.isJoined || this.gone) return;
    this.isJoined = true;
    if (this.self !== undefined) this.sendSelf();
    for (const message of this.pending.splice(0)) this.send(message);
    this.hooks.joined(this);
  }

  private sayHello(): void {
    this.send({
      tw: 'sync',
      k: 'hello',
      v: SYNC_PROTOCOL_VERSION,
      hash: this.hooks.schemaHash,
      tickRate: this.hooks.tickRate,
      tick: this.hooks.currentTick(),
    });
  }

  private sendSelf(): void {
    this.send({ tw: 'sync', k: 'self', id: this.self ?? null });
  }

  private send(message: SyncMessage): void {
    try {
      this.connection.send('reliable', message);
    } catch (error) {
      this.hooks.report(error, this);
    }
  }
}

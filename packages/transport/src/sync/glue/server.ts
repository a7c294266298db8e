// createSyncServer: the authority engine on a tick timer, wired to tickwire Connections. Snapshot
// parts go out unreliable (stream 1, not latest-only), acks and inputs come back unreliable
// (stream 2), and the hello and tick-stamped events go over the reliable channel. A client joins
// when its sync client accepted the hello; snapshots start then, and events emitted before wait
// for it (server-client.ts). Uses only the public Connection interface. A client that breaks the
// authority's rules (server/guard.ts: a flood, or no acknowledgement for too long) is reported with
// a `violation` event and, by default, removed and its connection closed: the only time it closes
// a connection it did not open, and `onViolation` turns that off.
import type { Connection } from '../../connection/types.js';
import { Emitter } from '../../events/emitter.js';
import { TransportError } from '../../errors.js';
import type { InputOf, InputSchema, SyncSchema } from '../schema/define.js';
import { SyncAuthority, type SyncAuthorityOptions } from '../server/authority.js';
import type { World } from '../server/world.js';
import { ServerClient, type LeaveReason, type SyncServerClient } from './server-client.js';
import { SNAPSHOT_STREAM } from './protocol.js';
import { Ticker } from './ticker.js';

export type { LeaveReason, SyncServerClient } from './server-client.js';

export interface SyncServerEvents<I, D = unknown> {
  /** Before each automatic tick's snapshot: run the game simulation here. */
  tick: (tick: number) => void;
  error: (error: TransportError, client: SyncServerClient<I, D> | undefined) => void;
  /** The client's sync client accepted the hello: snapshots flow and every event reaches it. */
  join: (client: SyncServerClient<I, D>) => void;
  /** The client is gone (connection closed, `remove()`, or its sync client refused the schema). */
  leave: (client: SyncServerClient<I, D>, reason: LeaveReason) => void;
  /** Alias of `leave`, without the reason. */
  clientRemoved: (client: SyncServerClient<I, D>) => void;
  /** The client broke the authority's rules (code SYNC_PEER_VIOLATION); see `onViolation`. */
  violation: (client: SyncServerClient<I, D>, error: TransportError) => void;
}

export interface SyncServer<S extends SyncSchema, I = unknown, D = unknown> {
  readonly world: World<S>;
  readonly authority: SyncAuthority<S, I>;
  /** The last tick captured. */
  readonly tick: number;
  /** Starts syncing a connection (open or still connecting); `join` fires when its client attaches. */
  addClient(connection: Connection, options?: { data?: D }): SyncServerClient<I, D>;
  readonly clients: ReadonlySet<SyncServerClient<I, D>>;
  /** One tick now (for games that drive their own loop). */
  step(): void;
  /** Ticks at `tickRate` until stop(): emits `tick`, then captures and sends. */
  start(): void;
  stop(): void;
  /**
   * Sends `data` reliably, stamped with a tick (default: the next snapshot's), to all or some
   * clients. A client that has not joined yet gets it right after its join (up to
   * `maxPendingEvents` wait; beyond that an `error` with code SYNC_EVENT_OVERFLOW reports the loss).
   */
  emit(
    data: unknown,
    options?: { tick?: number; to?: SyncServerClient<I, D> | readonly SyncServerClient<I, D>[] },
  ): void;
  on<E extends keyof SyncServerEvents<I, D>>(event: E, handler: SyncServerEvents<I, D>[E]): () => void;
  /** Stops the timer and removes every client (`leave` with 'removed'). */
  close(): void;
}

export interface SyncServerOptions<
  S extends SyncSchema,
  IS extends InputSchema | undefined = undefined,
> extends SyncAuthorityOptions<S, InputOf<IS>> {
  /** The input declaration (defineInput): `takeInputs()` is typed from it. */
  input?: IS;
  /** Events kept per client until it joins (default 256). */
  maxPendingEvents?: number;
  /**
   * The entity an input commands, for games whose inputs name one (an RTS unit, a seat). An input
   * naming an entity the client does not own is dropped before the game sees it and counted
   * (`stats().inputs.notOwned`). A client owns its `setEntity` entity, and whatever `owns` allows.
   */
  inputEntity?: (input: InputOf<IS>) => number | undefined;
  /** Further entities a client may command (with `inputEntity`). */
  owns?: (client: SyncServerClient<InputOf<IS>>, entity: number) => boolean;
  /**
   * What happens to a client that breaks the rules (after the `violation` event): 'close' (default)
   * removes it (`leave` with 'violation') and closes its connection, 'remove' only removes it,
   * 'report' only emits the event (its snapshots stay stopped).
   */
  onViolation?: 'close' | 'remove' | 'report';
}

export function createSyncServer<
  S extends SyncSchema,
  IS extends InputSchema | undefined = undefined,
  D = unknown,
>(options: SyncServerOptions<S, IS>): SyncServer<S, InputOf<IS>, D> {
  type I = InputOf<IS>;
  const authority = new SyncAuthority<S, I>(options);
  const emitter = new Emitter<SyncServerEvents<I, D>>();
  const clients = new Set<ServerClient<I, D>>();
  const maxPendingEvents = options.maxPendingEvents ?? 256;
  if (!(Number.isInteger(maxPendingEvents) && maxPendingEvents >= 0)) {
    throw new TransportError('INVALID_OPTIONS', 'maxPendingEvents must be a non-negative integer', {
      details: { maxPendingEvents },
    });
  }
  const onViolation = options.onViolation ?? 'close';
  const reported = new WeakSet<ServerClient<I, D>>();
  // After each step: a client whose guard found a violation is reported once and dealt with.
  const enforce = () => {
    for (const client of [...clients]) {
      const violation = client.peer.guard.violation;
      if (violation === undefined || reported.has(client)) continue;
      reported.add(client);
      const error = new TransportError(
        'SYNC_PEER_VIOLATION',
        `sync client ${client.id} cut off: ${violation === 'flood' ? 'flooding packets or inputs' : 'no snapshot acknowledged'}`,
        { details: { violation, client: client.id, stats: client.peer.guard.stats() } },
      );
      emitter.emit('violation', client, error);
      if (onViolation === 'report') continue;
      client.leave('violation');
      if (onViolation === 'close') client.connection.close();
    }
  };
  const step = (now: number) => {
    authority.step(now);
    enforce();
  };
  const ticker = new Ticker(1000 / authority.tickRate, (now) => {
    emitter.emit('tick', authority.tick + 1);
    step(now);
  });
  const report = (error: unknown, client?: SyncServerClient<I, D>) =>
    emitter.emit('error', TransportError.from(error, 'ENCODE'), client);
  const hooks = {
    schemaHash: options.schema.hash,
    tickRate: authority.tickRate,
    maxPendingEvents,
    currentTick: () => authority.tick,
    report,
    joined: (client: ServerClient<I, D>) => emitter.emit('join', client),
    left: (client: ServerClient<I, D>, reason: LeaveReason) => {
      clients.delete(client);
      authority.removePeer(client.peer);
      emitter.emit('leave', client, reason);
      emitter.emit('clientRemoved', client);
    },
  };

  const addClient = (connection: Connection, clientOptions: { data?: D } = {}): SyncServerClient<I, D> => {
    // The peer's callbacks run on later ticks only, once `client` exists.
    const peer = authority.addPeer({
      // Nothing goes out before the join: the client could not decode it, and the application
      // on that side would otherwise see snapshot parts before its sync client is attached.
      ready: () => client.joined && connection.state === 'open',
      link: () => {
        const s = connection.stats();
        return {
          bufferedAmount: s.unreliable.bufferedAmount,
          lossFraction: s.lossFraction,
          srttMs: s.srttMs,
        };
      },
      sendSnapshot: (parts) => {
        try {
          for (const part of parts)
            connection.sendRaw('unreliable', part, { stream: SNAPSHOT_STREAM, latestOnly: false });
        } catch (error) {
          report(error, client);
        }
      },
    });
    const client = new ServerClient<I, D>(connection, clientOptions.data as D, peer, hooks);
    clients.add(client);
    const inputEntity = options.inputEntity;
    if (inputEntity !== undefined) {
      peer.owns = (input) => {
        const entity = inputEntity(input);
        return entity === undefined || entity === client.entity || (options.owns?.(client, entity) ?? false);
      };
    }
    // A connection that ended before it was added never emits `close` again.
    if (connection.state === 'closed' || connection.state === 'failed') client.leave('closed');
    return client;
  };

  return {
    world: authority.world,
    authority,
    get tick() {
      return authority.tick;
    },
    clients,
    addClient,
    step: () => step(performance.now()),
    start: () => ticker.start(),
    stop: () => ticker.stop(),
    emit: (data, emitOptions = {}) => {
      const message = {
        tw: 'sync',
        k: 'event',
        tick: emitOptions.tick ?? authority.tick + 1,
        data,
      } as const;
      const to = emitOptions.to;
      const targets = to === undefined ? [...clients] : Array.isArray(to) ? to : [to];
      for (const target of targets as SyncServerClient<I, D>[]) {
        if (target instanceof ServerClient && clients.has(target)) target.emit(message);
      }
    },
    on: (event, handler) => emitter.on(event, handler),
    close: () => {
      ticker.stop();
      for (const client of [...clients]) client.remove();
    },
  };
}

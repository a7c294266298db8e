// createSyncClient: the receiver engine wired to a tickwire Connection. Waits for the authority's
// hello (refusing a schema that differs) and confirms it with `join`, decodes snapshot parts from
// unreliable stream 1, acks each completed tick on stream 2 together with the recent inputs, and
// surfaces tick-stamped reliable events both at once and when render time reaches their tick. All
// of that traffic is intercepted: the application's `message` listeners never see it.
import type { Connection, MessageEvent } from '../../connection/types.js';
import { Emitter } from '../../events/emitter.js';
import { TransportError } from '../../errors.js';
import type { InputOf, InputSchema, SyncSchema } from '../schema/define.js';
import { InputSender } from '../client/input-sender.js';
import type { Sample, SampledEntityOf } from '../client/interpolation.js';
import { SyncReceiver, type ReceiverOptions, type ReceiverStats } from '../client/receiver.js';
import type { EntityValue, Snapshot } from '../snapshot/types.js';
import {
  isSyncTraffic,
  parseSyncMessage,
  SNAPSHOT_STREAM,
  INPUT_STREAM,
  SYNC_PROTOCOL_VERSION,
  type SyncMessage,
} from './protocol.js';

export interface TickEvent {
  tick: number;
  /** Whatever the authority emitted: validate it before use. */
  data: unknown;
}

export interface SyncClientEvents {
  /** A new complete snapshot (the newest tick the client holds). */
  snapshot: (snapshot: Snapshot<EntityValue>) => void;
  /** A reliable event from the authority, as soon as it arrives. */
  event: (event: TickEvent) => void;
  /** The authority (re)assigned this client's own entity (undefined: none). */
  self: (id: number | undefined) => void;
  error: (error: TransportError) => void;
}

export interface SyncClientOptions<IS extends InputSchema | undefined = undefined> {
  /** The input declaration (defineInput): `sendInput` is typed from it. */
  input?: IS;
  /** Inputs repeated in every packet (default 8). */
  inputRedundancy?: number;
  /**
   * Events kept for `takeEvents` (default 1,024). Past that the oldest is dropped, counted in
   * `stats().eventsDropped` and reported by an `error` SYNC_EVENT_OVERFLOW (once until the next
   * `takeEvents`). A game that reads events only through `on('event')` can ignore that error.
   */
  maxWaitingEvents?: number;
  receiver?: Omit<ReceiverOptions, 'tickRate'>;
}

/**
 * The receiver's counters (see ReceiverStats: `missedTicks` counts ticks skipped between
 * consecutive completed snapshots, `stale` late or reordered parts of superseded ticks,
 * `duplicates` parts that arrived twice) plus the glue's own.
 */
export interface SyncClientStats extends ReceiverStats {
  /** Snapshot packets that arrived before the authority's hello (dropped). */
  early: number;
  /** Ack + input packets sent to the authority. */
  packetsSent: number;
  /** Events dropped untaken because `maxWaitingEvents` were already waiting for `takeEvents`. */
  eventsDropped: number;
}

/**
 * The newest complete snapshot: the entity set as `ids`/`types`/`rows` (parallel arrays, ids
 * ascending) and the same entities typed per entity type, as `sample().entities` are:
 * `for (const e of latest.entities) if (e.type === 'ship') e.value.hp`.
 */
export interface LatestSnapshot<S extends SyncSchema = SyncSchema> extends Snapshot<EntityValue> {
  /** Built on first read, once per snapshot. */
  readonly entities: readonly SampledEntityOf<S>[];
}

export interface SyncClient<S extends SyncSchema = SyncSchema, I = unknown> {
  /** Resolves on the authority's hello; rejects (SYNC_REJECTED) when the schemas differ. */
  readonly ready: Promise<void>;
  /** The entity the authority assigned to this client (its `setEntity`), if any. */
  readonly self: number | undefined;
  /** The newest complete snapshot (its entities typed per entity type), or undefined before the first. */
  latest(): LatestSnapshot<S> | undefined;
  /** Interpolated entities at local time `nowMs` (default performance.now()). */
  sample(nowMs?: number): Sample<SampledEntityOf<S>>;
  /**
   * Numbers and sends an input (with the previous ones and the ack); returns it as the authority
   * will see it. Inputs given before `ready` are numbered and go out with the first packet after it.
   */
  sendInput(input: I): { seq: number; input: I };
  /** Newest input sequence the authority had applied in the newest snapshot. */
  readonly inputAck: number | undefined;
  /** Estimated authority time (ms since its tick 0). */
  serverTime(nowMs?: number): number;
  /** Events whose tick the render time has reached, oldest first (each returned once). */
  takeEvents(nowMs?: number): TickEvent[];
  on<E extends keyof SyncClientEvents>(event: E, handler: SyncClientEvents[E]): () => void;
  stats(): SyncClientStats;
  /** Stops listening (the connection stays open). */
  close(): void;
}

const EMPTY_RECEIVER_STATS: ReceiverStats = {
  packetsReceived: 0,
  bytesReceived: 0,
  snapshotsCompleted: 0,
  missedTicks: 0,
  stale: 0,
  duplicates: 0,
  chainBroken: 0,
  rejected: {},
  latestTick: undefined,
  interpolationDelayMs: 0,
  targetDelayMs: 0,
  renderResets: 0,
  clockJitterMs: 0,
};

export function createSyncClient<S extends SyncSchema, IS extends InputSchema | undefined = undefined>(
  connection: Connection,
  schema: S,
  options: SyncClientOptions<IS> = {},
): SyncClient<S, InputOf<IS>> {
  type I = InputOf<IS>;
  const emitter = new Emitter<SyncClientEvents>();
  const sender = new InputSender<I>(options.input, options.inputRedundancy ?? 8);
  const events: TickEvent[] = [];
  const maxWaitingEvents = options.maxWaitingEvents ?? 1024;
  if (!Number.isInteger(maxWaitingEvents) || maxWaitingEvents < 1)
    throw new TransportError('INVALID_OPTIONS', 'maxWaitingEvents must be an integer >= 1');
  let eventsDropped = 0;
  /** An overflow was reported since the last takeEvents (one error per episode, not per event). */
  let overflowReported = false;
  let receiver: SyncReceiver | undefined;
  let self: number | undefined;
  let early = 0;
  let packetsSent = 0;
  let settle: { resolve: () => void; reject: (error: TransportError) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody has to await `ready`; a rejection is also reported through the error event.
  ready.catch(() => {});

  const send = (message: SyncMessage) => {
    try {
      connection.send('reliable', message);
    } catch (error) {
      emitter.emit('error', TransportError.from(error, 'ENCODE'));
    }
  };
  const rtt = () => {
    const s = connection.stats();
    return s.srttMs ?? s.rttMs ?? 0;
  };
  const sendPacket = () => {
    // Before the hello the authority is not listening yet (and may not be a sync authority).
    if (receiver === undefined || connection.state !== 'open') return;
    try {
      const loss = connection.stats().lossFraction;
      connection.sendRaw('unreliable', sender.packet(receiver.latest?.tick, loss), { stream: INPUT_STREAM });
      packetsSent++;
    } catch (error) {
      emitter.emit('error', TransportError.from(error, 'ENCODE'));
    }
  };
  const refuse = (reason: string) => {
    const error = new TransportError('SYNC_REJECTED', `sync refused: ${reason}`, { details: { reason } });
    send({ tw: 'sync', k: 'bye', reason });
    settle.reject(error);
    emitter.emit('error', error);
    off();
  };

  const onSnapshotPart = (bytes: Uint8Array) => {
    if (receiver === undefined) {
      early++;
      return;
    }
    const outcome = receiver.receive(bytes, performance.now(), rtt());
    if (outcome.kind === 'complete') {
      sendPacket();
      emitter.emit('snapshot', outcome.snapshot);
    }
  };
  const dropOldestEvent = () => {
    const dropped = events.shift()!;
    eventsDropped++;
    if (overflowReported) return;
    overflowReported = true;
    emitter.emit(
      'error',
      new TransportError(
        'SYNC_EVENT_OVERFLOW',
        `${maxWaitingEvents} events already wait for takeEvents(): the oldest (tick ${dropped.tick}) was dropped`,
        { details: { limit: maxWaitingEvents, tick: dropped.tick, dropped: eventsDropped } },
      ),
    );
  };
  const onSyncMessage = (message: SyncMessage) => {
    switch (message.k) {
      case 'hello':
        if (receiver !== undefined) return;
        if (message.v !== SYNC_PROTOCOL_VERSION) return refuse(`protocol version ${message.v}`);
        if (message.hash !== schema.hash) return refuse('schema differs from the authority');
        receiver = new SyncReceiver(schema, { ...options.receiver, tickRate: message.tickRate });
        send({ tw: 'sync', k: 'join' });
        settle.resolve();
        // Inputs given before the hello go out now.
        if (sender.lastSeq >= 0) sendPacket();
        return;
      case 'self': {
        const id = message.id ?? undefined;
        if (id === self) return;
        self = id;
        emitter.emit('self', id);
        return;
      }
      case 'event': {
        const tickEvent = { tick: message.tick, data: message.data };
        events.push(tickEvent);
        if (events.length > maxWaitingEvents) dropOldestEvent();
        emitter.emit('event', tickEvent);
        return;
      }
      case 'bye':
      case 'hi':
      case 'join':
        return;
    }
  };
  // latest(): one typed view per snapshot, its entity list built only when read.
  let latestView: { snapshot: Snapshot<EntityValue>; view: LatestSnapshot<S> } | undefined;
  const typedLatest = (): LatestSnapshot<S> | undefined => {
    const snapshot = receiver?.latest;
    if (snapshot === undefined) return undefined;
    if (latestView?.snapshot === snapshot) return latestView.view;
    let entities: SampledEntityOf<S>[] | undefined;
    const view: LatestSnapshot<S> = {
      tick: snapshot.tick,
      ids: snapshot.ids,
      types: snapshot.types,
      rows: snapshot.rows,
      get entities() {
        entities ??= snapshot.ids.map(
          (id, i) =>
            ({
              id,
              type: schema.types[snapshot.types[i]!]!.name,
              value: snapshot.rows[i]!,
            }) as SampledEntityOf<S>,
        );
        return entities;
      },
    };
    latestView = { snapshot, view };
    return view;
  };
  const offIntercept = connection.intercept((event: MessageEvent) => {
    if (!isSyncTraffic(event)) return false;
    if (event.channel === 'unreliable') {
      if (event.raw && event.stream === SNAPSHOT_STREAM) onSnapshotPart(event.data as Uint8Array);
      return true;
    }
    const message = parseSyncMessage(event.data);
    if (message !== undefined) onSyncMessage(message);
    return true;
  });
  const offClose = connection.on('close', () =>
    settle.reject(new TransportError('NOT_OPEN', 'connection closed before sync started')),
  );
  const askHello = () => send({ tw: 'sync', k: 'hi' });
  const offOpen = connection.on('open', askHello);
  if (connection.state === 'open') askHello();
  const off = () => {
    offIntercept();
    offClose();
    offOpen();
  };

  return {
    ready,
    get self() {
      return self;
    },
    latest: typedLatest,
    sample: (nowMs = performance.now()) =>
      (receiver?.sample(nowMs) ?? { renderTick: 0, entities: [], extrapolatedMs: 0 }) as Sample<
        SampledEntityOf<S>
      >,
    sendInput: (input) => {
      const sent = sender.push(input);
      sendPacket();
      return sent;
    },
    get inputAck() {
      return receiver?.inputAck;
    },
    serverTime: (nowMs = performance.now()) => receiver?.clock.serverTime(nowMs) ?? 0,
    takeEvents: (nowMs = performance.now()) => {
      overflowReported = false;
      if (receiver === undefined) return [];
      const renderTick = receiver.renderTick(nowMs);
      events.sort((a, b) => a.tick - b.tick);
      let due = 0;
      while (due < events.length && events[due]!.tick <= renderTick) due++;
      return events.splice(0, due);
    },
    on: (event, handler) => emitter.on(event, handler),
    stats: () => ({ ...(receiver?.stats() ?? EMPTY_RECEIVER_STATS), early, packetsSent, eventsDropped }),
    close: off,
  };
}

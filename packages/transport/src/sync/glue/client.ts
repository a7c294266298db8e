// createSyncClient: the receiver engine wired to a tickwire Connection. Waits for the authority's
// hello (refusing a schema that differs), decodes snapshot parts from unreliable stream 1, acks
// each completed tick on stream 2 together with the recent inputs, and surfaces tick-stamped
// reliable events both at once and when render time reaches their tick.
import type { Connection, MessageEvent } from '../../connection/types.js';
import { Emitter } from '../../connection/emitter.js';
import { TransportError } from '../../errors.js';
import type { InputSchema, SyncSchema } from '../schema/define.js';
import { InputSender } from '../client/input-sender.js';
import type { Sample } from '../client/interpolation.js';
import { SyncReceiver, type ReceiverOptions, type ReceiverStats } from '../client/receiver.js';
import type { EntityValue, Snapshot } from '../snapshot/types.js';
import { INPUT_STREAM, parseSyncMessage, SNAPSHOT_STREAM, SYNC_PROTOCOL_VERSION } from './protocol.js';

export interface TickEvent {
  tick: number;
  data: unknown;
}

export interface SyncClientEvents {
  /** A new complete snapshot (the newest tick the client holds). */
  snapshot: (snapshot: Snapshot<EntityValue>) => void;
  /** A reliable event from the authority, as soon as it arrives. */
  event: (event: TickEvent) => void;
  error: (error: TransportError) => void;
}

export interface SyncClientOptions {
  input?: InputSchema;
  /** Inputs repeated in every packet (default 8). */
  inputRedundancy?: number;
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
}

export interface SyncClient<I> {
  /** Resolves on the authority's hello; rejects (SYNC_REJECTED) when the schemas differ. */
  readonly ready: Promise<void>;
  /** The newest complete snapshot, or undefined before the first one. */
  latest(): Snapshot<EntityValue> | undefined;
  /** Interpolated entities at local time `nowMs` (default performance.now()). */
  sample(nowMs?: number): Sample;
  /** Numbers and sends an input (with the previous ones and the ack); returns it as the authority will see it. */
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

export function createSyncClient<I = Record<string, unknown>>(
  connection: Connection,
  schema: SyncSchema,
  options: SyncClientOptions = {},
): SyncClient<I> {
  const emitter = new Emitter<SyncClientEvents>(() => {});
  const sender = new InputSender<I>(options.input, options.inputRedundancy ?? 8);
  const events: TickEvent[] = [];
  let receiver: SyncReceiver | undefined;
  let early = 0;
  let packetsSent = 0;
  let settle: { resolve: () => void; reject: (error: TransportError) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody has to await `ready`; a rejection is also reported through the error event.
  ready.catch(() => {});

  const rtt = () => {
    const s = connection.stats();
    return s.srttMs ?? s.rttMs ?? 0;
  };
  const sendPacket = () => {
    if (connection.state !== 'open') return;
    try {
      const loss = connection.stats().lossFraction;
      connection.sendRaw('unreliable', sender.packet(receiver?.latest?.tick, loss), { stream: INPUT_STREAM });
      packetsSent++;
    } catch (error) {
      emitter.emit(
        'error',
        error instanceof TransportError
          ? error
          : new TransportError('ENCODE', String(error), { cause: error }),
      );
    }
  };
  const refuse = (reason: string) => {
    const error = new TransportError('SYNC_REJECTED', `sync refused: ${reason}`, { details: { reason } });
    try {
      connection.send('reliable', { tw: 'sync', k: 'bye', reason });
    } catch {
      // The connection is going away anyway.
    }
    settle.reject(error);
    emitter.emit('error', error);
    off();
  };

  const offMessage = connection.on('message', (event: MessageEvent) => {
    if (event.raw && event.channel === 'unreliable' && event.stream === SNAPSHOT_STREAM) {
      if (receiver === undefined) {
        early++;
        return;
      }
      const outcome = receiver.receive(event.data as Uint8Array, performance.now(), rtt());
      if (outcome.kind === 'complete') {
        sendPacket();
        emitter.emit('snapshot', outcome.snapshot);
      }
      return;
    }
    if (event.channel !== 'reliable' || event.raw) return;
    const message = parseSyncMessage(event.data);
    if (message === undefined) return;
    switch (message.k) {
      case 'hello':
        if (receiver !== undefined) return;
        if (message.v !== SYNC_PROTOCOL_VERSION) return refuse(`protocol version ${message.v}`);
        if (message.hash !== schema.hash) return refuse('schema differs from the authority');
        receiver = new SyncReceiver(schema, { ...options.receiver, tickRate: message.tickRate });
        settle.resolve();
        return;
      case 'event': {
        const tickEvent = { tick: message.tick, data: message.data };
        events.push(tickEvent);
        if (events.length > 1024) events.shift();
        emitter.emit('event', tickEvent);
        return;
      }
      case 'bye':
      case 'hi':
        return;
    }
  });
  const offClose = connection.on('close', () =>
    settle.reject(new TransportError('NOT_OPEN', 'connection closed before sync started')),
  );
  const askHello = () => {
    try {
      connection.send('reliable', { tw: 'sync', k: 'hi' });
    } catch (error) {
      emitter.emit(
        'error',
        error instanceof TransportError
          ? error
          : new TransportError('ENCODE', String(error), { cause: error }),
      );
    }
  };
  const offOpen = connection.on('open', askHello);
  if (connection.state === 'open') askHello();
  const off = () => {
    offMessage();
    offClose();
    offOpen();
  };

  return {
    ready,
    latest: () => receiver?.latest,
    sample: (nowMs = performance.now()) =>
      receiver?.sample(nowMs) ?? { renderTick: 0, entities: [], extrapolatedMs: 0 },
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
      if (receiver === undefined) return [];
      const renderTick = receiver.renderTick(nowMs);
      events.sort((a, b) => a.tick - b.tick);
      let due = 0;
      while (due < events.length && events[due]!.tick <= renderTick) due++;
      return events.splice(0, due);
    },
    on: (event, handler) => emitter.on(event, handler),
    stats: () => ({
      ...(receiver?.stats() ?? {
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
      }),
      early,
      packetsSent,
    }),
    close: off,
  };
}

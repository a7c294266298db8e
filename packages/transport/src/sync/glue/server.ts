// createSyncServer: the authority engine on a tick timer, wired to tickwire Connections. Snapshot
// parts go out unreliable (stream 1, not latest-only), acks and inputs come back unreliable
// (stream 2), and the hello and tick-stamped events go over the reliable channel. Uses only the
// public Connection interface; it never closes a connection it did not open.
import type { Connection, MessageEvent } from '../../connection/types.js';
import { Emitter } from '../../connection/emitter.js';
import { isTransportError, TransportError } from '../../errors.js';
import type { SyncSchema } from '../schema/define.js';
import { SyncAuthority, type SyncAuthorityOptions } from '../server/authority.js';
import type { AuthorityPeer, PeerStats } from '../server/peer.js';
import type { World } from '../server/world.js';
import { INPUT_STREAM, parseSyncMessage, SNAPSHOT_STREAM, SYNC_PROTOCOL_VERSION } from './protocol.js';
import { Ticker } from './ticker.js';

export interface SyncServerClient<I> {
  readonly id: number;
  readonly connection: Connection;
  /** Inputs that arrived since the last call, in sequence order; mark them applied. */
  takeInputs(max?: number): { seq: number; input: I }[];
  stats(): PeerStats;
  /** Stops syncing this client (the connection stays open). */
  remove(): void;
}

export interface SyncServerEvents<I> {
  /** Before each automatic tick's snapshot: run the game simulation here. */
  tick: (tick: number) => void;
  error: (error: TransportError, client: SyncServerClient<I> | undefined) => void;
  clientRemoved: (client: SyncServerClient<I>) => void;
}

export interface SyncServer<S extends SyncSchema, I> {
  readonly world: World<S>;
  readonly authority: SyncAuthority<S, I>;
  /** The last tick captured. */
  readonly tick: number;
  addClient(connection: Connection): SyncServerClient<I>;
  readonly clients: ReadonlySet<SyncServerClient<I>>;
  /** One tick now (for games that drive their own loop). */
  step(): void;
  /** Ticks at `tickRate` until stop(): emits `tick`, then captures and sends. */
  start(): void;
  stop(): void;
  /** Sends `data` reliably, stamped with a tick (default: the next snapshot's), to all or some clients. */
  emit(
    data: unknown,
    options?: { tick?: number; to?: SyncServerClient<I> | readonly SyncServerClient<I>[] },
  ): void;
  on<E extends keyof SyncServerEvents<I>>(event: E, handler: SyncServerEvents<I>[E]): () => void;
  /** Stops the timer and detaches every client. */
  close(): void;
}

export type SyncServerOptions<S extends SyncSchema, I> = SyncAuthorityOptions<S, I>;

export function createSyncServer<S extends SyncSchema, I = Record<string, unknown>>(
  options: SyncServerOptions<S, I>,
): SyncServer<S, I> {
  const authority = new SyncAuthority<S, I>(options);
  const emitter = new Emitter<SyncServerEvents<I>>(() => {});
  const clients = new Set<SyncServerClient<I>>();
  const ticker = new Ticker(1000 / authority.tickRate, (now) => {
    emitter.emit('tick', authority.tick + 1);
    authority.step(now);
  });
  const report = (error: unknown, client?: SyncServerClient<I>) => {
    const typed = isTransportError(error)
      ? error
      : new TransportError('ENCODE', String(error), { cause: error });
    emitter.emit('error', typed, client);
  };

  const addClient = (connection: Connection): SyncServerClient<I> => {
    const offs: (() => void)[] = [];
    const sayHello = () => {
      const hello = {
        tw: 'sync',
        k: 'hello',
        v: SYNC_PROTOCOL_VERSION,
        hash: options.schema.hash,
        tickRate: authority.tickRate,
        tick: authority.tick,
      };
      try {
        connection.send('reliable', hello);
      } catch (error) {
        report(error, client);
      }
    };
    const peer: AuthorityPeer<I> = authority.addPeer({
      ready: () => connection.state === 'open',
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
    const client: SyncServerClient<I> = {
      id: peer.id,
      connection,
      takeInputs: (max) => peer.inputs.take(max),
      stats: () => peer.stats(),
      remove: () => {
        if (!clients.delete(client)) return;
        for (const off of offs) off();
        authority.removePeer(peer);
        emitter.emit('clientRemoved', client);
      },
    };
    clients.add(client);
    offs.push(
      connection.on('message', (event: MessageEvent) => {
        if (event.raw && event.channel === 'unreliable' && event.stream === INPUT_STREAM) {
          peer.receive(event.data as Uint8Array);
          return;
        }
        const message = event.channel === 'reliable' && !event.raw ? parseSyncMessage(event.data) : undefined;
        if (message?.k === 'hi') sayHello();
        else if (message?.k === 'bye') {
          report(
            new TransportError('SYNC_REJECTED', `client left sync: ${message.reason}`, {
              details: { reason: message.reason },
            }),
            client,
          );
          client.remove();
        }
      }),
      connection.on('open', sayHello),
      connection.on('close', () => client.remove()),
    );
    if (connection.state === 'open') sayHello();
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
    step: () => {
      authority.step(performance.now());
    },
    start: () => ticker.start(),
    stop: () => ticker.stop(),
    emit: (data, emitOptions = {}) => {
      const message = { tw: 'sync', k: 'event', tick: emitOptions.tick ?? authority.tick + 1, data };
      const to = emitOptions.to;
      const targets = to === undefined ? [...clients] : Array.isArray(to) ? to : [to as SyncServerClient<I>];
      for (const target of targets) {
        try {
          target.connection.send('reliable', message);
        } catch (error) {
          report(error, target);
        }
      }
    },
    on: (event, handler) => emitter.on(event, handler),
    close: () => {
      ticker.stop();
      for (const client of [...clients]) client.remove();
    },
  };
}

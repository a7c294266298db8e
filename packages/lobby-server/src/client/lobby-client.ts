// The lobby client for game code, in Node and in the browser: typed requests (promises) and
// events, the current room and join token, and a Signaler per remote peer for the transport. The
// connection itself (hello, keep-alive, reconnection with session resume) is LobbySocket's job.
// Browser-safe: no Node imports on this path.
import type { SignalMessage } from '@tickwire/transport';
// The subpath, not the package root: the root entry would bring the Node transport along.
import { Emitter } from '@tickwire/transport/emitter';
import type { WaitForOptions } from '@tickwire/transport/emitter';
import { LobbyError } from '../errors.js';
import type { ClientMessageOf } from '../protocol/schemas.js';
import type {
  JoinKeyJwk,
  RequestResults,
  RequestType,
  ServerMessage,
  WelcomeMessage,
} from '../protocol/server-messages.js';
import type {
  IceServer,
  RegionLatency,
  RoomPage,
  RoomProps,
  RoomSummary,
  RoomView,
  TurnCredentials,
} from '../protocol/views.js';
import type { LobbyClientEvents } from './events.js';
import { LobbySocket } from './lobby-socket.js';
import { PeerSignaler, SignalRouter } from './signaler.js';
import { RelayPipes } from './relay-pipes.js';
import { decodeRelayFrame } from '../protocol/relay-frame.js';
import { defaultSocketFactory } from './socket.js';
import { TurnRefresher } from './turn-refresher.js';
import type { SocketFactory } from './socket.js';

export interface LobbyClientOptions {
  /** Lobby WebSocket URL, or several (reconnection tries them in turn). */
  readonly url: string | readonly string[];
  readonly name?: string;
  /** Token for the operator's identity hook (e.g. a JWT). */
  readonly auth?: string;
  readonly role?: 'player' | 'server';
  /** Dedicated servers: the key configured in the lobby's `serverKeys`. */
  readonly serverKey?: string;
  /** Resume an earlier session (e.g. after a page reload) instead of starting a new one. */
  readonly resumeToken?: string;
  /** Reconnect after an unexpected close (default true). */
  readonly reconnect?: boolean;
  readonly reconnectDelayMs?: number;
  readonly maxReconnectDelayMs?: number;
  readonly requestTimeoutMs?: number;
  /** Application keep-alive interval (default: a third of the server's idle timeout). */
  readonly keepAliveMs?: number;
  readonly createSocket?: SocketFactory;
  /**
   * Refresh the TURN credentials from the lobby at ~80 % of their life (default true), so a relay
   * fallback or ICE restart late in a long game uses valid ones: pass `() => client.turn?.iceServers`
   * (see `iceServers`) to the transport rather than a copy.
   */
  readonly refreshTurn?: boolean;
  /** Where handler exceptions go (default: console.error). */
  readonly onHandlerError?: (error: unknown) => void;
}

type RequestBody<K extends RequestType> = Omit<ClientMessageOf<K>, 't' | 'id'>;

export interface RoomListFilter {
  mode?: string;
  props?: RoomProps;
  notFull?: boolean;
  /** Also list rooms whose authority is reconnecting or gone (see `authorityStatus`). */
  includeUnavailable?: boolean;
  limit?: number;
}

export class LobbyClient {
  private readonly events: Emitter<LobbyClientEvents>;
  private readonly router: SignalRouter;
  private readonly socket: LobbySocket;
  private readonly pipes: RelayPipes;
  private welcomeMessage: WelcomeMessage | undefined;
  private currentRoom: RoomView | null = null;
  private currentJoinToken: string | null = null;
  private readonly turnRefresher: TurnRefresher | undefined;

  private constructor(options: LobbyClientOptions) {
    const report =
      options.onHandlerError ?? ((error: unknown) => console.error('lobby client handler failed', error));
    this.events = new Emitter({
      onHandlerError: report,
      timeoutError: (event, timeoutMs) =>
        new LobbyError('timeout', `no ${event} event within ${timeoutMs} ms`, {
          details: { event, timeoutMs },
        }),
    });
    this.router = new SignalRouter(report);
    if (options.refreshTurn ?? true) {
      this.turnRefresher = new TurnRefresher({
        refresh: () => this.refreshTurn(),
        refreshed: (turn) => this.events.emit('turn', turn),
        onError: (error) => this.events.emit('error', LobbyError.from(error)),
      });
    }
    const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
    if (urls.length === 0) throw new LobbyError('bad_request', 'no lobby URL given');
    this.socket = new LobbySocket(
      {
        urls,
        factory: options.createSocket ?? defaultSocketFactory,
        hello: {
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.auth === undefined ? {} : { auth: options.auth }),
          ...(options.role === undefined ? {} : { role: options.role }),
          ...(options.serverKey === undefined ? {} : { serverKey: options.serverKey }),
        },
        ...(options.resumeToken === undefined ? {} : { resumeToken: options.resumeToken }),
        reconnect: options.reconnect ?? true,
        reconnectDelayMs: options.reconnectDelayMs ?? 250,
        maxReconnectDelayMs: options.maxReconnectDelayMs ?? 5_000,
        requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
        ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
      },
      {
        welcome: (welcome, wasReconnect) => this.onWelcome(welcome, wasReconnect),
        serverMessage: (message) => this.onServerMessage(message),
        binary: (bytes) => {
          const frame = decodeRelayFrame(bytes);
          if (!('problem' in frame)) this.pipes.deliver(frame.peer, frame.payload, frame.reliable);
        },
        error: (error) => this.onUnansweredError(error),
        disconnected: (info) => {
          this.pipes.closeAll();
          this.events.emit('disconnected', info);
        },
        closed: (info) => {
          this.pipes.closeAll();
          this.turnRefresher?.stop();
          this.router.clear();
          this.events.emit('closed', info);
        },
      },
    );
    this.pipes = new RelayPipes(
      {
        sendBinary: (bytes) => this.socket.sendBinary(bytes),
        bufferedAmount: () => this.socket.bufferedAmount(),
      },
      report,
    );
  }

  /** Connects and says hello; resolves once the lobby welcomed this client. */
  static async connect(options: LobbyClientOptions): Promise<LobbyClient> {
    const client = new LobbyClient(options);
    await client.socket.open();
    return client;
  }

  get sessionId(): string {
    return this.welcomeMessage?.sessionId ?? '';
  }

  /** Resume token of this session (keep it to come back after a reload). */
  get token(): string | undefined {
    return this.socket.token;
  }

  get welcome(): WelcomeMessage | undefined {
    return this.welcomeMessage;
  }

  get room(): RoomView | null {
    return this.currentRoom;
  }

  /** Latest join token for the current room (show it to the room's authority). */
  get joinToken(): string | null {
    return this.currentJoinToken;
  }

  get joinKey(): JoinKeyJwk | undefined {
    return this.welcomeMessage?.joinKey;
  }

  get turn(): TurnCredentials | null {
    return this.turnRefresher?.latest ?? this.welcomeMessage?.turn ?? null;
  }

  get connected(): boolean {
    return this.socket.ready;
  }

  on<K extends keyof LobbyClientEvents>(event: K, handler: LobbyClientEvents[K]): () => void {
    return this.events.on(event, handler);
  }

  /**
   * Resolves with the arguments of the next `event` that passes `predicate`; rejects with a
   * LobbyError 'timeout' after `timeoutMs` (default 10 s) or with `signal.reason` when aborted.
   */
  waitFor<K extends keyof LobbyClientEvents>(
    event: K,
    options?: WaitForOptions<Parameters<LobbyClientEvents[K]>>,
  ): Promise<Parameters<LobbyClientEvents[K]>>;
  /** @deprecated Pass `{ predicate, timeoutMs }` instead. */
  waitFor<K extends keyof LobbyClientEvents>(
    event: K,
    predicate?: (...args: Parameters<LobbyClientEvents[K]>) => boolean,
    timeoutMs?: number,
  ): Promise<Parameters<LobbyClientEvents[K]>>;
  waitFor<K extends keyof LobbyClientEvents>(
    event: K,
    options?:
      | WaitForOptions<Parameters<LobbyClientEvents[K]>>
      | ((...args: Parameters<LobbyClientEvents[K]>) => boolean),
    timeoutMs?: number,
  ): Promise<Parameters<LobbyClientEvents[K]>> {
    const resolved = typeof options === 'object' ? options : { predicate: options, timeoutMs };
    return this.events.waitFor(event, { ...resolved, timeoutMs: resolved.timeoutMs ?? 10_000 });
  }

  // ---- requests ----------------------------------------------------------------------------

  request<K extends RequestType>(
    type: K,
    body: RequestBody<K>,
    timeoutMs?: number,
  ): Promise<RequestResults[K]> {
    return this.socket.request(type, body, timeoutMs) as Promise<RequestResults[K]>;
  }

  /** Round-trip time to the lobby in ms. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.request('ping', {});
    return performance.now() - started;
  }

  async createRoom(options: {
    mode: string;
    maxPlayers: number;
    public: boolean;
    props?: RoomProps;
  }): Promise<RoomView> {
    const { room, joinToken } = await this.request('room.create', options);
    this.setRoom(room, joinToken);
    return room;
  }

  async joinRoom(target: { roomId: string } | { code: string }): Promise<RoomView> {
    const { room, joinToken } = await this.request('room.join', target);
    this.setRoom(room, joinToken);
    return room;
  }

  async leaveRoom(): Promise<void> {
    await this.request('room.leave', {});
    this.setRoom(null, null);
  }

  /** The first page of public rooms whose authority is online (see `listRoomsPage` for more). */
  async listRooms(filter: RoomListFilter = {}): Promise<RoomSummary[]> {
    return (await this.request('room.list', filter)).rooms;
  }

  /** One page of public rooms; pass the page's `next` as `cursor` to read the following one. */
  listRoomsPage(filter: RoomListFilter & { cursor?: string } = {}): Promise<RoomPage> {
    return this.request('room.list', filter);
  }

  async kick(playerId: string): Promise<void> {
    await this.request('room.kick', { playerId });
  }

  /** Queues this player (or, as a room's host, the whole room as a party). */
  queue(options: {
    mode: string;
    regions?: RegionLatency[];
    rating?: number;
  }): Promise<RequestResults['queue.join']> {
    return this.request('queue.join', options);
  }

  async leaveQueue(): Promise<void> {
    await this.request('queue.leave', {});
  }

  async acceptMatch(matchId: string): Promise<void> {
    await this.request('match.accept', { matchId });
  }

  async declineMatch(matchId: string): Promise<void> {
    await this.request('match.decline', { matchId });
  }

  async refreshTurn(): Promise<TurnCredentials> {
    return (await this.request('turn.refresh', {})).turn;
  }

  /** Dedicated servers: announce region, public address and capacity. */
  async registerServer(options: {
    region: string;
    address: string;
    capacity: number;
    modes?: string[];
  }): Promise<string> {
    return (await this.request('server.register', options)).serverId;
  }

  async serverHeartbeat(load?: number): Promise<void> {
    await this.request('server.heartbeat', load === undefined ? {} : { load });
  }

  // ---- signaling -----------------------------------------------------------------------------

  /** A transport Signaler that reaches `peerId` through the lobby (same room only). */
  signalerFor(peerId: string): PeerSignaler {
    return new PeerSignaler(
      peerId,
      (to, message) => this.sendSignal(to, message),
      this.router,
      () => this.pipes.pipeFor(peerId, this.welcomeMessage?.relay ?? null, this.socket.url),
    );
  }

  /** A refused relay frame goes to its pipe (and so to the connection), not to `error` listeners. */
  private onUnansweredError(error: LobbyError): void {
    const peer = error.details['relayTo'];
    if (typeof peer === 'string') {
      this.pipes.refused(peer, {
        code: error.code,
        message: error.message,
        reliable: error.details['reliable'] === true,
      });
      return;
    }
    this.events.emit('error', error);
  }

  private sendSignal(to: string, message: SignalMessage): void {
    this.socket.send({ t: 'signal', to, data: message });
  }

  // ---- incoming -------------------------------------------------------------------------------

  private onWelcome(welcome: WelcomeMessage, wasReconnect: boolean): void {
    this.welcomeMessage = welcome;
    this.turnRefresher?.offer(welcome.turn);
    this.setRoom(welcome.room, welcome.joinToken);
    this.events.emit('welcome', welcome);
    if (wasReconnect) this.events.emit('reconnected', { resumed: welcome.resumed });
  }

  private onServerMessage(message: ServerMessage): void {
    switch (message.t) {
      case 'room.update':
        this.setRoom(message.room, message.joinToken ?? this.currentJoinToken);
        this.events.emit('roomUpdate', message);
        return;
      case 'room.left':
        if (this.currentRoom?.id === message.roomId) this.setRoom(null, null);
        this.events.emit('roomLeft', message);
        return;
      case 'signal':
        this.router.deliver(message.from, message.data);
        this.events.emit('signal', message.from, message.data);
        return;
      case 'queue.status':
        this.events.emit('queueStatus', message);
        return;
      case 'queue.left':
        this.events.emit('queueLeft', message);
        return;
      case 'match.found':
        this.events.emit('matchFound', message);
        return;
      case 'match.cancelled':
        this.events.emit('matchCancelled', message);
        return;
      case 'match.ready':
        this.setRoom(message.room, message.joinToken);
        this.events.emit('matchReady', message);
        return;
      case 'server.assign':
        this.events.emit('serverAssign', message);
        return;
      case 'welcome':
      case 'ok':
      case 'error':
        return; // handled by LobbySocket
    }
  }

  private setRoom(room: RoomView | null, joinToken: string | null): void {
    const changed = room !== this.currentRoom;
    this.currentRoom = room;
    this.currentJoinToken = joinToken;
    const peers = new Set(room ? room.members.map((m) => m.id) : []);
    if (room?.authority.kind === 'server') peers.add(room.authority.serverId);
    this.router.retainOnly(peers);
    if (changed) this.events.emit('room', room);
  }

  /** Closes for good (no reconnect). The session stays resumable for the grace period. */
  /**
   * The current TURN servers with the freshest credentials, as a function the transport calls at
   * each negotiation attempt (`connect({ iceServers: client.iceServers })`): a relay fallback or
   * ICE restart an hour into a game then allocates with credentials that are still valid.
   */
  readonly iceServers = (): IceServer[] => [...(this.turn?.iceServers ?? [])];

  close(): void {
    this.turnRefresher?.stop();
    this.socket.close();
  }
}

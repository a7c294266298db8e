// A player's whole journey through tickwire, the same in the browser and in a headless bot:
// connect to the lobby, quick-match or create/join a private room, then play against whoever the
// room's authority is: this very player (it hosts: an ArenaHost plus its own in-page connection),
// another player (P2P star), or a dedicated server. When the authority changes (the host left and
// the lobby picked another member) the session follows it; when the connection to the authority
// drops, it reconnects to the same seat. The lobby client's signaling carries WebRTC offers.
import { LobbyClient, verifyJoinToken } from '@tickwire/lobby-server/client';
import type { RoomView } from '@tickwire/lobby-server/client';
import { createSignalerPair } from '@tickwire/transport';
import type { Connection, ConnectionOptions } from '@tickwire/transport';
import { Emitter } from '@tickwire/transport/emitter';
import { Answerers } from './answerers.js';
import { recordMatch } from './carry.js';
import type { MatchRecord } from './carry.js';
import { ArenaClient } from './client.js';
import type { NetSwitches } from './client.js';
import { ConditionedConnection, NO_CONDITIONS } from './conditioner.js';
import type { LinkConditions } from './conditioner.js';
import { ArenaHost } from './host.js';

export const GAME_MODE = 'arena';

export const SessionState = {
  Menu: 'menu',
  Queue: 'queue',
  Connecting: 'connecting',
  Playing: 'playing',
  Reconnecting: 'reconnecting',
  Ended: 'ended',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

export interface SessionOptions {
  lobbyUrl: string;
  name: string;
  /** The transport's connect for this platform (browser or Node). */
  connect: (options: ConnectionOptions) => Connection;
  /** Quick match with nobody else queuing: play bots in a private room after this long (ms; 0 = never). */
  botsAfterMs?: number;
}

export interface SessionEvents {
  state: (state: SessionState) => void;
  /** Something the player should read (host left, reconnecting, refused...). */
  message: (text: string) => void;
  /** A new ArenaClient (first connect, reconnect, new host). */
  client: (client: ArenaClient) => void;
}

export class ArenaSession {
  state: SessionState = SessionState.Menu;
  message = '';
  host: ArenaHost | undefined;
  client: ArenaClient | undefined;
  conditions: LinkConditions = { ...NO_CONDITIONS };
  readonly switches: NetSwitches = { prediction: true, interpolation: true, lagCompensation: true };
  /** Connections to the authority made so far (reconnects and host changes add one each). */
  connects = 0;
  /** Why recent connections to the authority ended (newest last, at most 20): what a "reconnecting" was about. */
  readonly closes: { at: number; reason: string; code: string | undefined; message: string | undefined }[] =
    [];
  /** The last authoritative scoreboard and round clock seen: what this player carries on if it becomes host. */
  record: MatchRecord | undefined;
  private readonly events = new Emitter<SessionEvents>((error) => console.error(error));
  private authorityId: string | undefined;
  private answerers: Answerers | undefined;
  private localHostSide: Connection | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private botsTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectAttempts = 0;
  private ready = false;

  private constructor(
    readonly lobby: LobbyClient,
    private readonly options: SessionOptions,
  ) {
    lobby.on('room', (room) => this.onRoom(room));
    lobby.on('roomUpdate', (update) => {
      const id = update.playerId;
      if (id === undefined || this.host === undefined) return;
      if (update.reason === 'left' || update.reason === 'kicked' || update.reason === 'seat_freed')
        this.host.removePlayer(id);
    });
    lobby.on('matchFound', (found) => void lobby.acceptMatch(found.matchId).catch(() => {}));
    lobby.on('disconnected', () => this.say('lobby connection lost: reconnecting…'));
    lobby.on('reconnected', ({ resumed }) =>
      this.say(resumed ? 'lobby connection back' : 'lobby session expired: the seat is gone'),
    );
  }

  static async start(options: SessionOptions): Promise<ArenaSession> {
    const lobby = await LobbyClient.connect({ url: options.lobbyUrl, name: options.name });
    return new ArenaSession(lobby, options);
  }

  on<K extends keyof SessionEvents>(event: K, handler: SessionEvents[K]): () => void {
    return this.events.on(event, handler);
  }

  get room(): RoomView | null {
    return this.lobby.room;
  }

  get isHost(): boolean {
    return this.host !== undefined;
  }

  async createRoom(): Promise<RoomView> {
    return this.lobby.createRoom({ mode: GAME_MODE, maxPlayers: 16, public: false });
  }

  async joinRoom(code: string): Promise<RoomView> {
    return this.lobby.joinRoom({ code: code.trim().toUpperCase() });
  }

  /** Matchmaking; alone for `botsAfterMs`, it plays bots in a private room instead. */
  async quickMatch(): Promise<void> {
    this.setState(SessionState.Queue);
    await this.lobby.queue({ mode: GAME_MODE });
    const after = this.options.botsAfterMs ?? 8000;
    if (after <= 0) return;
    this.botsTimer = setTimeout(() => {
      if (this.state !== SessionState.Queue) return;
      void (async () => {
        await this.lobby.leaveQueue().catch(() => {});
        const room = await this.createRoom();
        this.addBots(3);
        this.say(`nobody else is queuing: playing bots in room ${room.code} (share the code to invite)`);
      })().catch((error: unknown) => this.say(`quick match failed: ${String(error)}`));
    }, after);
  }

  /** Host only: seats bots that play inside this host. */
  addBots(count: number): number {
    let added = 0;
    for (let i = 0; i < count; i++) if (this.host?.addBot() !== undefined) added++;
    return added;
  }

  setReady(ready: boolean): void {
    this.ready = ready;
    this.client?.send({ type: 'ready', ready });
  }

  chat(text: string): void {
    this.client?.send({ type: 'chat', text: text.slice(0, 200) });
  }

  setConditions(conditions: LinkConditions): void {
    this.conditions = { ...conditions };
    const connection = this.client?.connection;
    if (connection instanceof ConditionedConnection) connection.conditions = { ...conditions };
  }

  /** The lab's button: cuts this player's connection to the authority; the session reconnects. */
  dropConnection(): void {
    this.client?.connection.close();
  }

  async leave(): Promise<void> {
    this.host?.notice(`${this.options.name} (the host) left`);
    this.authorityId = undefined;
    this.teardown();
    this.record = undefined;
    clearTimeout(this.botsTimer);
    if (this.state === SessionState.Queue) await this.lobby.leaveQueue().catch(() => {});
    if (this.lobby.room !== null) await this.lobby.leaveRoom().catch(() => {});
    this.setState(SessionState.Menu);
  }

  close(): void {
    this.authorityId = undefined;
    clearTimeout(this.botsTimer);
    this.teardown();
    this.lobby.close();
  }

  private onRoom(room: RoomView | null): void {
    if (room === null) {
      if (this.authorityId !== undefined) this.say('you left the room');
      this.authorityId = undefined;
      this.teardown();
      this.record = undefined;
      this.setState(SessionState.Menu);
      return;
    }
    clearTimeout(this.botsTimer);
    const authority = room.authority.kind === 'player' ? room.authority.playerId : room.authority.serverId;
    if (authority === this.authorityId) return;
    const previous = this.authorityId;
    this.authorityId = authority;
    this.teardown();
    // A migration: the new host carries on the match it last saw (scores, round clock).
    const carry = previous !== undefined && this.record?.roomId === room.id ? this.record : undefined;
    if (previous !== undefined) {
      const who = room.members.find((m) => m.id === authority)?.name ?? 'another player';
      this.say(
        `the host left: ${authority === this.lobby.sessionId ? 'you host' : `${who} hosts`} now` +
          (carry !== undefined ? ' (the match goes on)' : ' (new round)'),
      );
    }
    if (room.authority.kind === 'player' && authority === this.lobby.sessionId) this.hostHere(room, carry);
    this.connectToAuthority();
  }

  /** This player is the room's authority: run the match here and accept the others' offers. */
  private hostHere(room: RoomView, carry: MatchRecord | undefined): void {
    const lobby = this.lobby;
    const me = lobby.sessionId;
    this.host = new ArenaHost({
      seed: Math.floor(Math.random() * 2 ** 31),
      ...(carry === undefined ? {} : { carry }),
      verify: async (token, key) => {
        const joinKey = lobby.joinKey;
        if (joinKey === undefined) throw new Error('no join key from the lobby');
        await verifyJoinToken(token, joinKey, { authorityId: me, roomId: room.id, playerId: key });
      },
    });
    const iceServers = lobby.turn ? [...lobby.turn.iceServers] : [];
    this.answerers = new Answerers(
      lobby,
      (peer) => lobby.room?.members.some((m) => m.id === peer) === true,
      (signaler, peer) => {
        const connection = this.options.connect({
          role: 'answerer',
          signaler,
          iceServers,
          label: `host<-${peer}`,
        });
        this.host?.accept(connection, peer);
        return connection;
      },
    );
  }

  private connectToAuthority(): void {
    const authority = this.authorityId;
    if (authority === undefined) return;
    this.connects++;
    let connection: Connection;
    if (this.host !== undefined) {
      // The host plays too, through a real WebRTC pair inside this page: same code path as everybody.
      const [a, b] = createSignalerPair();
      this.localHostSide?.close();
      this.localHostSide = this.options.connect({ role: 'answerer', signaler: a, label: 'host<-self' });
      this.host.accept(this.localHostSide, this.lobby.sessionId, true);
      connection = this.options.connect({ role: 'offerer', signaler: b, label: 'self->host' });
    } else {
      const iceServers = this.lobby.turn ? [...this.lobby.turn.iceServers] : [];
      connection = this.options.connect({
        role: 'offerer',
        signaler: this.lobby.signalerFor(authority),
        iceServers,
        label: `->${authority.slice(0, 6)}`,
      });
    }
    const conditioned = new ConditionedConnection(connection);
    conditioned.conditions = { ...this.conditions };
    const client = new ArenaClient(conditioned, {
      name: this.options.name,
      token: this.lobby.joinToken ?? '',
    });
    Object.assign(client.switches, this.switches);
    if (this.client !== undefined) this.keepRecord(this.client);
    this.client = client;
    this.setState(this.reconnectAttempts > 0 ? SessionState.Reconnecting : SessionState.Connecting);
    client.on('event', (event) => {
      if (client !== this.client) return;
      if (event.type === 'welcome') {
        this.reconnectAttempts = 0;
        if (this.ready) client.send({ type: 'ready', ready: true });
        this.setState(SessionState.Playing);
      } else if (event.type === 'notice') this.say(event.text);
    });
    client.on('refused', (reason) => {
      if (client !== this.client) return;
      this.authorityId = undefined;
      this.say(`refused by the host: ${reason}`);
      this.setState(SessionState.Ended);
    });
    connection.on('close', ({ reason, error }) => {
      this.closes.push({ at: Date.now(), reason, code: error?.code, message: error?.message });
      if (this.closes.length > 20) this.closes.shift();
      if (client !== this.client || this.authorityId !== authority) return;
      this.scheduleReconnect();
    });
    this.events.emit('client', client);
  }

  private scheduleReconnect(): void {
    this.reconnectAttempts++;
    if (this.reconnectAttempts > 8) {
      this.say('lost the connection to the host for good');
      this.authorityId = undefined;
      this.setState(SessionState.Ended);
      return;
    }
    this.say('connection lost: reconnecting…');
    this.setState(SessionState.Reconnecting);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(
      () => this.connectToAuthority(),
      Math.min(4000, 300 * 2 ** (this.reconnectAttempts - 1)),
    );
  }

  /** Keeps what `client` last saw of the match (if it saw any): the record a new host starts from. */
  private keepRecord(client: ArenaClient): void {
    const room = this.lobby.room;
    const view = client.latestView();
    if (room === null || view === undefined || client.roster.length === 0) return;
    this.record = recordMatch(room.id, view, client.roster);
  }

  private teardown(): void {
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) this.keepRecord(client);
    client?.close();
    this.localHostSide?.close();
    this.localHostSide = undefined;
    this.answerers?.close();
    this.answerers = undefined;
    this.host?.close();
    this.host = undefined;
    this.reconnectAttempts = 0;
  }

  private say(text: string): void {
    this.message = text;
    this.events.emit('message', text);
  }

  private setState(state: SessionState): void {
    if (state === this.state) return;
    this.state = state;
    this.events.emit('state', state);
  }
}

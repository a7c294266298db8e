// The authority for one match, the same code in a player's browser (P2P star host) and in the
// dedicated Node server: runs the simulation at 60 Hz, syncs its entities to every player with
// tickwire's createSyncServer at 30 Hz over the unreliable channel, takes each player's typed
// inputs, and sends kills, chat and round events over the reliable channel (server.emit). It only
// talks to the Connection interface, so it never knows which platform it runs on. It must never
// trust a player: every input and message is checked, and what is refused is counted per seat.
import { createSyncServer, SeatGuard } from '@tickwire/transport';
import type { Connection, EntityHandle, SyncServer, SyncServerClient } from '@tickwire/transport';
import { Emitter } from '@tickwire/transport/emitter';
import { botInput, Game, MAX_REWIND_TICKS, Phase, SNAPSHOT_HZ, TICK_HZ, parseInput } from '../sim/index.js';
import type { GameEvent, PlayerInput } from '../sim/index.js';
import type { CarriedSeat, MatchRecord } from './carry.js';
import { LIMITS, parseClientMessage } from './messages.js';
import type { HostEvent, RosterEntry } from './messages.js';
import { pathTypeOf } from './path.js';
import { Seats } from './players.js';
import type { RefusedCounters, Seat, SeatReport } from './players.js';
import { arenaInput, arenaSchema, VIEW_TICK_MOD } from './schema.js';
import type { ArenaInput, ArenaSchema } from './schema.js';

/** Simulation steps per sync tick (60 Hz simulation, 30 Hz snapshots). */
const SUBSTEPS = TICK_HZ / SNAPSHOT_HZ;
/** Inputs held back per player before its ship moves again after running dry (~50 ms of jitter). */
const JITTER_INPUTS = 3;
/** A player with more inputs queued than this is flooding: the excess is discarded and counted. */
const MAX_QUEUED_INPUTS = 30;
const CHAT_PER_10S = 5;

export interface ArenaHostOptions {
  seed?: number;
  roundSeconds?: number;
  /** Resolves when `token` seats the lobby session `key` in this match; rejects otherwise. */
  verify?: (token: string, key: string) => Promise<void>;
  /** How long a disconnected player keeps its seat (default 30 s). */
  graceMs?: number;
  /** Players (bots included) needed before a round starts once everybody is ready (default 2). */
  minPlayers?: number;
  /**
   * Whether the match runs its own 30 Hz timer (default true, as in a browser host). A server
   * with many matches passes false and calls step() for all of them from one loop.
   */
  ownTimer?: boolean;
  /**
   * The match another host ran (host migration): the round clock goes on from it, its bots are
   * seated again, and each player who comes back gets its score, deaths and ready flag.
   */
  carry?: MatchRecord;
}

export interface ArenaHostEvents {
  game: (event: GameEvent) => void;
  roster: (players: RosterEntry[]) => void;
  /** A player got (or got back) its seat. */
  joined: (seat: Seat) => void;
  left: (seat: Seat, reason: 'left' | 'timeout') => void;
}

export interface ArenaHostStats {
  tick: number;
  players: number;
  /** Refused inputs and messages, summed over seats (and over connections never seated). */
  refused: RefusedCounters;
  /** Input packets the sync layer dropped whole (malformed bytes, out-of-range values). */
  rejectedPackets: number;
  /** Inputs the sync layer's bounded queue or per-tick input budget refused (a flood). */
  inputOverflow: number;
  /** Input packets the sync layer dropped undecoded, over its per-tick packet budget. */
  packetsOverBudget: number;
  /** Players cut off by the sync layer (a persistent flood, or no snapshot acknowledged for 10 s). */
  violations: number;
  /** Connections that replaced an earlier connection of the same seat (one join token, two connections). */
  replacedConnections: number;
  /** Time the last tick took, ms. */
  tickMs: number;
  /** Each seat: its applied inputs, fire inputs, shots and hits, and the sync layer's input counts. */
  seats: SeatReport[];
}

export class ArenaHost {
  readonly game: Game;
  readonly server: SyncServer<ArenaSchema, ArenaInput>;
  readonly seats = new Seats();
  private readonly events = new Emitter<ArenaHostEvents>((error) => console.error(error));
  private readonly ships = new Map<number, EntityHandle<ArenaSchema, 'ship'>>();
  private readonly bullets = new Map<number, EntityHandle<ArenaSchema, 'bullet'>>();
  private readonly pickups: EntityHandle<ArenaSchema, 'pickup'>[];
  private readonly match: EntityHandle<ArenaSchema, 'match'>;
  /** Refusals from connections that never got a seat (bad hello, junk before hello). */
  private readonly loose: RefusedCounters = {
    badInputs: 0,
    floodedInputs: 0,
    badMessages: 0,
    chatLimited: 0,
  };
  private readonly departed: RefusedCounters = {
    badInputs: 0,
    floodedInputs: 0,
    badMessages: 0,
    chatLimited: 0,
  };
  private readonly peerSlot = new Map<number, number>();
  private tickMs = 0;
  private violations = 0;
  /** Sync-layer counters of clients that are gone (cut off, replaced, disconnected). */
  private readonly departedSync = { rejectedPackets: 0, inputOverflow: 0, packetsOverBudget: 0 };
  /** The lobby session each connection signaled from, for the seat guard's verify. */
  private readonly keys = new WeakMap<Connection, string>();
  /**
   * One live connection per seat: a second connection with the same join token replaces the first
   * (a reconnecting player gets back in at once), and the first is closed.
   */
  private readonly guard = new SeatGuard<string>({
    verify: async (token, connection) => {
      const key = this.keys.get(connection);
      if (key === undefined || this.options.verify === undefined) throw new Error('no verifier');
      await this.options.verify(token, key);
      return key;
    },
  });
  private rosterTimer: ReturnType<typeof setInterval> | undefined;
  private botCount = 0;
  private closed = false;
  /** Carried scores of players not seated again yet (host migration), by lobby session id. */
  private readonly carried = new Map<string, CarriedSeat>();

  constructor(private readonly options: ArenaHostOptions = {}) {
    this.game = new Game({
      seed: options.seed ?? 1,
      warmup: true,
      ...(options.roundSeconds === undefined ? {} : { roundTicks: options.roundSeconds * TICK_HZ }),
    });
    this.server = createSyncServer({
      schema: arenaSchema,
      input: arenaInput,
      tickRate: SNAPSHOT_HZ,
      interest: (peer, entity, detail) => this.interested(peer.id, entity, detail),
    });
    const world = this.server.world;
    this.pickups = this.game.pickups.map((p) =>
      world.spawn('pickup', { x: p.x, y: p.y, kind: p.kind, active: p.active }),
    );
    this.match = world.spawn('match', { round: 1, phase: 'warmup', secondsLeft: 0, simTick: 0 });
    if (options.carry !== undefined) this.carryOn(options.carry);
    this.server.on('violation', () => this.violations++);
    this.server.on('leave', (client) => {
      const s = client.stats();
      for (const n of Object.values(s.rejected)) this.departedSync.rejectedPackets += n ?? 0;
      this.departedSync.inputOverflow += s.inputs.overflow + s.inputs.overBudget;
      this.departedSync.packetsOverBudget += s.guard.packetsOverBudget;
    });
    if (options.ownTimer !== false) {
      this.server.on('tick', () => this.tick());
      this.server.start();
    }
    this.rosterTimer = setInterval(() => this.refreshRoster(), 1000);
  }

  on<K extends keyof ArenaHostEvents>(event: K, handler: ArenaHostEvents[K]): () => void {
    return this.events.on(event, handler);
  }

  /**
   * Takes a player's connection. Nothing is synced to it until it says hello with a join token
   * that `verify` accepts for lobby session `key` (or `trusted`: the host's own in-page player).
   */
  accept(connection: Connection, key: string, trusted = false): void {
    this.keys.set(connection, key);
    let seat: Seat | undefined;
    let hello = false;
    const offMessage = connection.on('message', ({ channel, raw, data }) => {
      if (channel !== 'reliable' || raw) return;
      const message = parseClientMessage(data);
      const counters = seat?.refused ?? this.loose;
      if (message === undefined) {
        counters.badMessages++;
        return;
      }
      if (message.type === 'hello') {
        if (hello) return;
        hello = true;
        void this.seat(connection, key, message.name, message.token, trusted).then((s) => (seat = s));
        return;
      }
      // Nothing before the seat, and nothing from a connection its seat has moved on from.
      if (seat === undefined || seat.client?.connection !== connection) {
        counters.badMessages++;
        return;
      }
      switch (message.type) {
        case 'ready':
          seat.ready = message.ready;
          this.refreshRoster();
          return;
        case 'chat':
          this.chat(seat, message.text);
          return;
        case 'report':
          seat.corrections = message.corrections;
          return;
      }
    });
    const offClose = connection.on('close', () => {
      offMessage();
      offClose();
      if (seat !== undefined && seat.client?.connection === connection) this.disconnect(seat);
    });
  }

  private async seat(
    connection: Connection,
    key: string,
    name: string,
    token: string,
    trusted: boolean,
  ): Promise<Seat | undefined> {
    const refuse = (reason: string) => {
      if (connection.state === 'open') connection.send('reliable', { type: 'refused', reason });
      setTimeout(() => connection.close(), 200);
      return undefined;
    };
    if (!trusted) {
      if (this.options.verify === undefined) return refuse('this match accepts nobody from outside');
      try {
        await this.guard.admit(connection, token);
      } catch {
        this.loose.badMessages++;
        return refuse('join token refused');
      }
    }
    if (this.closed || connection.state === 'closed' || connection.state === 'failed') return undefined;
    const cleanName =
      name
        .replace(/[\u0000-\u001f]/g, '')
        .trim()
        .slice(0, LIMITS.name) || 'player';
    let seat = this.seats.byKey(key);
    let carried: CarriedSeat | undefined;
    if (seat === undefined) {
      seat = this.seats.add(key, cleanName, false);
      if (seat === undefined) return refuse('the match is full');
      carried = this.carried.get(key);
      this.carried.delete(key);
      if (carried !== undefined) seat.ready = carried.ready;
    }
    seat.client?.remove();
    seat.leftAt = undefined;
    const client = this.server.addClient(connection);
    seat.client = client;
    this.peerSlot.set(client.id, seat.slot);
    if (!this.game.ships.has(seat.slot)) this.spawnShip(seat, carried);
    // The sync layer tells the client which entity is its own ship (sync.self on its side).
    client.setEntity(this.ships.get(seat.slot));
    const placed = seat;
    void pathTypeOf(connection).then((path) => (placed.path = path));
    this.emitTo(client, { type: 'welcome', slot: seat.slot });
    this.refreshRoster();
    this.events.emit('joined', seat);
    return seat;
  }

  /** Seats a bot that plays inside this host (no network); undefined when full. */
  addBot(): Seat | undefined {
    this.botCount++;
    const seat = this.seats.add(`bot:${this.botCount}`, `bot ${this.botCount}`, true);
    if (seat === undefined) return undefined;
    this.spawnShip(seat);
    this.refreshRoster();
    return seat;
  }

  /**
   * Seeds this new host with the match the old one ran: same round, phase and clock; the old
   * host's bots take their seats again with their scores; players get theirs when they connect.
   */
  private carryOn(record: MatchRecord): void {
    this.game.resume(record.round, record.phase, record.secondsLeft * TICK_HZ);
    for (const carried of record.seats) {
      if (!carried.bot) {
        this.carried.set(carried.key, carried);
        continue;
      }
      const n = /^bot:(\d+)$/.exec(carried.key);
      if (n !== null) this.botCount = Math.max(this.botCount, Number(n[1]));
      const seat = this.seats.add(carried.key, carried.name, true);
      if (seat !== undefined) this.spawnShip(seat, carried);
    }
  }

  /** A player left for good (the lobby said so): its seat and ship go now. */
  removePlayer(key: string): void {
    this.carried.delete(key);
    const seat = this.seats.byKey(key);
    if (seat !== undefined) this.free(seat, 'left');
  }

  /** Tells every player something (host leaving, server shutting down...). */
  notice(text: string): void {
    this.emitTo(undefined, { type: 'notice', text: text.slice(0, LIMITS.notice) });
  }

  stats(): ArenaHostStats {
    const refused = { ...this.loose };
    let { rejectedPackets, inputOverflow, packetsOverBudget } = this.departedSync;
    const add = (c: RefusedCounters) => {
      refused.badInputs += c.badInputs;
      refused.floodedInputs += c.floodedInputs;
      refused.badMessages += c.badMessages;
      refused.chatLimited += c.chatLimited;
    };
    add(this.departed);
    for (const seat of this.seats.all()) {
      add(seat.refused);
      const s = seat.client?.stats();
      if (s === undefined) continue;
      for (const n of Object.values(s.rejected)) rejectedPackets += n ?? 0;
      inputOverflow += s.inputs.overflow + s.inputs.overBudget;
      packetsOverBudget += s.guard.packetsOverBudget;
    }
    return {
      tick: this.game.tick,
      players: this.seats.size,
      refused,
      rejectedPackets,
      inputOverflow,
      packetsOverBudget,
      violations: this.violations,
      replacedConnections: this.guard.stats().replaced,
      tickMs: this.tickMs,
      seats: this.seats.reports(),
    };
  }

  /** One authority tick now (two simulation steps, then the snapshots), for an outside loop. */
  step(): void {
    if (this.closed) return;
    this.tick();
    this.server.step();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.rosterTimer);
    this.server.close();
  }

  private tick(): void {
    const started = performance.now();
    const happened: GameEvent[] = [];
    for (let sub = 0; sub < SUBSTEPS; sub++) {
      for (const seat of this.seats.all()) {
        const inputs = seat.bot
          ? [this.botDecision(seat)]
          : seat.client === undefined
            ? []
            : this.takeInputs(seat);
        for (const input of inputs) {
          const played = seat.played;
          played.inputs++;
          if (input.fire) played.fireInputs++;
          if (this.game.applyInput(seat.slot, input)) played.shots++;
        }
      }
      const events = this.game.step();
      for (const event of events)
        if (event.kind === 'hit') {
          const shooter = this.seats.get(event.shooter);
          if (shooter !== undefined) shooter.played.hits++;
        }
      happened.push(...events);
    }
    this.expireSeats();
    this.maybeStartRound();
    this.syncEntities();
    for (const event of happened) this.broadcast(event);
    this.tickMs = performance.now() - started;
  }

  /**
   * This sim step's inputs of one player: one a step, from a small jitter buffer, so a ship moves
   * evenly for everybody else however bunched its inputs arrive; two a step while the buffer runs
   * long (catching up), none while it refills after running dry. Inputs are taken from the sync
   * layer only when applied, so the input ack in each snapshot names exactly what was applied and
   * the player's prediction replays the rest.
   */
  private takeInputs(seat: Seat): PlayerInput[] {
    const client = seat.client!;
    let pending = client.stats().inputs.pending;
    if (pending > MAX_QUEUED_INPUTS) {
      seat.refused.floodedInputs += client.takeInputs(pending - JITTER_INPUTS).length;
      pending = JITTER_INPUTS;
    }
    if (pending === 0) seat.primed = false;
    else if (!seat.primed && pending >= JITTER_INPUTS) seat.primed = true;
    if (!seat.primed) return [];
    const out: PlayerInput[] = [];
    for (const { input } of client.takeInputs(pending > JITTER_INPUTS * 2 ? 2 : 1)) {
      // How far the player's view was behind this tick: the rewind for its shots.
      const behind = (((this.game.tick - input.view) % VIEW_TICK_MOD) + VIEW_TICK_MOD) % VIEW_TICK_MOD;
      const { view: _view, rewind, ...rest } = input;
      const valid = parseInput({ ...rest, lag: rewind && behind <= MAX_REWIND_TICKS * 2 ? behind : 0 });
      if (valid === undefined) seat.refused.badInputs++;
      else out.push(valid);
    }
    return out;
  }

  private botDecision(seat: Seat): PlayerInput {
    const self = this.game.ships.get(seat.slot);
    if (self === undefined) return { mx: 0, my: 0, aim: 0, fire: false, lag: 0 };
    const others = [...this.game.ships.values()].filter((s) => s.id !== seat.slot);
    return botInput({ self, others, pickups: this.game.pickups, tick: this.game.tick }, seat.slot);
  }

  private spawnShip(seat: Seat, carried?: CarriedSeat): void {
    const ship = this.game.addPlayer(seat.slot, seat.name);
    if (carried !== undefined) {
      ship.score = carried.score;
      ship.deaths = carried.deaths;
    }
    const handle = this.server.world.spawn('ship', {
      x: ship.x,
      y: ship.y,
      vx: 0,
      vy: 0,
      angle: 0,
      hp: ship.hp,
      alive: true,
      rapid: false,
      player: seat.slot,
      score: Math.min(1023, ship.score),
      deaths: Math.min(1023, ship.deaths),
      name: seat.name,
    });
    this.ships.set(seat.slot, handle);
  }

  private syncEntities(): void {
    const game = this.game;
    for (const [slot, handle] of this.ships) {
      const ship = game.ships.get(slot);
      if (ship === undefined) continue;
      const s = handle.state;
      s.x = ship.x;
      s.y = ship.y;
      s.vx = ship.vx;
      s.vy = ship.vy;
      s.angle = ship.angle;
      s.hp = ship.hp;
      s.alive = ship.alive;
      s.rapid = game.tick < ship.rapidUntil;
      s.score = Math.min(1023, ship.score);
      s.deaths = Math.min(1023, ship.deaths);
      s.name = ship.name;
    }
    for (const [id, handle] of this.bullets) {
      const bullet = game.bullets.get(id);
      if (bullet === undefined) {
        this.server.world.despawn(handle.id);
        this.bullets.delete(id);
        continue;
      }
      handle.state.x = bullet.x;
      handle.state.y = bullet.y;
    }
    for (const bullet of game.bullets.values()) {
      if (this.bullets.has(bullet.id)) continue;
      this.bullets.set(
        bullet.id,
        this.server.world.spawn('bullet', { x: bullet.x, y: bullet.y, owner: bullet.owner }),
      );
    }
    game.pickups.forEach((p, i) => (this.pickups[i]!.state.active = p.active));
    const m = this.match.state;
    m.round = game.round;
    m.phase = game.phase;
    m.secondsLeft = Math.min(1023, game.secondsLeft());
    m.simTick = game.tick;
  }

  private interested(peerId: number, entity: EntityHandle<ArenaSchema>, detail: number): boolean {
    if (entity.type !== 'bullet') return true;
    // Under congestion (detail < 1) a player first stops getting bullets far from its ship.
    const own = this.game.ships.get(this.peerSlot.get(peerId) ?? -1);
    if (own === undefined || detail >= 1) return true;
    const bullet = entity.state as { x: number; y: number };
    return Math.hypot(bullet.x - own.x, bullet.y - own.y) < 500 + 1000 * detail;
  }

  private maybeStartRound(): void {
    if (this.game.phase !== Phase.Warmup) return;
    const seats = [...this.seats.all()];
    if (seats.length < (this.options.minPlayers ?? 2)) return;
    if (seats.every((s) => s.ready && (s.bot || s.leftAt === undefined))) this.game.startRound();
  }

  private chat(seat: Seat, text: string): void {
    const now = performance.now();
    seat.chatTimes = seat.chatTimes.filter((t) => now - t < 10_000);
    if (seat.chatTimes.length >= CHAT_PER_10S) {
      seat.refused.chatLimited++;
      return;
    }
    seat.chatTimes.push(now);
    this.emitTo(undefined, { type: 'chat', from: seat.name, text });
  }

  private disconnect(seat: Seat): void {
    seat.client?.remove();
    seat.client = undefined;
    seat.leftAt = performance.now();
    this.notice(`${seat.name} lost connection`);
    this.refreshRoster();
  }

  private expireSeats(): void {
    const now = performance.now();
    for (const seat of [...this.seats.all()]) {
      if (seat.leftAt !== undefined && now - seat.leftAt > (this.options.graceMs ?? 30_000))
        this.free(seat, 'timeout');
    }
  }

  private free(seat: Seat, reason: 'left' | 'timeout'): void {
    seat.client?.remove();
    seat.client = undefined;
    const counters = seat.refused;
    this.departed.badInputs += counters.badInputs;
    this.departed.floodedInputs += counters.floodedInputs;
    this.departed.badMessages += counters.badMessages;
    this.departed.chatLimited += counters.chatLimited;
    this.seats.remove(seat.slot);
    this.game.removePlayer(seat.slot);
    const handle = this.ships.get(seat.slot);
    if (handle !== undefined) this.server.world.despawn(handle.id);
    this.ships.delete(seat.slot);
    this.notice(`${seat.name} left the match`);
    this.refreshRoster();
    this.events.emit('left', seat, reason);
  }

  private refreshRoster(): void {
    for (const seat of this.seats.all()) {
      const connection = seat.client?.connection;
      if (connection === undefined) continue;
      const s = connection.stats();
      seat.ping = s.srttMs ?? s.rttMs ?? 0;
      // The pair may not be selected yet right after open: ask again until it is known.
      if (seat.path === 'unknown') void pathTypeOf(connection).then((path) => (seat.path = path));
    }
    const players = this.seats.roster();
    this.emitTo(undefined, { type: 'roster', players });
    this.events.emit('roster', players);
  }

  private broadcast(event: GameEvent): void {
    this.events.emit('game', event);
    const name = (slot: number | undefined) =>
      slot === undefined ? null : (this.seats.get(slot)?.name ?? null);
    switch (event.kind) {
      case 'hit':
        this.emitTo(undefined, { type: 'hit', shooter: event.shooter, target: event.target, hp: event.hp });
        return;
      case 'kill':
        this.emitTo(undefined, { type: 'kill', killer: event.killer, victim: event.victim });
        return;
      case 'round-end':
        this.emitTo(undefined, {
          type: 'round',
          phase: 'end',
          round: event.round,
          winner: name(event.winner),
        });
        return;
      case 'round-start':
        this.emitTo(undefined, { type: 'round', phase: 'start', round: event.round, winner: null });
        return;
      case 'pickup':
        return;
    }
  }

  private emitTo(client: SyncServerClient<ArenaInput> | undefined, event: HostEvent): void {
    if (this.closed) return;
    if (client !== undefined) this.server.emit(event, { to: client });
    else if (this.server.clients.size > 0) this.server.emit(event);
  }
}

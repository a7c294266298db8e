// The arena's rules: ships, projectiles, hits, health, respawn, score, pickups and timed rounds,
// advanced one fixed tick at a time. Deterministic: the same seed and the same inputs in the same
// order give the same state on any machine. No networking, no clock, no rendering here.
import { ARENA, BULLET, DT, PICKUP, ROUND, SHIP, TICK_HZ } from './constants.js';
import { PositionHistory } from './history.js';
import { findHit } from './hits.js';
import { Rng } from './rng.js';
import { moveShip } from './ship.js';
import { Phase, PickupKind } from './types.js';
import type { Bullet, GameEvent, Pickup, PlayerInput, Ship } from './types.js';

export interface GameOptions {
  seed: number;
  /** Round length in ticks (default ROUND.ticks). */
  roundTicks?: number;
  lagCompensation?: boolean;
  /** Start in warm-up (no clock, until startRound) instead of a running round. */
  warmup?: boolean;
}

const PICKUP_SPOTS: readonly { kind: PickupKind; x: number; y: number }[] = [
  { kind: PickupKind.Heal, x: ARENA.width * 0.25, y: ARENA.height * 0.5 },
  { kind: PickupKind.Heal, x: ARENA.width * 0.75, y: ARENA.height * 0.5 },
  { kind: PickupKind.Rapid, x: ARENA.width * 0.5, y: ARENA.height * 0.2 },
  { kind: PickupKind.Rapid, x: ARENA.width * 0.5, y: ARENA.height * 0.8 },
];

export class Game {
  tick = 0;
  round = 1;
  phase: Phase = Phase.Playing;
  /** Tick at which the current phase ends. */
  phaseEndTick: number;
  lagCompensation: boolean;
  readonly ships = new Map<number, Ship>();
  readonly bullets = new Map<number, Bullet>();
  readonly pickups: Pickup[];
  readonly history = new PositionHistory();
  private readonly rng: Rng;
  private readonly roundTicks: number;
  private nextBulletId = 1;
  /** Events raised between steps (startRound called by the host), reported with the next step. */
  private pendingEvents: GameEvent[] = [];

  constructor(options: GameOptions) {
    this.rng = new Rng(options.seed);
    this.roundTicks = options.roundTicks ?? ROUND.ticks;
    this.phase = options.warmup === true ? Phase.Warmup : Phase.Playing;
    this.phaseEndTick = options.warmup === true ? Infinity : this.roundTicks;
    this.lagCompensation = options.lagCompensation ?? true;
    this.pickups = PICKUP_SPOTS.map((spot, i) => ({ id: i + 1, ...spot, active: true, respawnTick: 0 }));
  }

  addPlayer(id: number, name: string): Ship {
    const ship: Ship = {
      id,
      name,
      x: 0,
      y: 0,
      vx: 0,
      vy: 0,
      angle: 0,
      alive: true,
      hp: SHIP.maxHp,
      score: 0,
      deaths: 0,
      respawnTick: 0,
      nextFireTick: 0,
      rapidUntil: 0,
    };
    this.place(ship);
    this.ships.set(id, ship);
    return ship;
  }

  removePlayer(id: number): void {
    this.ships.delete(id);
  }

  /**
   * Applies one input of player `id`: moves its ship and maybe fires. True when it fired a shot (the
   * authority counts what each player's fire inputs became).
   */
  applyInput(id: number, input: PlayerInput): boolean {
    const ship = this.ships.get(id);
    if (ship === undefined || !ship.alive) return false;
    Object.assign(ship, moveShip(ship, input));
    if (input.fire && this.phase !== Phase.Intermission && this.tick >= ship.nextFireTick) {
      const rapid = this.tick < ship.rapidUntil;
      ship.nextFireTick = this.tick + (rapid ? SHIP.rapidCooldownTicks : SHIP.fireCooldownTicks);
      const dx = Math.cos(input.aim);
      const dy = Math.sin(input.aim);
      const bullet: Bullet = {
        id: this.nextBulletId++,
        owner: id,
        x: ship.x + dx * (SHIP.radius + BULLET.radius + 1),
        y: ship.y + dy * (SHIP.radius + BULLET.radius + 1),
        vx: dx * BULLET.speed,
        vy: dy * BULLET.speed,
        expiresTick: this.tick + BULLET.ttlTicks,
        lag: input.lag,
      };
      this.bullets.set(bullet.id, bullet);
      return true;
    }
    return false;
  }

  /** Advances the world one tick (after this tick's inputs were applied); returns what happened. */
  step(): GameEvent[] {
    const events: GameEvent[] = this.pendingEvents;
    this.pendingEvents = [];
    this.tick++;
    this.stepBullets(events);
    this.stepShips(events);
    this.stepPickups(events);
    this.stepRound(events);
    this.history.record(this.tick, this.ships.values());
    return events;
  }

  private stepBullets(events: GameEvent[]): void {
    for (const bullet of this.bullets.values()) {
      bullet.x += bullet.vx * DT;
      bullet.y += bullet.vy * DT;
      const out = bullet.x < 0 || bullet.y < 0 || bullet.x > ARENA.width || bullet.y > ARENA.height;
      if (out || this.tick >= bullet.expiresTick) {
        this.bullets.delete(bullet.id);
        continue;
      }
      const target = findHit(bullet, this.ships.values(), this.history, this.tick, this.lagCompensation);
      if (target === undefined) continue;
      this.bullets.delete(bullet.id);
      target.hp = Math.max(0, target.hp - BULLET.damage);
      events.push({
        kind: 'hit',
        shooter: bullet.owner,
        target: target.id,
        bullet: bullet.id,
        hp: target.hp,
      });
      if (target.hp === 0) {
        target.alive = false;
        target.vx = 0;
        target.vy = 0;
        target.deaths++;
        target.respawnTick = this.tick + SHIP.respawnTicks;
        const killer = this.ships.get(bullet.owner);
        if (killer !== undefined) killer.score++;
        events.push({ kind: 'kill', killer: bullet.owner, victim: target.id });
      }
    }
  }

  private stepShips(_events: GameEvent[]): void {
    for (const ship of this.ships.values()) {
      if (!ship.alive && this.tick >= ship.respawnTick) this.place(ship);
    }
  }

  private stepPickups(events: GameEvent[]): void {
    for (const pickup of this.pickups) {
      if (!pickup.active) {
        if (this.tick >= pickup.respawnTick) pickup.active = true;
        continue;
      }
      for (const ship of this.ships.values()) {
        if (!ship.alive || Math.hypot(ship.x - pickup.x, ship.y - pickup.y) > SHIP.radius + PICKUP.radius)
          continue;
        if (pickup.kind === PickupKind.Heal && ship.hp >= SHIP.maxHp) continue;
        if (pickup.kind === PickupKind.Heal) ship.hp = Math.min(SHIP.maxHp, ship.hp + PICKUP.heal);
        else ship.rapidUntil = this.tick + SHIP.rapidTicks;
        pickup.active = false;
        pickup.respawnTick = this.tick + PICKUP.respawnTicks;
        events.push({ kind: 'pickup', player: ship.id, pickup: pickup.kind });
        break;
      }
    }
  }

  private stepRound(events: GameEvent[]): void {
    if (this.tick < this.phaseEndTick) return;
    if (this.phase === Phase.Intermission) {
      this.startRound();
      events.push(...this.pendingEvents);
      this.pendingEvents = [];
      return;
    }
    let winner: Ship | undefined;
    for (const ship of this.ships.values())
      if (winner === undefined || ship.score > winner.score) winner = ship;
    events.push({ kind: 'round-end', round: this.round, winner: winner?.id });
    this.phase = Phase.Intermission;
    this.phaseEndTick = this.tick + ROUND.intermissionTicks;
    this.bullets.clear();
  }

  /** Starts a timed round now (from warm-up or intermission): scores reset, everybody respawns. */
  startRound(): void {
    if (this.phase !== Phase.Warmup) this.round++;
    this.phase = Phase.Playing;
    this.phaseEndTick = this.tick + this.roundTicks;
    for (const ship of this.ships.values()) {
      ship.score = 0;
      ship.deaths = 0;
      this.place(ship);
    }
    this.bullets.clear();
    this.pendingEvents.push({ kind: 'round-start', round: this.round });
  }

  /**
   * Carries on a match another authority ran (host migration): the round number, its phase and
   * the ticks left in it. Scores are the caller's to set on the ships; nothing respawns.
   */
  resume(round: number, phase: Phase, ticksLeft: number): void {
    this.round = round;
    this.phase = phase;
    this.phaseEndTick = phase === Phase.Warmup ? Infinity : this.tick + Math.max(1, ticksLeft);
  }

  /** Puts a ship at a fresh spawn point with full health. */
  private place(ship: Ship): void {
    const margin = 80;
    ship.x = this.rng.range(margin, ARENA.width - margin);
    ship.y = this.rng.range(margin, ARENA.height - margin);
    ship.vx = 0;
    ship.vy = 0;
    ship.alive = true;
    ship.hp = SHIP.maxHp;
  }

  /** Seconds left in the current phase. */
  secondsLeft(): number {
    if (this.phaseEndTick === Infinity) return 0;
    return Math.max(0, Math.ceil((this.phaseEndTick - this.tick) / TICK_HZ));
  }
}

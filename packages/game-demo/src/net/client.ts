// A player's side of a match: tickwire's createSyncClient over the connection to the authority,
// a Predictor that runs the local ship ahead with the same moveShip the authority runs (corrected
// when a snapshot says otherwise), interpolation for every other entity, and the reliable events
// (kills, chat, rounds, roster) checked before use. Runs in the browser and, for headless bots, in
// Node: it only knows the Connection interface.
import { createSyncClient, Predictor } from '@tickwire/transport';
import type { Connection, Sample, SyncClient } from '@tickwire/transport';
import { Emitter } from '@tickwire/transport/emitter';
import { moveShip, SNAPSHOT_HZ, TICK_HZ } from '../sim/index.js';
import type { Motion, PlayerInput } from '../sim/index.js';
import { parseHostEvent } from './messages.js';
import type { HostEvent, RosterEntry } from './messages.js';
import { RemoteSmoother } from './smoothing.js';
import { readView } from './view.js';
import type { ArenaView } from './view.js';
import { arenaInput, arenaSchema, VIEW_TICK_MOD } from './schema.js';
import type { ArenaInput, ArenaSchema } from './schema.js';

/** The lab's switches (all on by default: how tickwire recommends playing). */
export interface NetSwitches {
  prediction: boolean;
  interpolation: boolean;
  lagCompensation: boolean;
}

export interface ArenaClientEvents {
  event: (event: HostEvent) => void;
  /** The authority refused this player (bad token, full match). */
  refused: (reason: string) => void;
}

export interface CorrectionStats {
  /** Reconciliations that moved the predicted ship by more than half a pixel. */
  count: number;
  /** The last one's size, px, and the largest so far. */
  last: number;
  max: number;
}

const SHIP_TYPE = arenaSchema.typeIndex.get('ship')!;

export class ArenaClient {
  readonly sync: SyncClient<ArenaSchema, ArenaInput>;
  readonly switches: NetSwitches = { prediction: true, interpolation: true, lagCompensation: true };
  slot: number | undefined;
  roster: RosterEntry[] = [];
  readonly corrections: CorrectionStats = { count: 0, last: 0, max: 0 };
  /** Host events received whose payload did not parse (dropped). */
  badEvents = 0;
  private predictor: Predictor<Motion, ArenaInput> | undefined;
  private readonly events = new Emitter<ArenaClientEvents>((error) => console.error(error));
  private lastAim = 0;
  /** Glides remote ships over the snap an extrapolation error would show (see smoothing.ts). */
  readonly smoother = new RemoteSmoother();

  constructor(
    readonly connection: Connection,
    hello: { name: string; token: string },
  ) {
    this.sync = createSyncClient(connection, arenaSchema, { input: arenaInput });
    this.sync.on('event', ({ data }) => {
      const event = parseHostEvent(data);
      if (event === undefined) {
        this.badEvents++;
        return;
      }
      if (event.type === 'welcome') {
        this.slot = event.slot;
        this.predictor = undefined;
      }
      if (event.type === 'roster') this.roster = event.players;
      this.events.emit('event', event);
    });
    this.sync.on('snapshot', () => this.reconcile());
    // A refusal comes before any sync traffic, as a plain reliable message.
    connection.on('message', ({ channel, raw, data }) => {
      if (channel !== 'reliable' || raw) return;
      const event = parseHostEvent(data);
      if (event?.type === 'refused') this.events.emit('refused', event.reason);
    });
    const sayHello = () => {
      if (connection.state === 'open') connection.send('reliable', { type: 'hello', ...hello });
    };
    connection.opened.then(sayHello, () => {});
  }

  on<K extends keyof ArenaClientEvents>(event: K, handler: ArenaClientEvents[K]): () => void {
    return this.events.on(event, handler);
  }

  get ready(): boolean {
    return this.slot !== undefined && this.sync.latest() !== undefined;
  }

  /**
   * One fixed 60 Hz step of this player's controls: sent to the authority at once and, with
   * prediction on, applied to the local ship in the same frame.
   */
  step(control: Omit<PlayerInput, 'lag'>): void {
    if (this.connection.state !== 'open' || this.slot === undefined) return;
    const rewind = this.switches.lagCompensation;
    const sent = this.sync.sendInput({ ...control, view: rewind ? this.viewTick() : 0, rewind });
    this.lastAim = sent.input.aim;
    this.predictor?.apply(sent.seq, sent.input);
  }

  send(message: { type: 'ready'; ready: boolean } | { type: 'chat'; text: string }): void {
    if (this.connection.state === 'open') this.connection.send('reliable', message);
  }

  /** Tells the authority how many corrections this player saw (the dedicated server's metrics). */
  report(): void {
    if (this.connection.state === 'open')
      this.connection.send('reliable', { type: 'report', corrections: this.corrections.count });
  }

  /** What to draw now: interpolated (or latest) entities, with the predicted local ship. */
  view(nowMs = performance.now()): ArenaView {
    const sample: Sample = this.switches.interpolation
      ? this.sync.sample(nowMs)
      : latestAsSample(
          this.sync.latest(),
          arenaSchema.types.map((t) => t.name),
        );
    const view = readView(sample, this.slot);
    if (this.switches.interpolation) this.smooth(view, nowMs);
    const own = this.predictor?.state;
    if (this.switches.prediction && own !== undefined && view.me !== undefined) {
      view.me = {
        ...view.me,
        x: own.x,
        y: own.y,
        vx: own.vx,
        vy: own.vy,
        angle: own.angle,
        alive: own.alive,
        predicted: true,
      };
      view.ships = view.ships.map((s) => (s.player === this.slot ? view.me! : s));
    }
    return view;
  }

  /** The latest authoritative snapshot as a view (no interpolation, no prediction), if any came. */
  latestView(): ArenaView | undefined {
    const latest = this.sync.latest();
    if (latest === undefined) return undefined;
    return readView(
      latestAsSample(
        latest,
        arenaSchema.types.map((t) => t.name),
      ),
      this.slot,
    );
  }

  get aimHint(): number {
    return this.lastAim;
  }

  close(): void {
    this.sync.close();
    this.connection.close();
  }

  /** Remote ships drawn through the smoother; the local one is the predictor's business. */
  private smooth(view: ArenaView, nowMs: number): void {
    const seen = new Set<number>();
    view.ships = view.ships.map((ship) => {
      if (ship.player === this.slot) return ship;
      seen.add(ship.id);
      if (!ship.alive) {
        this.smoother.forget(ship.id);
        return ship;
      }
      return { ...ship, ...this.smoother.place(ship.id, ship.x, ship.y, nowMs) };
    });
    this.smoother.retain(seen);
  }

  /** The sim tick this player is looking at (what its shots should be judged against). */
  private viewTick(): number {
    const latest = this.sync.latest();
    if (latest === undefined) return 0;
    const renderTick = this.switches.interpolation ? this.sync.sample().renderTick : latest.tick;
    const simTick = Math.round(renderTick * (TICK_HZ / SNAPSHOT_HZ));
    return ((simTick % VIEW_TICK_MOD) + VIEW_TICK_MOD) % VIEW_TICK_MOD;
  }

  private reconcile(): void {
    const snapshot = this.sync.latest();
    if (snapshot === undefined || this.slot === undefined) return;
    for (let i = 0; i < snapshot.ids.length; i++) {
      if (snapshot.types[i] !== SHIP_TYPE) continue;
      const row = snapshot.rows[i]!;
      if (row['player'] !== this.slot) continue;
      const motion: Motion = {
        x: Number(row['x']),
        y: Number(row['y']),
        vx: Number(row['vx']),
        vy: Number(row['vy']),
        angle: Number(row['angle']),
        alive: row['alive'] === true,
      };
      if (this.predictor === undefined) {
        this.predictor = new Predictor({
          step: (state: Motion, input: ArenaInput) => moveShip(state, { ...input, lag: 0 }),
          initial: motion,
        });
        return;
      }
      const { before, after } = this.predictor.reconcile(motion, this.sync.inputAck ?? -1);
      const moved = Math.hypot(after.x - before.x, after.y - before.y);
      // A respawn teleports by design: that is not a misprediction.
      if (moved > 0.5 && before.alive === after.alive && moved < 200) {
        this.corrections.count++;
        this.corrections.last = moved;
        this.corrections.max = Math.max(this.corrections.max, moved);
      }
      return;
    }
  }
}

function latestAsSample(
  snapshot: ReturnType<SyncClient<ArenaSchema, ArenaInput>['latest']>,
  typeNames: readonly string[],
): Sample {
  if (snapshot === undefined) return { renderTick: 0, entities: [], extrapolatedMs: 0 };
  return {
    renderTick: snapshot.tick,
    extrapolatedMs: 0,
    entities: snapshot.ids.map((id, i) => ({
      id,
      type: typeNames[snapshot.types[i]!]!,
      value: snapshot.rows[i]!,
    })),
  };
}

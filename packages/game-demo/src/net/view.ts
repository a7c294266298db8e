// Reads the entities of one sampled snapshot into the shapes the renderer, the HUD and the tests
// use. Values come out of tickwire's schema decoder (already range-checked); this still reads each
// field by type, so a schema change shows up here as a missing value rather than a wrong cast.
import type { Sample } from '@tickwire/transport';

export interface ShipView {
  id: number;
  player: number;
  name: string;
  x: number;
  y: number;
  /** Velocity, px/s (as the authority simulated it). */
  vx: number;
  vy: number;
  angle: number;
  hp: number;
  alive: boolean;
  rapid: boolean;
  score: number;
  deaths: number;
  /** True for the local ship drawn from prediction rather than from snapshots. */
  predicted: boolean;
}

export interface ArenaView {
  ships: ShipView[];
  bullets: { id: number; x: number; y: number; owner: number }[];
  pickups: { id: number; x: number; y: number; kind: string; active: boolean }[];
  match: { round: number; phase: string; secondsLeft: number; simTick: number };
  me: ShipView | undefined;
  renderTick: number;
  entities: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean => v === true;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function readView(sample: Sample, slot: number | undefined): ArenaView {
  const view: ArenaView = {
    ships: [],
    bullets: [],
    pickups: [],
    match: { round: 0, phase: 'warmup', secondsLeft: 0, simTick: 0 },
    me: undefined,
    renderTick: sample.renderTick,
    entities: sample.entities.length,
  };
  for (const { id, type, value: v } of sample.entities) {
    switch (type) {
      case 'ship': {
        const ship: ShipView = {
          id,
          player: num(v['player']),
          name: text(v['name']),
          x: num(v['x']),
          y: num(v['y']),
          vx: num(v['vx']),
          vy: num(v['vy']),
          angle: num(v['angle']),
          hp: num(v['hp']),
          alive: bool(v['alive']),
          rapid: bool(v['rapid']),
          score: num(v['score']),
          deaths: num(v['deaths']),
          predicted: false,
        };
        view.ships.push(ship);
        if (ship.player === slot) view.me = ship;
        break;
      }
      case 'bullet':
        view.bullets.push({ id, x: num(v['x']), y: num(v['y']), owner: num(v['owner']) });
        break;
      case 'pickup':
        view.pickups.push({
          id,
          x: num(v['x']),
          y: num(v['y']),
          kind: text(v['kind']),
          active: bool(v['active']),
        });
        break;
      case 'match':
        view.match = {
          round: num(v['round']),
          phase: text(v['phase']),
          secondsLeft: num(v['secondsLeft']),
          simTick: num(v['simTick']),
        };
        break;
    }
  }
  return view;
}

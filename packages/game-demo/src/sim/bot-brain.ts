// A bot's decisions: fly toward the nearest living opponent while strafing, aim at it, fire when
// in range, grab a pickup when hurt. Pure over what it is shown, so the same brain drives bots
// inside a host (reading the true game) and headless bots over the network (reading snapshots).
import { ARENA } from './constants.js';
import type { PlayerInput } from './types.js';

export interface BotView {
  self: { x: number; y: number; hp: number; alive: boolean };
  others: readonly { x: number; y: number; alive: boolean }[];
  pickups: readonly { x: number; y: number; active: boolean; kind: string }[];
  /** A counter that advances once per decision (drives the strafe pattern). */
  tick: number;
}

export function botInput(view: BotView, seed: number): PlayerInput {
  const { self } = view;
  const idle: PlayerInput = { mx: 0, my: 0, aim: 0, fire: false, lag: 0 };
  if (!self.alive) return idle;
  let target: { x: number; y: number } | undefined;
  let best = Infinity;
  for (const other of view.others) {
    if (!other.alive) continue;
    const d = Math.hypot(other.x - self.x, other.y - self.y);
    if (d < best) {
      best = d;
      target = other;
    }
  }
  if (self.hp < 50) {
    const heal = view.pickups.find((p) => p.active && p.kind === 'heal');
    if (heal !== undefined) return { ...steer(self, heal, 0), aim: 0, fire: false, lag: 0 };
  }
  if (target === undefined) {
    const wander = { x: ARENA.width / 2 + Math.cos(view.tick / 90 + seed) * 400, y: ARENA.height / 2 };
    return { ...steer(self, wander, 0), aim: 0, fire: false, lag: 0 };
  }
  const aim = Math.atan2(target.y - self.y, target.x - self.x);
  // Keep a middle distance and strafe, switching sides every couple of seconds.
  const side = Math.floor((view.tick + seed * 37) / 120) % 2 === 0 ? 1 : -1;
  const move = best > 380 ? steer(self, target, 0) : steer(self, target, side * (Math.PI / 2));
  return { ...move, aim, fire: best < 650, lag: 0 };
}

function steer(from: { x: number; y: number }, to: { x: number; y: number }, turn: number) {
  const a = Math.atan2(to.y - from.y, to.x - from.x) + turn;
  const axis = (v: number) => (v > 0.38 ? 1 : v < -0.38 ? -1 : 0);
  return { mx: axis(Math.cos(a)), my: axis(Math.sin(a)) };
}

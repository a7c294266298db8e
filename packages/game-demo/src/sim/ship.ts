// Ship movement as one pure function: the authority applies it to every input it takes, and the
// local client's Predictor applies the very same function to inputs not yet acknowledged, so a
// prediction only ever differs from the authority by quantization. Must never read anything but
// its arguments.
import { ARENA, DT, SHIP } from './constants.js';
import type { Motion, PlayerInput } from './types.js';

export function moveShip(s: Motion, input: PlayerInput): Motion {
  if (!s.alive) return s;
  let ax = input.mx;
  let ay = input.my;
  if (ax !== 0 && ay !== 0) {
    ax *= Math.SQRT1_2;
    ay *= Math.SQRT1_2;
  }
  let vx = s.vx + ax * SHIP.accel * DT;
  let vy = s.vy + ay * SHIP.accel * DT;
  if (ax === 0) vx *= SHIP.damping;
  if (ay === 0) vy *= SHIP.damping;
  const speed = Math.hypot(vx, vy);
  if (speed > SHIP.maxSpeed) {
    vx = (vx / speed) * SHIP.maxSpeed;
    vy = (vy / speed) * SHIP.maxSpeed;
  }
  if (Math.abs(vx) < 0.5) vx = 0;
  if (Math.abs(vy) < 0.5) vy = 0;
  let x = s.x + vx * DT;
  let y = s.y + vy * DT;
  const r = SHIP.radius;
  if (x < r || x > ARENA.width - r) {
    x = Math.min(ARENA.width - r, Math.max(r, x));
    vx = 0;
  }
  if (y < r || y > ARENA.height - r) {
    y = Math.min(ARENA.height - r, Math.max(r, y));
    vy = 0;
  }
  return { x, y, vx, vy, angle: input.aim, alive: true };
}

// Projectile hit tests with lag compensation. A shot is tested against the targets where the
// shooter saw them: `lag` ticks in the past, read from the position history. With compensation off
// (the lab panel's toggle) targets are where they are now, so a lagging shooter who aimed at what
// he saw misses a moving target.
import { BULLET, SHIP } from './constants.js';
import type { PositionHistory } from './history.js';
import type { Bullet, Ship } from './types.js';

/** The ship `bullet` hits at `tick`, if any (the nearest, never its owner). */
export function findHit(
  bullet: Bullet,
  ships: Iterable<Ship>,
  history: PositionHistory,
  tick: number,
  lagCompensation: boolean,
): Ship | undefined {
  const reach = SHIP.radius + BULLET.radius;
  let best: Ship | undefined;
  let bestDistance = Infinity;
  for (const ship of ships) {
    if (ship.id === bullet.owner) continue;
    const past = lagCompensation && bullet.lag > 0 ? history.at(tick - bullet.lag, ship.id) : undefined;
    const x = past?.x ?? ship.x;
    const y = past?.y ?? ship.y;
    // A ship alive in the shooter's view but dead now cannot take more damage.
    if (!ship.alive || (past !== undefined && !past.alive)) continue;
    const distance = Math.hypot(bullet.x - x, bullet.y - y);
    if (distance <= reach && distance < bestDistance) {
      best = ship;
      bestDistance = distance;
    }
  }
  return best;
}

// Hides the snap a remote ship makes when its sampled position jumps. After the process (or the
// link) stalls, render time runs past the newest snapshot and the interpolation buffer
// extrapolates each ship's last motion; a ship that meanwhile stopped or turned is put back where
// it really was by the next snapshot, one frame later: measured under load, 20-60 px in one
// 60 Hz frame, where full speed is 6 px. The part of a step no ship could have moved in that time
// is kept as a display offset that decays over ~80 ms, so the ship glides there instead.
// It only moves what is drawn: it must never touch the snapshots, the local (predicted) ship, or
// what the authority judges (hits are tested against its own rewound history). A jump too large to
// be a misprediction (a respawn, a teleport) is shown at once.
import { SHIP } from '../sim/index.js';

export interface SmoothOptions {
  /** Time constant of the offset's decay, ms (default 80). */
  decayMs?: number;
  /** Fastest plausible movement, px/s (default 1.15 × the ship's top speed: render time may run 10 % fast). */
  maxSpeed?: number;
  /** A step longer than this is a teleport: shown at once, no offset (default 200 px). */
  snapPx?: number;
}

interface Track {
  t: number;
  x: number;
  y: number;
  ox: number;
  oy: number;
}

export class RemoteSmoother {
  /** Steps that were longer than plausible and partly turned into an offset. */
  smoothed = 0;
  private readonly tracks = new Map<number, Track>();
  private readonly decayMs: number;
  private readonly maxSpeed: number;
  private readonly snapPx: number;

  constructor(options: SmoothOptions = {}) {
    this.decayMs = options.decayMs ?? 80;
    this.maxSpeed = options.maxSpeed ?? SHIP.maxSpeed * 1.15;
    this.snapPx = options.snapPx ?? 200;
  }

  /**
   * Where to draw entity `id` at local time `nowMs`, given where the sample put it. A call for an
   * earlier time than the last (a caller asking about the past) gets the current offset, unchanged.
   */
  place(id: number, x: number, y: number, nowMs: number): { x: number; y: number } {
    const track = this.tracks.get(id);
    if (track === undefined) {
      this.tracks.set(id, { t: nowMs, x, y, ox: 0, oy: 0 });
      return { x, y };
    }
    const dt = nowMs - track.t;
    if (dt < 0) return { x: x + track.ox, y: y + track.oy };
    const keep = Math.exp(-dt / this.decayMs);
    let ox = track.ox * keep;
    let oy = track.oy * keep;
    const sx = x - track.x;
    const sy = y - track.y;
    const step = Math.hypot(sx, sy);
    const plausible = (this.maxSpeed * dt) / 1000 + 0.5;
    if (step > this.snapPx) {
      ox = 0;
      oy = 0;
    } else if (step > plausible) {
      // Keep the implausible part of the step as an offset the other way: drawn, the ship moves
      // only as far as it could have, and makes up the rest while the offset decays.
      const excess = 1 - plausible / step;
      ox -= sx * excess;
      oy -= sy * excess;
      this.smoothed++;
    }
    // Offsets under a tenth of a pixel are nothing to draw: drop them rather than decay forever.
    if (Math.hypot(ox, oy) < 0.1) ox = oy = 0;
    Object.assign(track, { t: nowMs, x, y, ox, oy });
    return { x: x + ox, y: y + oy };
  }

  /** Forgets one entity (a dead ship: its respawn must not glide from where it died). */
  forget(id: number): void {
    this.tracks.delete(id);
  }

  /** Forgets entities not in `ids` (despawned, out of interest): a returning one starts fresh. */
  retain(ids: ReadonlySet<number>): void {
    for (const id of this.tracks.keys()) if (!ids.has(id)) this.tracks.delete(id);
  }
}

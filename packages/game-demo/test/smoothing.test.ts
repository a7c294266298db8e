// The remote-ship smoother on its own (pure: the caller passes the time): steady motion is drawn
// as sampled, an implausible step (an extrapolation error put right by the next snapshot) is
// spread over the following frames, a teleport is shown at once, and nothing is left over after.
import { describe, expect, it } from 'vitest';
import { RemoteSmoother } from '../src/net/smoothing.js';
import { SHIP } from '../src/sim/index.js';

const FRAME = 1000 / 60;
const FULL = SHIP.maxSpeed / 60; // px per 60 Hz frame at full speed

describe('RemoteSmoother', () => {
  it('draws steady motion at full speed exactly as sampled', () => {
    const s = new RemoteSmoother();
    for (let i = 0; i < 60; i++) {
      const drawn = s.place(1, 100 + FULL * i, 50, i * FRAME);
      expect(drawn.x).toBeCloseTo(100 + FULL * i, 9);
      expect(drawn.y).toBe(50);
    }
    expect(s.smoothed).toBe(0);
  });

  it('spreads a 44 px snap over the next frames, each step under twice full speed, then settles', () => {
    const s = new RemoteSmoother();
    s.place(1, 500, 300, 0);
    s.place(1, 500 + FULL, 300, FRAME);
    // The next snapshot says the ship was 44 px back (it had stopped while it was extrapolated).
    let previous = 500 + FULL;
    let worst = 0;
    const truth = 500 + FULL - 44;
    let drawn = 0;
    for (let i = 2; i < 40; i++) {
      drawn = s.place(1, truth, 300, i * FRAME).x;
      worst = Math.max(worst, Math.abs(drawn - previous));
      previous = drawn;
    }
    expect(s.smoothed).toBe(1);
    expect(worst).toBeLessThan(FULL * 2);
    expect(drawn).toBeCloseTo(truth, 1);
  });

  it('shows a teleport (a respawn across the arena) at once', () => {
    const s = new RemoteSmoother();
    s.place(7, 100, 100, 0);
    const drawn = s.place(7, 900, 600, FRAME);
    expect(drawn).toEqual({ x: 900, y: 600 });
    expect(s.smoothed).toBe(0);
  });

  it('leaves the offset alone for a caller asking about an earlier time', () => {
    const s = new RemoteSmoother();
    s.place(1, 0, 0, 100);
    const after = s.place(1, 40, 0, 100 + FRAME);
    const past = s.place(1, 40, 0, 50);
    expect(past).toEqual(after);
  });

  it('starts an entity afresh after forget and retain', () => {
    const s = new RemoteSmoother();
    s.place(1, 0, 0, 0);
    s.place(2, 0, 0, 0);
    s.forget(1);
    s.retain(new Set([1]));
    expect(s.place(1, 100, 0, FRAME)).toEqual({ x: 100, y: 0 });
    expect(s.place(2, 100, 0, FRAME)).toEqual({ x: 100, y: 0 });
  });
});

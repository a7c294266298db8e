// The page's frame timing: nothing kept before the first take(), then each frame's rAF delta,
// update and render time, emptied by every take(), and bounded when nobody takes.
import { describe, expect, it } from 'vitest';
import { FramePerf } from '../src/ui/frame-perf.js';

function frame(perf: FramePerf, deltaMs: number, busyMs: number): void {
  perf.beginFrame(deltaMs);
  const until = performance.now() + busyMs;
  while (performance.now() < until);
  perf.endUpdate();
  perf.endRender();
}

describe('FramePerf', () => {
  it('records frames only once asked, and take() empties the buffers', () => {
    const perf = new FramePerf();
    frame(perf, 16.7, 0);
    expect(perf.take()).toEqual({ deltaMs: [], updateMs: [], renderMs: [], dropped: 0 });
    frame(perf, 16.7, 2);
    frame(perf, 33.4, 0);
    const taken = perf.take();
    expect(taken.deltaMs).toEqual([16.7, 33.4]);
    expect(taken.updateMs).toHaveLength(2);
    expect(taken.updateMs[0]).toBeGreaterThanOrEqual(2);
    expect(taken.renderMs).toHaveLength(2);
    expect(taken.renderMs.every((ms) => ms >= 0)).toBe(true);
    expect(perf.take().deltaMs).toEqual([]);
  });

  it('keeps at most five minutes of frames and counts the rest', () => {
    const perf = new FramePerf();
    perf.take();
    for (let i = 0; i < 18_010; i++) perf.beginFrame(i);
    const taken = perf.take();
    expect(taken.deltaMs).toHaveLength(18_000);
    expect(taken.deltaMs.at(-1)).toBe(17_999);
    expect(taken.dropped).toBe(10);
  });
});

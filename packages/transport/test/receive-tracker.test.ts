// The receive-side rules of the unreliable channel, fed with exact sequences: loss from gaps,
// latest-only discards, stale discards after an outage, 16-bit wrap-around.
import { describe, expect, it } from 'vitest';
import { ReceiveTracker } from '../src/stats/receive-tracker.js';

describe('ReceiveTracker', () => {
  it('counts gaps as loss and discards older latest-only frames', () => {
    const t = new ReceiveTracker(250);
    expect(t.accept(0, 0, true, 0, 1000)).toBe('deliver');
    expect(t.accept(2, 2, true, 0, 1002)).toBe('deliver');
    expect(t.accept(1, 1, true, 0, 1003)).toBe('out-of-order');
    expect(t.accept(5, 5, true, 0, 1005)).toBe('deliver');
    expect(t.lost).toBe(2); // 3 and 4 never came
    expect(t.discardedOutOfOrder).toBe(1);
  });

  it('keeps streams independent and lets non-latest-only frames through', () => {
    const t = new ReceiveTracker(250);
    expect(t.accept(10, 0, true, 1, 1000)).toBe('deliver');
    expect(t.accept(9, 0, true, 2, 1000)).toBe('deliver'); // other stream
    expect(t.accept(8, 0, false, 1, 1000)).toBe('deliver'); // opted out
    expect(t.accept(7, 0, true, 1, 1000)).toBe('out-of-order');
  });

  it('discards frames that arrive much later than the usual transit time', () => {
    const t = new ReceiveTracker(100);
    // normal traffic: sent at s, arrives at s + 20 (plus an arbitrary clock offset of 5000)
    for (let i = 0; i < 10; i++)
      expect(t.accept(i, (i * 16) & 0xffff, true, 0, 5000 + i * 16 + 20)).toBe('deliver');
    // a frame sent at 160 but held in a queue for 1 s during an outage
    expect(t.accept(10, 160, false, 0, 5000 + 160 + 1020)).toBe('stale');
    expect(t.discardedStale).toBe(1);
    // the link recovers
    expect(t.accept(11, 1200, true, 0, 5000 + 1200 + 20)).toBe('deliver');
  });

  it('survives 16-bit sequence and stamp wrap-around', () => {
    const t = new ReceiveTracker(250);
    let now = 70_000;
    for (let i = 0; i < 70_000; i += 7) {
      now += 1;
      expect(t.accept(i & 0xffff, now & 0xffff, true, 0, now + 3)).toBe('deliver');
    }
    // every 7th of 0..69993 arrived: 10,000 of 69,994 sequence numbers
    expect(t.lost).toBe(69_994 - 10_000);
    expect(t.discardedOutOfOrder).toBe(0);
    expect(t.discardedStale).toBe(0);
  });

  it('ignores duplicates', () => {
    const t = new ReceiveTracker(250);
    expect(t.accept(1, 0, true, 0, 0)).toBe('deliver');
    expect(t.accept(1, 0, true, 0, 0)).toBe('duplicate');
  });
});

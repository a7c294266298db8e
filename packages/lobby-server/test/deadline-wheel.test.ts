// The connections' deadline wheel: an item comes out once its deadline passed, never before, and
// only once; moving a deadline earlier or later and removing an item take effect.
import { describe, expect, it } from 'vitest';
import { DeadlineWheel } from '../src/server/deadline-wheel.js';

describe('deadline wheel', () => {
  it('hands out each item once, not before its deadline, at most one slot late', () => {
    const wheel = new DeadlineWheel<string>(10, 1_000);
    wheel.schedule('a', 1_025);
    wheel.schedule('b', 1_030);
    wheel.schedule('c', 1_100);
    expect(wheel.due(1_024)).toEqual([]);
    expect(wheel.due(1_030)).toEqual(['a', 'b']);
    expect(wheel.due(1_030)).toEqual([]);
    expect(wheel.size).toBe(1);
    expect(wheel.due(5_000)).toEqual(['c']);
    expect(wheel.size).toBe(0);
  });

  it('moves a deadline (scheduleBy only earlier) and forgets a removed item', () => {
    const wheel = new DeadlineWheel<string>(10, 0);
    wheel.schedule('a', 500);
    wheel.scheduleBy('a', 900);
    wheel.scheduleBy('a', 300);
    expect(wheel.due(299)).toEqual([]);
    expect(wheel.due(300)).toEqual(['a']);
    expect(wheel.due(900)).toEqual([]);
    wheel.schedule('b', 1_200);
    wheel.schedule('b', 1_400);
    expect(wheel.due(1_300)).toEqual([]);
    wheel.remove('b');
    expect(wheel.due(2_000)).toEqual([]);
    expect(wheel.size).toBe(0);
  });

  it('puts a deadline in the past into the next slot, never into one already handed out', () => {
    const wheel = new DeadlineWheel<string>(10, 0);
    expect(wheel.due(50)).toEqual([]);
    wheel.schedule('late', 20);
    expect(wheel.due(50)).toEqual([]);
    expect(wheel.due(60)).toEqual(['late']);
  });
});

// The connections' deadline wheel: an item comes out once its deadline passed, never before, and
// only once; moving a deadline earlier or later and removing an item take effect. The drain hands
// a burst of due items out in bounded slices and lets other callbacks run between them.
import { describe, expect, it } from 'vitest';
import { DeadlineDrain } from '../src/server/deadline-drain.js';
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

  it('hands out at most `limit` items a call, earliest slots first, the rest on the next calls', () => {
    const wheel = new DeadlineWheel<string>(10, 0);
    for (let i = 0; i < 5; i += 1) wheel.schedule(`early${i}`, 20);
    for (let i = 0; i < 5; i += 1) wheel.schedule(`late${i}`, 40);
    wheel.schedule('future', 500);
    const first = wheel.due(100, 3);
    expect(first).toEqual(['early0', 'early1', 'early2']);
    // Scheduled meanwhile for a time already past: due at once, never lost in a half-done slot.
    wheel.schedule('past', 5);
    const rest = [...wheel.due(100, 4), ...wheel.due(100, 4), ...wheel.due(100, 4)];
    expect(rest.sort()).toEqual(['early3', 'early4', 'late0', 'late1', 'late2', 'late3', 'late4', 'past']);
    expect(wheel.due(100, 4)).toEqual([]);
    expect(wheel.size).toBe(1);
    expect(wheel.due(500, 4)).toEqual(['future']);
  });
});

describe('deadline drain', () => {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('visits a burst in slices of at most `batch`, letting other callbacks run in between', async () => {
    const wheel = new DeadlineWheel<number>(10, 0);
    for (let i = 0; i < 1_000; i += 1) wheel.schedule(i, 10 + (i % 7));
    const visited: number[] = [];
    const sliceSizes: number[] = [];
    let slice = 0;
    const drain = new DeadlineDrain(
      wheel,
      (item) => {
        visited.push(item);
        slice += 1;
      },
      () => 1_000,
      128,
    );
    // Another callback, like a socket read: each slice ends before it runs again.
    let others = 0;
    const other = setInterval(() => {
      others += 1;
    }, 0);
    const done = async () => {
      while (visited.length < 1_000) {
        await turn();
        sliceSizes.push(slice);
        slice = 0;
      }
    };
    drain.run();
    sliceSizes.push(slice);
    slice = 0;
    await done();
    clearInterval(other);
    expect(new Set(visited).size).toBe(1_000);
    expect(visited).toHaveLength(1_000);
    expect(Math.max(...sliceSizes)).toBeLessThanOrEqual(128);
    expect(sliceSizes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(8);
    expect(others).toBeGreaterThan(0);
    expect(wheel.size).toBe(0);
    drain.stop();
  });

  it('visits nothing after stop() and leaves nothing scheduled', async () => {
    const wheel = new DeadlineWheel<number>(10, 0);
    for (let i = 0; i < 1_000; i += 1) wheel.schedule(i, 10);
    let visited = 0;
    const drain = new DeadlineDrain(
      wheel,
      () => (visited += 1),
      () => 1_000,
      100,
    );
    drain.run();
    expect(visited).toBe(100);
    drain.stop();
    const immediates = process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length;
    await turn();
    await turn();
    expect(visited).toBe(100);
    expect(immediates).toBe(0);
    drain.run();
    expect(visited).toBe(100);
  });
});

// The negotiation's candidate queues on their own: held candidates come out once and in order, a
// new attempt forgets the old one's, early candidates are promoted only for the attempt that
// started, and a flood stays bounded.
import { describe, expect, it } from 'vitest';
import { CandidateQueues } from '../src/negotiation/candidates.js';

const c = (n: number) => ({ candidate: `candidate:${n} 1 UDP 1 127.0.0.1 ${n} typ host`, mid: '0' });

describe('CandidateQueues', () => {
  it('releases held candidates once, oldest first', () => {
    const queues = new CandidateQueues();
    queues.hold(c(1));
    queues.hold(c(2));
    expect(queues.release()).toEqual([c(1), c(2)]);
    expect(queues.release()).toEqual([]);
  });

  it('forgets the old attempt on reset and promotes early candidates of the attempt that started', () => {
    const queues = new CandidateQueues();
    queues.hold(c(1));
    queues.holdEarly(1, c(2));
    queues.holdEarly(2, c(3));
    queues.reset();
    queues.promote(1);
    expect(queues.release()).toEqual([c(2)]);
    queues.promote(2); // early candidates were consumed by the first promotion
    expect(queues.release()).toEqual([]);
  });

  it('stays bounded under a flood', () => {
    const queues = new CandidateQueues();
    for (let i = 0; i < 10_000; i++) {
      queues.hold(c(i));
      queues.holdEarly(1, c(i));
    }
    expect(queues.release()).toHaveLength(256);
    queues.promote(1);
    expect(queues.release()).toHaveLength(256);
  });
});

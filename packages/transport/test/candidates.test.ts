// The negotiation's candidate queues on their own: held candidates come out once and in order, a
// new attempt forgets the old one's, early candidates are promoted only for the attempt that
// started, and a flood stays bounded.
import { describe, expect, it } from 'vitest';
import { CandidateQueues, admitsInRelayOnly } from '../src/negotiation/candidates.js';

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

  it('admits only relay candidates into a relay-only attempt', () => {
    expect(
      admitsInRelayOnly('candidate:1 1 UDP 16777215 10.200.0.10 49152 typ relay raddr 0.0.0.0 rport 0'),
    ).toBe(true);
    expect(admitsInRelayOnly('a=candidate:1 1 UDP 16777215 10.200.0.10 49152 typ relay')).toBe(true);
    expect(admitsInRelayOnly(c(1).candidate)).toBe(false);
    expect(
      admitsInRelayOnly('candidate:2 1 UDP 1 203.0.113.5 4000 typ srflx raddr 10.0.0.2 rport 4000'),
    ).toBe(false);
    expect(admitsInRelayOnly('candidate:3 1 UDP 1 198.51.100.7 4000 typ relayish')).toBe(false);
    expect(admitsInRelayOnly('')).toBe(false);
  });
});

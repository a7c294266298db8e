// The probe schedule on its own (fake timers: the schedule is pure timing logic), then on two real
// node-datachannel peers: probes cross the unreliable channel and the receiver swallows them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTransportError } from '../src/index.js';
import { LossProber } from '../src/channel/loss-probes.js';
import { nextMessages, openPair } from './helpers.js';

describe('LossProber schedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends `count` probes `gapMs` apart after the last send of a burst', () => {
    vi.useFakeTimers();
    const sentAt: number[] = [];
    const start = Date.now();
    const prober = new LossProber({ count: 3, gapMs: 2 }, () => {
      sentAt.push(Date.now() - start);
      return true;
    });
    prober.onReliableSend();
    vi.advanceTimersByTime(1);
    prober.onReliableSend(); // a burst: the series restarts, it does not double
    prober.onReliableSend();
    vi.advanceTimersByTime(50);
    expect(sentAt).toEqual([2, 4, 6]);
    prober.onReliableSend();
    vi.advanceTimersByTime(50);
    expect(sentAt).toHaveLength(6);
    prober.stop();
  });

  it('ends the series when a probe cannot be sent, and stop() cancels a pending one', () => {
    vi.useFakeTimers();
    let calls = 0;
    const refusing = new LossProber({ count: 3, gapMs: 1 }, () => {
      calls += 1;
      return false;
    });
    refusing.onReliableSend();
    vi.advanceTimersByTime(10);
    expect(calls).toBe(1);

    let sent = 0;
    const stopped = new LossProber({}, () => ++sent > 0);
    stopped.onReliableSend();
    stopped.stop();
    vi.advanceTimersByTime(100);
    expect(sent).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses nonsense options with INVALID_OPTIONS', () => {
    for (const bad of [{ count: 0 }, { count: 2.5 }, { count: 99 }, { gapMs: -1 }, { gapMs: Number.NaN }]) {
      let caught: unknown;
      try {
        new LossProber(bad, () => true);
      } catch (error) {
        caught = error;
      }
      expect(isTransportError(caught) && caught.code).toBe('INVALID_OPTIONS');
    }
  });
});

describe('reliableLossProbes on real peers', () => {
  it('follows a reliable burst with probes the receiver counts but never delivers', async () => {
    const { a, b } = await openPair({ reliableLossProbes: { count: 3, gapMs: 1 }, pingIntervalMs: 60_000 });
    // each side pings once when it opens: let those round trips finish so only probes move bytes
    await vi.waitFor(() => expect([a.stats().rttMs, b.stats().rttMs]).not.toContain(undefined));
    const received = nextMessages(b, 5);
    const unexpected: unknown[] = [];
    const bytesBefore = b.stats().unreliable.bytesReceived;
    for (let i = 0; i < 5; i++) a.send('reliable', { i });
    const got = await received;
    b.on('message', (event) => unexpected.push(event));
    expect(got.map((m) => m.channel)).toEqual(Array(5).fill('reliable'));
    await vi.waitFor(() => expect(a.stats().lossProbesSent).toBe(3));
    // 3 frames of 5 header bytes reach the receiver, as sequenced unreliable traffic
    await vi.waitFor(() => expect(b.stats().unreliable.bytesReceived - bytesBefore).toBe(15));
    const stats = b.stats();
    expect(stats.unreliable.messagesReceived).toBe(0);
    expect(stats.unreliable.delivered).toBe(0);
    expect(stats.decodeErrors).toBe(0);
    expect(unexpected).toEqual([]);
  });

  it('rejects invalid probe options before any native handle exists', async () => {
    const { connect, createSignalerPair, openNativePeerCount } = await import('../src/index.js');
    const before = openNativePeerCount();
    const [s] = createSignalerPair();
    expect(() => connect({ role: 'offerer', signaler: s, reliableLossProbes: { count: 0 } })).toThrow(
      /reliableLossProbes.count/,
    );
    expect(openNativePeerCount()).toBe(before);
  });
});

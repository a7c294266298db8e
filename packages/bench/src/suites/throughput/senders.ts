// The two sending patterns of the throughput suite. `blast` keeps the send buffer just under a cap
// (the most a well-behaved sender can push); `paced` offers a fixed rate regardless of the buffer
// (what a game loop does), so tickwire's unreliable high-water mark must start dropping somewhere.
// Both yield to the event loop between bursts so the native threads' callbacks can run.
import type { ChannelKind, MessagePeer } from '../../peers/types.js';

/**
 * Messages per burst between bufferedAmount checks, about 8 KiB worth: the check costs a native
 * call (for every peer alike), which must not dominate small-message rates.
 */
const batchFor = (size: number): number => Math.max(1, Math.floor(8192 / size));

export interface SendTally {
  sent: number;
  refused: number;
  elapsedMs: number;
}

export function blast(
  peer: MessagePeer,
  kind: ChannelKind,
  size: number,
  durationMs: number,
  bufferCap: number,
): Promise<SendTally> {
  const msg = new Uint8Array(size).fill(7);
  const batch = batchFor(size);
  const started = performance.now();
  const end = started + durationMs;
  const tally: SendTally = { sent: 0, refused: 0, elapsedMs: 0 };
  return new Promise((resolve) => {
    const step = (): void => {
      if (performance.now() >= end) {
        tally.elapsedMs = performance.now() - started;
        resolve(tally);
        return;
      }
      let full = false;
      for (let burst = 0; burst < 16 && !full; burst++) {
        if (peer.bufferedAmount(kind) > bufferCap) full = true;
        else {
          for (let i = 0; i < batch; i++) {
            if (peer.send(kind, msg)) tally.sent++;
            else tally.refused++;
          }
        }
      }
      // A full buffer drains on native threads: sleep instead of spinning on the core they need.
      if (full) setTimeout(step, 1);
      else setImmediate(step);
    };
    step();
  });
}

export function paced(
  peer: MessagePeer,
  kind: ChannelKind,
  size: number,
  ratePerSec: number,
  durationMs: number,
): Promise<SendTally> {
  const msg = new Uint8Array(size).fill(7);
  const started = performance.now();
  const tally: SendTally = { sent: 0, refused: 0, elapsedMs: 0 };
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const target = Math.floor((ratePerSec * Math.min(elapsed, durationMs)) / 1000);
      while (tally.sent + tally.refused < target) {
        if (peer.send(kind, msg)) tally.sent++;
        else tally.refused++;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        tally.elapsedMs = elapsed;
        resolve(tally);
      }
    }, 1);
  });
}

/** Waits until the send buffer is empty (or `maxMs` passed), plus a moment for what is in flight. */
export async function waitDrained(peer: MessagePeer, kind: ChannelKind, maxMs = 3000): Promise<void> {
  const end = performance.now() + maxMs;
  while (peer.bufferedAmount(kind) > 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 30));
}

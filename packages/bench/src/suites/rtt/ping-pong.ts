// One block of sequential round trips on one contender: send, wait for the echo, record, repeat.
// Each payload carries a sequence number so a late echo of a lost ping is never mistaken for the
// current one; a ping unanswered for `lostAfterMs` is counted lost and the next one is sent.
import type { Contender } from './contenders.js';

export interface BlockResult {
  /** Round-trip times in microseconds. */
  rttUs: Float64Array;
  lost: number;
  /** Wall time of the block, ms. */
  elapsedMs: number;
}

export function runBlock(
  contender: Contender,
  count: number,
  payloadBytes: number,
  lostAfterMs = 250,
): Promise<BlockResult> {
  const payload = new Uint8Array(payloadBytes);
  const view = new DataView(payload.buffer);
  const rttUs = new Float64Array(count);
  let seq = Math.floor(Math.random() * 0x7fffffff);
  let done = 0;
  let lost = 0;
  let sentAt = 0;
  const started = performance.now();
  return new Promise<BlockResult>((resolve) => {
    const send = (): void => {
      seq = (seq + 1) >>> 0;
      view.setUint32(0, seq);
      sentAt = performance.now();
      contender.send(payload);
    };
    const watchdog = setInterval(() => {
      if (performance.now() - sentAt > lostAfterMs) {
        lost += 1;
        send();
      }
    }, lostAfterMs / 2);
    contender.onReply((bytes) => {
      const now = performance.now();
      if (
        bytes.length < 4 ||
        new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0) !== seq
      )
        return;
      rttUs[done++] = (now - sentAt) * 1000;
      if (done < count) {
        send();
        return;
      }
      clearInterval(watchdog);
      contender.onReply(() => undefined);
      resolve({ rttUs, lost, elapsedMs: performance.now() - started });
    });
    send();
  });
}

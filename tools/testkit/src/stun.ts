// Waits until a STUN server (coturn) answers a Binding Request: coturn prints no "ready" line, and
// an answer is the only proof that it has bound its port and serves requests.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;

export interface WaitForStunOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Stops the probing: the promise rejects and the socket closes. */
  signal?: AbortSignal;
}

/** Resolves once a STUN Binding Request to `host:port` gets its answer; rejects on timeout or abort,
 * and stops probing either way. */
export async function waitForStun(port: number, options: WaitForStunOptions = {}): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { signal } = options;
  const transactionId = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding Request, no attributes
  request.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(request, 8);

  // One socket for the whole wait: requests sent before the server binds are simply lost (an
  // unconnected UDP socket reports no ICMP errors), so it re-sends every 50 ms.
  const socket = createSocket('udp4');
  let probe: ReturnType<typeof setInterval> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (message: string): void => reject(new Error(message));
      onAbort = () => fail(`stopped waiting for a STUN answer on ${host}:${port}`);
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => fail(`no STUN answer on ${host}:${port} within ${timeoutMs} ms`), timeoutMs);
      // Only an answer to this request counts (same transaction id), not a stray datagram.
      socket.on('message', (data) => {
        if (data.length >= 20 && data.subarray(8, 20).equals(transactionId)) resolve();
      });
      socket.once('error', reject);
      const send = (): void => socket.send(request, port, host);
      probe = setInterval(send, 50);
      send();
    });
  } finally {
    clearInterval(probe);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    socket.close();
  }
}

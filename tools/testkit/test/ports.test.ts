// The picks are below the kernel's ephemeral range, single ports and ranges never overlap, and a
// picked port really can be bound.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralRange, pickFreePort, pickPortRange } from '../src/index.js';

function bindUdp(port: number): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve()));
  });
}

function listenTcp(port: number): Promise<void> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

describe('ports', () => {
  it('reads an ephemeral range', () => {
    const [low, high] = ephemeralRange();
    expect(low).toBeGreaterThan(1024);
    expect(high).toBeGreaterThanOrEqual(low);
  });

  it('picks a single port from 20000 up to the ephemeral range that binds for UDP and TCP', async () => {
    const [low] = ephemeralRange();
    for (let i = 0; i < 5; i++) {
      const port = await pickFreePort({ tcp: true });
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(low);
      await bindUdp(port);
      await listenTcp(port);
    }
  });

  it('picks ranges between 10000 and 20000, below every single port', () => {
    for (let i = 0; i < 100; i++) {
      const base = pickPortRange(200);
      expect(base).toBeGreaterThanOrEqual(10_000);
      expect(base + 200).toBeLessThan(20_000);
    }
  });
});

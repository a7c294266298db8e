// Picks ports for test servers that must be told their port up front (coturn, redis-server).
// Never "bind to 0, read the port, close, hand it over": that port comes from the kernel's
// ephemeral range, and in the gap before the server binds it any socket of a test running in
// parallel (an ICE socket, an outgoing connection) can be given the same port (coturn then retries
// its bind forever). Ports below the ephemeral range are never handed out by the kernel, so only
// another deliberate pick can take one, and the pick checks that it is free.
// A copy of packages/transport/test/ports.ts (packages do not import each other's tests). Both
// split the same way, single ports from 20000 up and relay ranges below, so a relay range of either
// package's coturn never covers a port the other picked.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** The kernel's ephemeral port range (Linux default when it cannot be read). */
export function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux: use its default below
  }
  return [32768, 60999];
}

function udpFree(port: number, host: string): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

function tcpFree(port: number, host: string): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port below the ephemeral range that is free right now for UDP (and TCP when asked) on `host`. */
export async function pickFreePort(
  options: { host?: string; tcp?: boolean; floor?: number } = {},
): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const floor = options.floor ?? 20_000;
  const ceiling = ephemeralRange()[0]; // exclusive
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = floor + Math.floor(Math.random() * Math.max(1, ceiling - floor));
    if (!(await udpFree(port, host))) continue;
    if (options.tcp && !(await tcpFree(port, host))) continue;
    return port;
  }
  throw new Error(`no free port found below the ephemeral range on ${host}`);
}

/** The first port of `span` consecutive ports below the ephemeral range (not checked: a server
 * that allocates from a range skips ports in use). Kept below `ceiling` so that ranges never
 * overlap the single ports `pickFreePort` hands out. */
export function pickPortRange(span: number, floor = 10_000, ceiling = 20_000): number {
  return floor + Math.floor(Math.random() * (ceiling - floor - span));
}

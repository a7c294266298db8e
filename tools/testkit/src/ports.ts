// Picks ports for test servers that must be told their port up front (coturn, redis-server, the
// transport Authority's one UDP port). Never "bind to 0, read the port, close, hand it over": that
// port comes from the kernel's ephemeral range, and in the gap before the server binds it any
// socket of a test running in parallel (an ICE socket, an outgoing connection) can be given the same
// port (coturn then retries its bind forever). Ports below the ephemeral range are never handed out
// by the kernel, so only another deliberate pick can take one, and the pick checks that it is free.
//
// The space below the ephemeral range is split in two: single ports (`pickFreePort`) from 20000 up,
// port ranges (`pickPortRange`, e.g. coturn's relay range) from 10000 to 20000. So a range that a
// server allocates from later never covers a single port that another test picked.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** Where single ports start; ranges end here. */
export const SINGLE_PORT_FLOOR = 20_000;
const RANGE_FLOOR = 10_000;

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
  const floor = options.floor ?? SINGLE_PORT_FLOOR;
  const ceiling = ephemeralRange()[0]; // exclusive
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = floor + Math.floor(Math.random() * Math.max(1, ceiling - floor));
    if (!(await udpFree(port, host))) continue;
    if (options.tcp && !(await tcpFree(port, host))) continue;
    return port;
  }
  throw new Error(`no free port found below the ephemeral range on ${host}`);
}

/** The first port of `span` consecutive ports below the single ports (not checked: a server that
 * allocates from a range skips ports in use). */
export function pickPortRange(span: number, floor = RANGE_FLOOR, ceiling = SINGLE_PORT_FLOOR): number {
  return floor + Math.floor(Math.random() * (ceiling - floor - span));
}

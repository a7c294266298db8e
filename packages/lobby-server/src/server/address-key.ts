// Who a request or socket comes from, as the key every per-address limit counts under. IPv4 keys
// are the address itself; IPv6 keys are the /64 prefix, because one host is routinely given a
// whole /64 and could otherwise rotate through 2^64 "addresses". Behind proxies the client is the
// rightmost X-Forwarded-For hop that a trusted proxy wrote: entries further left were written by
// the client itself and must never be believed (a client can put anything there).
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Expands an IPv6 text form into its eight 16-bit groups; undefined when it is not IPv6. */
function ipv6Groups(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<number>(fill).fill(0), ...right];
}

/**
 * The rate-limit key of an address: IPv4 as is (also when written IPv4-mapped, `::ffff:1.2.3.4`),
 * IPv6 as its /64 (`2001:db8:1:2::/64`), anything else unchanged.
 */
export function addressKey(address: string): string {
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const low = ((groups[6] ?? 0) << 16) | (groups[7] ?? 0);
    return [24, 16, 8, 0].map((shift) => (low >>> shift) & 0xff).join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The client's address: the socket's peer, or with `trustedProxies` > 0 the X-Forwarded-For entry
 * that many hops left of the socket's peer (each trusted proxy appends the address it saw). When
 * the header has fewer entries than that, the leftmost one; an entry that is not an IP address
 * falls back to the socket's peer.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hops = text
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0);
  hops.push(peer);
  const hop = hops[Math.max(0, hops.length - 1 - trustedProxies)] ?? peer;
  return isIP(hop) === 0 ? peer : hop;
}

/** The limit key of a request (see `clientAddress` and `addressKey`). */
export function requestKey(req: IncomingMessage, trustedProxies: number): string {
  return addressKey(clientAddress(req, trustedProxies));
}

// A minimal STUN/TURN client (RFC 5389/5766) over UDP, just enough to prove what coturn thinks
// of a credential and of a peer: Allocate with the long-term mechanism (401 challenge, then
// MESSAGE-INTEGRITY keyed by MD5(username:realm:password)), then CreatePermission for IPv4 or
// (on an IPv6 allocation, RFC 6156) IPv6 peers, Refresh, and Send indications. Answers the error
// code or the relayed address.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const MAGIC = 0x2112a442;
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorPeer: 0x0012,
  data: 0x0013,
  xorRelayed: 0x0016,
  lifetime: 0x000d,
  requestedFamily: 0x0017,
  transport: 0x0019,
} as const;

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function message(type: number, transactionId: Buffer, attrs: Buffer[], key?: Buffer): Buffer {
  let body = Buffer.concat(attrs);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC, 4);
  transactionId.copy(header, 8);
  if (key) {
    header.writeUInt16BE(body.length + 24, 2);
    const hmac = createHmac('sha1', key)
      .update(Buffer.concat([header, body]))
      .digest();
    body = Buffer.concat([body, attribute(ATTR.integrity, hmac)]);
  }
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

interface Parsed {
  type: number;
  attrs: Map<number, Buffer>;
}

function parse(data: Buffer): Parsed {
  const attrs = new Map<number, Buffer>();
  const length = data.readUInt16BE(2);
  let offset = 20;
  while (offset + 4 <= 20 + length) {
    const type = data.readUInt16BE(offset);
    const len = data.readUInt16BE(offset + 2);
    attrs.set(type, data.subarray(offset + 4, offset + 4 + len));
    offset += 4 + Math.ceil(len / 4) * 4;
  }
  return { type: data.readUInt16BE(0), attrs };
}

/** One UDP socket for a whole transaction sequence: coturn binds nonces to the 5-tuple. */
class StunSocket {
  private readonly socket = createSocket('udp4');
  private waiting: ((p: Parsed) => void) | undefined;

  constructor(private readonly port: number) {
    this.socket.on('message', (data) => {
      const waiter = this.waiting;
      this.waiting = undefined;
      waiter?.(parse(data));
    });
  }

  exchange(request: Buffer, timeoutMs = 2_000): Promise<Parsed> {
    return new Promise<Parsed>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error('TURN server did not answer'));
      }, timeoutMs);
      this.waiting = (parsed) => {
        clearTimeout(timer);
        resolve(parsed);
      };
      this.socket.send(request, this.port, '127.0.0.1');
    });
  }

  /** Fire and forget (indications have no answer). */
  sendRaw(request: Buffer): void {
    this.socket.send(request, this.port, '127.0.0.1');
  }

  close(): void {
    this.socket.close();
  }
}

export type AllocateResult =
  { ok: true; relayedAddress: string; relayedPort: number } | { ok: false; errorCode: number };

/** XOR-RELAYED-ADDRESS (IPv4): port and address are XORed with the magic cookie. */
function xorAddress(value: Buffer): { address: string; port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  const address = (value.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { address: [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.'), port };
}

function errorCodeOf(response: Parsed): number {
  const error = response.attrs.get(ATTR.errorCode);
  return error ? (error[2] ?? 0) * 100 + (error[3] ?? 0) : 0;
}

/** The 16 bytes of an IPv6 address (`::` expanded; no embedded IPv4 form). */
function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const parts = (s: string) => (s === '' ? [] : s.split(':'));
  const left = parts(head);
  const right = address.includes('::') ? parts(tail) : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** XOR-PEER-ADDRESS for an IPv4 or IPv6 peer (IPv6 is XORed with the cookie and transaction id). */
function xorPeer(address: string, port: number, transactionId?: Buffer): Buffer {
  if (address.includes(':')) {
    const value = Buffer.alloc(20);
    value.writeUInt8(2, 1);
    value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
    const mask = Buffer.alloc(16);
    mask.writeUInt32BE(MAGIC, 0);
    transactionId!.copy(mask, 4);
    const raw = ipv6Bytes(address);
    for (let i = 0; i < 16; i++) value[4 + i] = raw[i]! ^ mask[i]!;
    return attribute(ATTR.xorPeer, value);
  }
  const value = Buffer.alloc(8);
  value.writeUInt8(1, 1);
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const octets = address.split('.').map(Number);
  const raw =
    (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
  value.writeUInt32BE((raw ^ MAGIC) >>> 0, 4);
  return attribute(ATTR.xorPeer, value);
}

/** A live allocation: its socket stays open so permissions can be asked on the same 5-tuple. */
export interface TurnAllocation {
  readonly result: AllocateResult;
  /** CreatePermission for a peer: 200 when granted, else coturn's error code (403 = denied). */
  permit(peer: string): Promise<number>;
  /** Refresh with this lifetime (0 deletes): 200, or coturn's error code (437: no such allocation). */
  refresh(lifetimeSeconds: number): Promise<number>;
  /** Sends `data` to an IPv4 peer through the relay (a Send indication; needs a permission). */
  sendTo(peer: string, port: number, data: Buffer): void;
  /** Closes the socket (coturn keeps the allocation until its lifetime ends or coturn stops). */
  close(): void;
}

/** Allocates and keeps the socket for further requests. */
export async function openAllocation(
  port: number,
  username: string,
  password: string,
  family: 'ipv4' | 'ipv6' = 'ipv4',
): Promise<TurnAllocation> {
  const socket = new StunSocket(port);
  try {
    const transport = Buffer.concat([
      attribute(ATTR.transport, Buffer.from([17, 0, 0, 0])),
      ...(family === 'ipv6' ? [attribute(ATTR.requestedFamily, Buffer.from([2, 0, 0, 0]))] : []),
    ]);
    const challenge = await socket.exchange(message(0x0003, randomBytes(12), [transport]));
    const realm = challenge.attrs.get(ATTR.realm);
    const nonce = challenge.attrs.get(ATTR.nonce);
    if (!realm || !nonce) throw new Error('TURN server sent no realm/nonce challenge');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const auth = (): Buffer[] => [
      attribute(ATTR.username, Buffer.from(username)),
      attribute(ATTR.realm, realm),
      attribute(ATTR.nonce, nonce),
    ];
    const response = await socket.exchange(message(0x0003, randomBytes(12), [...auth(), transport], key));
    let result: AllocateResult;
    if (response.type === 0x0103) {
      const relayed = response.attrs.get(ATTR.xorRelayed);
      const { address, port: relayedPort } = relayed ? xorAddress(relayed) : { address: '', port: 0 };
      result = { ok: true, relayedAddress: address, relayedPort };
    } else {
      result = { ok: false, errorCode: errorCodeOf(response) };
    }
    return {
      result,
      permit: async (peer) => {
        const id = randomBytes(12);
        const answer = await socket.exchange(message(0x0008, id, [xorPeer(peer, 9, id), ...auth()], key));
        return answer.type === 0x0108 ? 200 : errorCodeOf(answer);
      },
      refresh: async (lifetimeSeconds) => {
        const lifetime = Buffer.alloc(4);
        lifetime.writeUInt32BE(lifetimeSeconds, 0);
        const answer = await socket.exchange(
          message(0x0004, randomBytes(12), [attribute(ATTR.lifetime, lifetime), ...auth()], key),
        );
        return answer.type === 0x0104 ? 200 : errorCodeOf(answer);
      },
      sendTo: (peer, peerPort, data) => {
        const id = randomBytes(12);
        socket.sendRaw(message(0x0016, id, [xorPeer(peer, peerPort, id), attribute(ATTR.data, data)]));
      },
      close: () => socket.close(),
    };
  } catch (error) {
    socket.close();
    throw error;
  }
}

/** Tries a TURN allocation with long-term credentials. */
export async function allocate(port: number, username: string, password: string): Promise<AllocateResult> {
  const socket = new StunSocket(port);
  try {
    const transport = attribute(ATTR.transport, Buffer.from([17, 0, 0, 0]));
    const challenge = await socket.exchange(message(0x0003, randomBytes(12), [transport]));
    const realm = challenge.attrs.get(ATTR.realm);
    const nonce = challenge.attrs.get(ATTR.nonce);
    if (!realm || !nonce) throw new Error('TURN server sent no realm/nonce challenge');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const response = await socket.exchange(
      message(
        0x0003,
        randomBytes(12),
        [
          attribute(ATTR.username, Buffer.from(username)),
          attribute(ATTR.realm, realm),
          attribute(ATTR.nonce, nonce),
          transport,
        ],
        key,
      ),
    );
    if (response.type === 0x0103) {
      const relayed = response.attrs.get(ATTR.xorRelayed);
      const { address, port: relayedPort } = relayed ? xorAddress(relayed) : { address: '', port: 0 };
      return { ok: true, relayedAddress: address, relayedPort };
    }
    const error = response.attrs.get(ATTR.errorCode);
    return { ok: false, errorCode: error ? (error[2] ?? 0) * 100 + (error[3] ?? 0) : 0 };
  } finally {
    socket.close();
  }
}

// The pinging side of each rtt contender: opens the path to the echo worker and exposes a bare
// send + reply hook. Sockets and peers are opened once and reused by every round, so setup cost
// never lands in a sample.
import dgram from 'node:dgram';
import WebSocket from 'ws';
import type { IpcEndpoint } from '../../ipc/endpoint.js';
import { createPeer } from '../../peers/factory.js';
import type { PeerImpl } from '../../peers/factory.js';

export const RTT_CONTENDERS = [
  'udp',
  'ws',
  'ndc-unreliable',
  'ndc-reliable',
  'tickwire-unreliable',
  'tickwire-reliable',
] as const;
export type RttContenderName = (typeof RTT_CONTENDERS)[number];

export interface Contender {
  name: RttContenderName;
  send(bytes: Uint8Array): void;
  /** The one reply handler. */
  onReply(handler: (bytes: Uint8Array) => void): void;
}

export interface OpenContenders {
  contenders: Contender[];
  close(): Promise<void>;
}

async function openUdp(ipc: IpcEndpoint): Promise<{ contender: Contender; close: () => Promise<void> }> {
  const port = await ipc.request<number>('udp');
  const socket = dgram.createSocket('udp4');
  let reply: (b: Uint8Array) => void = () => undefined;
  socket.on('message', (msg) => reply(msg));
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  return {
    contender: { name: 'udp', send: (b) => socket.send(b), onReply: (h) => (reply = h) },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

async function openWs(ipc: IpcEndpoint): Promise<{ contender: Contender; close: () => Promise<void> }> {
  const port = await ipc.request<number>('ws');
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  let reply: (b: Uint8Array) => void = () => undefined;
  ws.on('message', (data) => reply(data as Buffer));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    contender: { name: 'ws', send: (b) => ws.send(b), onReply: (h) => (reply = h) },
    close: () =>
      new Promise((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

async function openPeerPair(
  ipc: IpcEndpoint,
  impl: PeerImpl,
): Promise<{ contenders: Contender[]; close: () => void }> {
  const conn = `rtt-${impl}`;
  const peer = await createPeer(impl, {
    role: 'offerer',
    signaler: ipc.signaler(conn),
    label: `ping-${impl}`,
  });
  const replies = {
    unreliable: (_b: Uint8Array): void => undefined,
    reliable: (_b: Uint8Array): void => undefined,
  };
  peer.onMessage((kind, bytes) => replies[kind](bytes));
  await Promise.all([ipc.request('peer', { conn, impl }), peer.opened]);
  const make = (kind: 'unreliable' | 'reliable'): Contender => ({
    name: `${impl}-${kind}`,
    send: (b) => void peer.send(kind, b),
    onReply: (h) => (replies[kind] = h),
  });
  return { contenders: [make('unreliable'), make('reliable')], close: () => peer.close() };
}

/** Opens every contender against the echo worker behind `ipc`. */
export async function openContenders(ipc: IpcEndpoint): Promise<OpenContenders> {
  const closers: Array<() => void | Promise<void>> = [];
  const contenders: Contender[] = [];
  try {
    for (const open of [openUdp, openWs]) {
      const { contender, close } = await open(ipc);
      contenders.push(contender);
      closers.push(close);
    }
    for (const impl of ['ndc', 'tickwire'] as const) {
      const pair = await openPeerPair(ipc, impl);
      contenders.push(...pair.contenders);
      closers.push(pair.close);
    }
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
  return {
    contenders,
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

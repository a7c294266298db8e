// A raw node-datachannel peer: the baseline tickwire is measured against. Same shape as a tickwire
// connection (one PeerConnection, two pre-negotiated channels: id 0 unordered maxRetransmits 0,
// id 1 ordered) and nothing else: no framing, no stats. Every native callback is set before any
// description exists (events that fire earlier are lost), and the PeerConnection and channels are
// referenced from a module-level set until closed (a collected handle closes mid-stream).
import nodeDataChannel from 'node-datachannel';
import type { DataChannel, PeerConnection } from 'node-datachannel';
import { BenchError } from '../errors.js';
import type { SignalMessage, Signaler } from '../ipc/signal-types.js';
import { trackNdc, untrackNdc } from './native.js';
import type { ChannelKind, MessagePeer } from './types.js';

export interface NdcPeerOptions {
  role: 'offerer' | 'answerer';
  signaler: Signaler;
  label?: string;
  /** Bind ICE host candidates to this address (e.g. a namespace's veth address). */
  bindAddress?: string;
  connectTimeoutMs?: number;
}

function toBytes(msg: string | Buffer | ArrayBuffer): Uint8Array {
  if (typeof msg === 'string') return new TextEncoder().encode(msg);
  return msg instanceof ArrayBuffer ? new Uint8Array(msg) : msg;
}

export function createNdcPeer(options: NdcPeerOptions): MessagePeer {
  const pc: PeerConnection = new nodeDataChannel.PeerConnection(options.label ?? `ndc-${options.role}`, {
    iceServers: [],
    disableAutoNegotiation: true,
    ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
  });
  const channels: Record<ChannelKind, DataChannel> = {
    unreliable: pc.createDataChannel('u', { negotiated: true, id: 0, unordered: true, maxRetransmits: 0 }),
    reliable: pc.createDataChannel('r', { negotiated: true, id: 1, unordered: false }),
  };
  const self = { pc, channels };
  trackNdc(self);
  let handler: (kind: ChannelKind, bytes: Uint8Array) => void = () => undefined;
  let remoteSet = false;
  const pendingCandidates: Array<{ candidate: string; mid: string }> = [];
  let closed = false;

  const opened = new Promise<void>((resolve, reject) => {
    let open = 0;
    const timer = setTimeout(
      () =>
        reject(
          new BenchError(
            'TIMEOUT',
            `ndc ${options.role} did not open in ${options.connectTimeoutMs ?? 15_000} ms`,
          ),
        ),
      options.connectTimeoutMs ?? 15_000,
    );
    for (const kind of ['unreliable', 'reliable'] as const) {
      const dc = channels[kind];
      let seen = false;
      const onOpen = (): void => {
        if (seen) return;
        seen = true;
        if (++open === 2) {
          clearTimeout(timer);
          resolve();
        }
      };
      dc.onOpen(onOpen);
      dc.onMessage((msg) => handler(kind, toBytes(msg)));
      dc.onError((err) => reject(new BenchError('PEER_FAILED', `ndc channel ${kind}: ${err}`)));
    }
    pc.onStateChange((state) => {
      if (state === 'failed') reject(new BenchError('PEER_FAILED', 'ndc peer connection failed'));
    });
  });
  opened.catch(() => undefined);

  pc.onLocalDescription((sdp, type) => {
    if (type === 'offer' || type === 'answer') void options.signaler.send({ kind: 'description', type, sdp });
  });
  pc.onLocalCandidate((candidate, mid) => void options.signaler.send({ kind: 'candidate', candidate, mid }));
  const unsubscribe = options.signaler.onMessage((m: SignalMessage) => {
    if (closed) return;
    switch (m.kind) {
      case 'description':
        pc.setRemoteDescription(m.sdp, m.type);
        remoteSet = true;
        if (m.type === 'offer') pc.setLocalDescription('answer');
        for (const c of pendingCandidates.splice(0)) pc.addRemoteCandidate(c.candidate, c.mid);
        return;
      case 'candidate':
        if (remoteSet) pc.addRemoteCandidate(m.candidate, m.mid);
        else pendingCandidates.push({ candidate: m.candidate, mid: m.mid });
        return;
      case 'bye':
        return;
    }
  });
  if (options.role === 'offerer') pc.setLocalDescription('offer');

  return {
    opened,
    send: (kind, bytes) => {
      // libdatachannel returns false when it queued the message instead of sending it at once;
      // it never drops, so the raw path always reports the message as accepted.
      channels[kind].sendMessageBinary(bytes);
      return true;
    },
    onMessage: (h) => {
      handler = h;
    },
    bufferedAmount: (kind) => (closed ? 0 : channels[kind].bufferedAmount()),
    counters: () => ({}),
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      channels.unreliable.close();
      channels.reliable.close();
      pc.close();
      untrackNdc(self);
    },
  };
}

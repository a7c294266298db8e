// node-datachannel (libdatachannel) behind the RtcAdapter interface. Must never let a native event
// fire before its handler is set (handlers are installed in the constructor call chain, before any
// description or channel exists) and must keep a JS reference to every live native object, since a
// collected PeerConnection or DataChannel is closed mid-stream by its finalizer.
import nodeDataChannel from 'node-datachannel';
import type { DataChannel, PeerConnection } from 'node-datachannel';
import { TransportError } from '../errors.js';
import type {
  RtcAdapter,
  RtcChannel,
  RtcChannelEvents,
  RtcChannelInit,
  RtcPeer,
  RtcPeerConfig,
  RtcPeerEvents,
  RtcPeerState,
  SelectedCandidate,
  SelectedPair,
} from './adapter.js';
import { toLibdatachannelIceServers } from './ice-servers.js';
import { trackNativePeer, untrackNativePeer } from './native-lifetime.js';

class NodeChannel implements RtcChannel {
  private closed = false;
  constructor(private readonly dc: DataChannel) {}

  send(data: Uint8Array): void {
    this.dc.sendMessageBinary(data);
  }
  bufferedAmount(): number {
    return this.closed ? 0 : this.dc.bufferedAmount();
  }
  setBufferedAmountLowThreshold(bytes: number): void {
    this.dc.setBufferedAmountLowThreshold(bytes);
  }
  isOpen(): boolean {
    return !this.closed && this.dc.isOpen();
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dc.close();
  }
}

class NodePeer implements RtcPeer {
  private readonly pc: PeerConnection;
  /** Strong references: see the file comment. */
  private readonly channels: DataChannel[] = [];
  private closed = false;

  constructor(config: RtcPeerConfig, events: RtcPeerEvents) {
    this.pc = new nodeDataChannel.PeerConnection(config.label, {
      iceServers: toLibdatachannelIceServers(config.iceServers),
      iceTransportPolicy: config.iceTransportPolicy,
      // Descriptions are created explicitly so the answerer's pre-negotiated channels never
      // trigger an offer of their own (glare).
      disableAutoNegotiation: true,
      ...(config.portRange
        ? { portRangeBegin: config.portRange.begin, portRangeEnd: config.portRange.end }
        : {}),
      ...(config.udpMux ? { enableIceUdpMux: true } : {}),
      ...(config.bindAddress ? { bindAddress: config.bindAddress } : {}),
    });
    trackNativePeer(this);
    this.pc.onLocalDescription((sdp, type) => {
      if (type === 'offer' || type === 'answer') events.onLocalDescription(type, sdp);
    });
    this.pc.onLocalCandidate((candidate, mid) => events.onLocalCandidate(candidate, mid));
    this.pc.onStateChange((state) => events.onStateChange(state as RtcPeerState));
  }

  createChannel(init: RtcChannelInit, events: RtcChannelEvents): RtcChannel {
    const dc = this.pc.createDataChannel(init.label, {
      negotiated: true,
      id: init.id,
      unordered: !init.ordered,
      ...(init.maxRetransmits === undefined ? {} : { maxRetransmits: init.maxRetransmits }),
    });
    this.channels.push(dc);
    const channel = new NodeChannel(dc);
    let opened = false;
    const open = (): void => {
      if (opened) return;
      opened = true;
      events.onOpen();
    };
    dc.onOpen(open);
    dc.onMessage((msg) => {
      if (typeof msg === 'string') events.onMessage(new TextEncoder().encode(msg));
      else if (msg instanceof ArrayBuffer) events.onMessage(new Uint8Array(msg));
      else events.onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    });
    dc.onClosed(() => events.onClose());
    dc.onError((err) => events.onError(err));
    dc.onBufferedAmountLow(() => events.onBufferedAmountLow());
    // A negotiated channel on an already-connected transport may have opened natively before
    // onOpen was installed; that event is lost, so look.
    if (dc.isOpen()) queueMicrotask(open);
    return channel;
  }

  async setLocalDescription(type: 'offer' | 'answer'): Promise<void> {
    this.pc.setLocalDescription(type);
  }

  async setRemoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void> {
    try {
      this.pc.setRemoteDescription(sdp, type);
    } catch (cause) {
      throw new TransportError('SIGNALING', `remote ${type} rejected: ${String(cause)}`, { cause });
    }
  }

  async addRemoteCandidate(candidate: string, mid: string): Promise<void> {
    try {
      this.pc.addRemoteCandidate(candidate, mid);
    } catch (cause) {
      throw new TransportError('SIGNALING', `remote candidate rejected: ${String(cause)}`, { cause });
    }
  }

  remoteMaxMessageSize(): number | undefined {
    if (this.closed) return undefined;
    const size = this.pc.maxMessageSize();
    return size > 0 ? size : undefined;
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    if (this.closed) return undefined;
    const pair = this.pc.getSelectedCandidatePair();
    if (!pair) return undefined;
    const pick = (c: { type: string; address: string; port: number }): SelectedCandidate => ({
      type: c.type,
      address: c.address,
      port: c.port,
    });
    return { local: pick(pair.local), remote: pick(pair.remote) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const dc of this.channels) dc.close();
    this.pc.close();
    untrackNativePeer(this);
  }
}

export const nodeAdapter: RtcAdapter = {
  platform: 'node',
  createPeer: (config, events) => new NodePeer(config, events),
};

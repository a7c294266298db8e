// The browser's native RTCPeerConnection behind the RtcAdapter interface. Must not import anything
// Node-only: this file is what the browser bundle contains instead of node-datachannel.
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

class BrowserChannel implements RtcChannel {
  constructor(private readonly dc: RTCDataChannel) {}
  send(data: Uint8Array): void {
    this.dc.send(data as Uint8Array<ArrayBuffer>);
  }
  bufferedAmount(): number {
    return this.dc.bufferedAmount;
  }
  setBufferedAmountLowThreshold(bytes: number): void {
    this.dc.bufferedAmountLowThreshold = bytes;
  }
  isOpen(): boolean {
    return this.dc.readyState === 'open';
  }
  close(): void {
    this.dc.close();
  }
}

function candidateOf(stat: Record<string, unknown> | undefined): SelectedCandidate | undefined {
  if (!stat) return undefined;
  const relayProtocol = stat['relayProtocol'];
  return {
    type: String(stat['candidateType'] ?? ''),
    address: String(stat['address'] ?? stat['ip'] ?? ''),
    port: Number(stat['port'] ?? 0),
    // Only local candidates carry it (RTCIceCandidateStats.relayProtocol): how we reach TURN.
    ...(relayProtocol === 'udp' || relayProtocol === 'tcp' || relayProtocol === 'tls'
      ? { relayProtocol }
      : {}),
  };
}

class BrowserPeer implements RtcPeer {
  private readonly pc: RTCPeerConnection;
  private closed = false;

  constructor(config: RtcPeerConfig, events: RtcPeerEvents) {
    this.pc = new RTCPeerConnection({
      iceServers: config.iceServers,
      iceTransportPolicy: config.iceTransportPolicy,
    });
    this.pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) {
        events.onLocalCandidate(e.candidate.candidate, e.candidate.sdpMid ?? '0');
      }
    };
    this.pc.onconnectionstatechange = () => events.onStateChange(this.pc.connectionState as RtcPeerState);
    this.emitDescription = (type, sdp) => events.onLocalDescription(type, sdp);
  }

  private readonly emitDescription: (type: 'offer' | 'answer', sdp: string) => void;

  createChannel(init: RtcChannelInit, events: RtcChannelEvents): RtcChannel {
    const dc = this.pc.createDataChannel(init.label, {
      negotiated: true,
      id: init.id,
      ordered: init.ordered,
      ...(init.maxRetransmits === undefined ? {} : { maxRetransmits: init.maxRetransmits }),
    });
    dc.binaryType = 'arraybuffer';
    dc.onopen = () => events.onOpen();
    dc.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      events.onMessage(
        typeof e.data === 'string' ? new TextEncoder().encode(e.data) : new Uint8Array(e.data),
      );
    };
    dc.onclose = () => events.onClose();
    dc.onerror = (e) => {
      const error = (e as RTCErrorEvent).error;
      events.onError(error?.message ?? 'data channel error');
    };
    dc.onbufferedamountlow = () => events.onBufferedAmountLow();
    return new BrowserChannel(dc);
  }

  async setLocalDescription(type: 'offer' | 'answer'): Promise<void> {
    const description = type === 'offer' ? await this.pc.createOffer() : await this.pc.createAnswer();
    await this.pc.setLocalDescription(description);
    this.emitDescription(type, this.pc.localDescription?.sdp ?? description.sdp ?? '');
  }

  async setRemoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void> {
    try {
      await this.pc.setRemoteDescription({ type, sdp });
    } catch (cause) {
      throw new TransportError('SIGNALING', `remote ${type} rejected: ${String(cause)}`, { cause });
    }
  }

  async addRemoteCandidate(candidate: string, mid: string): Promise<void> {
    try {
      await this.pc.addIceCandidate({ candidate, sdpMid: mid });
    } catch (cause) {
      throw new TransportError('SIGNALING', `remote candidate rejected: ${String(cause)}`, { cause });
    }
  }

  remoteMaxMessageSize(): number | undefined {
    const size = this.pc.sctp?.maxMessageSize;
    return size !== undefined && size > 0 && Number.isFinite(size) ? size : undefined;
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    if (this.closed) return undefined;
    const report = await this.pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((s: Record<string, unknown>) => byId.set(String(s['id']), s));
    for (const s of byId.values()) {
      if (s['type'] === 'candidate-pair' && s['nominated'] && s['state'] === 'succeeded') {
        const local = candidateOf(byId.get(String(s['localCandidateId'])));
        const remote = candidateOf(byId.get(String(s['remoteCandidateId'])));
        if (local && remote) return { local, remote };
      }
    }
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.close();
  }
}

export const browserAdapter: RtcAdapter = {
  platform: 'browser',
  tcpRelay: true,
  createPeer: (config, events) => new BrowserPeer(config, events),
};

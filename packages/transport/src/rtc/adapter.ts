// The one seam between tickwire and a WebRTC implementation. The browser's RTCPeerConnection and
// node-datachannel each get one adapter behind this interface; nothing else in the transport knows
// which one it runs on. Handlers are passed at creation time, never set later: node-datachannel
// loses native events that fire before a JS handler exists.
// It imports nothing from the connection layer (the connection depends on it, never the reverse).

/** W3C-shaped ICE server entry; passed through to node-datachannel or RTCPeerConnection. */
export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export type RtcPeerState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface SelectedCandidate {
  /** host, srflx, prflx or relay */
  type: string;
  address: string;
  port: number;
  /** For a local relay candidate: how this side reaches the TURN server, when the platform says. */
  relayProtocol?: 'udp' | 'tcp' | 'tls';
}

export interface SelectedPair {
  local: SelectedCandidate;
  remote: SelectedCandidate;
}

export interface RtcPeerConfig {
  iceServers: IceServerConfig[];
  iceTransportPolicy: 'all' | 'relay';
  label: string;
  portRange?: { begin: number; end: number } | undefined;
  udpMux?: boolean | undefined;
  bindAddress?: string | undefined;
}

export interface RtcPeerEvents {
  onLocalDescription(type: 'offer' | 'answer', sdp: string): void;
  onLocalCandidate(candidate: string, mid: string): void;
  /**
   * Every local candidate the moment it is gathered, before any hold (the node adapter holds
   * candidates back for ordering): what this side's network lets through (negotiation/udp-probe.ts).
   */
  onGathered?(candidate: string): void;
  onStateChange(state: RtcPeerState): void;
  /** ICE agent state (diagnostics and tests; node adapter only). */
  onIceStateChange?(state: string): void;
}

export interface RtcChannelInit {
  label: string;
  /** Pre-negotiated SCTP stream id: both sides create the channel, no in-band open round trip. */
  id: number;
  ordered: boolean;
  /** Omit for a fully reliable channel. */
  maxRetransmits?: number;
}

export interface RtcChannelEvents {
  onOpen(): void;
  onMessage(data: Uint8Array): void;
  onClose(): void;
  onError(message: string): void;
  onBufferedAmountLow(): void;
}

export interface RtcChannel {
  send(data: Uint8Array): void;
  bufferedAmount(): number;
  setBufferedAmountLowThreshold(bytes: number): void;
  isOpen(): boolean;
  close(): void;
}

export interface RtcPeer {
  createChannel(init: RtcChannelInit, events: RtcChannelEvents): RtcChannel;
  /** Creates the offer or answer; the result arrives through `onLocalDescription`. */
  setLocalDescription(type: 'offer' | 'answer'): Promise<void>;
  setRemoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void>;
  addRemoteCandidate(candidate: string, mid: string): Promise<void>;
  /** The peer's SCTP max-message-size from its description (bytes), once known. */
  remoteMaxMessageSize(): number | undefined;
  /** The ICE candidate pair in use, once connected. */
  selectedPair(): Promise<SelectedPair | undefined>;
  close(): void;
}

export interface RtcAdapter {
  readonly platform: 'node' | 'browser';
  /**
   * Whether this platform reaches TURN over TCP and TLS (browsers do; node-datachannel's libjuice
   * speaks TURN over UDP only), i.e. whether a side whose UDP is blocked can still relay over WebRTC.
   */
  readonly tcpRelay: boolean;
  createPeer(config: RtcPeerConfig, events: RtcPeerEvents): RtcPeer;
}

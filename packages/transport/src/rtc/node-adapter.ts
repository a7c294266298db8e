// node-datachannel (libdatachannel) behind the RtcAdapter interface. Must never let a native event
// fire before its handler is set (handlers are installed in the constructor call chain, before any
// description or channel exists) and must keep a JS reference to every live native object, since a
// collected PeerConnection or DataChannel is closed mid-stream by its finalizer.
//
// It also keeps libdatachannel 0.24.5's DTLS start-up races out of reach (each seen here as a pair
// going to 'failed' under load, see negotiation order below): the DTLS server is always the
// answerer, and an offerer tells nobody its candidates until the answer is applied.
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

/**
 * Negotiation order. libdatachannel starts DTLS the moment ICE connects, and two races follow when
 * DTLS traffic is already waiting at that moment:
 *
 * - An offerer whose ICE connects inside setRemoteDescription(answer) (possible as soon as the
 *   answerer's checks reached it first) can check the peer's certificate before the answer's
 *   fingerprint is committed: "DTLS alert: unknown CA", state 'failed'. So the offerer holds its
 *   local candidates until the answer is applied; the answerer cannot check it earlier, and ICE
 *   cannot connect inside that call.
 * - A DTLS server whose ICE connects after the client's ClientHello arrived gets that datagram
 *   replayed from a queue while DtlsTransport::start() runs: it is either left unread until the
 *   client retransmits a second later, or read before the MTU is set ("Handshake failed: fatal I/O
 *   error", state 'failed'). The answerer's ICE connects first (it learns the offerer's candidates
 *   first and checks first), so it is made the DTLS server: `actpass` lets the answerer take either
 *   role (RFC 5763 §5), and reading the offer as `active` makes libdatachannel answer `passive`.
 *   Which ICE agent connects first is a race, though: it is whichever check completes first, and
 *   with the other agent's next check up to 50 ms (libjuice's pacing) away, the offerer won about
 *   one open in four against an `Authority` (one UDP port), and each of those opens took ~1.05 s
 *   (the ClientHello's retransmission). So the answerer also holds its local candidates until it is
 *   connected: until then the offerer knows no address to check and can only answer the
 *   answerer's checks (a triggered check connects it), so the DTLS server is connected first. Where the answerer cannot reach the
 *   offerer before the offerer has sent to it (both behind NATs), the candidates go out after
 *   ANSWER_HOLD_MS anyway, which bounds the cost of holding.
 */
export const ANSWER_HOLD_MS = 150;

function offerAsActive(sdp: string): string {
  return sdp.replace(/^a=setup:actpass(?=\r?$)/gm, 'a=setup:active');
}

class NodePeer implements RtcPeer {
  private readonly pc: PeerConnection;
  /** Strong references: see the file comment. */
  private readonly channels: DataChannel[] = [];
  private closed = false;
  /** Set while an offerer waits for its answer: local candidates are queued, not emitted. */
  private heldCandidates: Array<[candidate: string, mid: string]> | undefined;

  private holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    config: RtcPeerConfig,
    private readonly events: RtcPeerEvents,
    private readonly answerHoldMs = ANSWER_HOLD_MS,
  ) {
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
    this.pc.onLocalCandidate((candidate, mid) => {
      events.onGathered?.(candidate);
      if (this.heldCandidates) this.heldCandidates.push([candidate, mid]);
      else events.onLocalCandidate(candidate, mid);
    });
    this.pc.onStateChange((state) => {
      if (state === 'connected') this.releaseAnswerCandidates();
      events.onStateChange(state as RtcPeerState);
    });
    // Only for diagnostics and tests: registering this callback at all kept a pair from recovering
    // after a 1.5 s outage in test/lossy-link.test.ts (node-datachannel 0.33.4).
    if (events.onIceStateChange) this.pc.onIceStateChange((state) => events.onIceStateChange?.(state));
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
    if (type === 'offer') this.heldCandidates ??= [];
    else if (this.holdTimer === undefined && !this.closed) {
      this.heldCandidates ??= [];
      this.holdTimer = setTimeout(() => this.releaseAnswerCandidates(), this.answerHoldMs);
    }
    this.pc.setLocalDescription(type);
  }

  private releaseAnswerCandidates(): void {
    if (this.holdTimer === undefined) return;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.releaseCandidates();
  }

  private releaseCandidates(): void {
    const held = this.heldCandidates;
    this.heldCandidates = undefined;
    if (this.closed) return;
    for (const [candidate, mid] of held ?? []) this.events.onLocalCandidate(candidate, mid);
  }

  async setRemoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void> {
    try {
      this.pc.setRemoteDescription(type === 'offer' ? offerAsActive(sdp) : sdp, type);
    } catch (cause) {
      throw new TransportError('SIGNALING', `remote ${type} rejected: ${String(cause)}`, { cause });
    }
    // An offerer's candidates go out once the answer is applied (an answerer's are its own matter).
    if (type === 'answer') this.releaseCandidates();
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
    const local = pick(pair.local);
    // libjuice, node-datachannel's ICE agent, speaks TURN over UDP only: a local relay candidate
    // was allocated over UDP (with TURN over TCP configured it gathers no relay candidate at all).
    if (local.type === 'relay') local.relayProtocol = 'udp';
    return { local, remote: pick(pair.remote) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    for (const dc of this.channels) dc.close();
    this.pc.close();
    untrackNativePeer(this);
  }
}

export const nodeAdapter: RtcAdapter = {
  platform: 'node',
  tcpRelay: false,
  createPeer: (config, events) => new NodePeer(config, events),
};

/** The node adapter with another answer hold (tests that need the ordering without a deadline). */
export function nodeAdapterWithAnswerHold(answerHoldMs: number): RtcAdapter {
  return {
    platform: 'node',
    tcpRelay: false,
    createPeer: (config, events) => new NodePeer(config, events, answerHoldMs),
  };
}

// node-datachannel (libdatachannel) behind the RtcAdapter interface. Must never let a native event
// fire before its handler is set (handlers are installed in the constructor call chain, before any
// description or channel exists) and must keep a JS reference to every live native object, since a
// collected PeerConnection or DataChannel is closed mid-stream by its finalizer.
//
// It also keeps libdatachannel 0.24.5's DTLS start-up races out of reach (each seen here as a pair
// going to 'failed' under load, or opening a second late, see negotiation order below): the DTLS
// server is the side whose ICE connects first (offer-role.ts), and an offerer tells nobody its
// candidates until the answer is applied.
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
import { iceServerUrls, toLibdatachannelIceServers } from './ice-servers.js';
import { trackNativePeer, untrackNativePeer } from './native-lifetime.js';
import { onLocalNetwork } from './local-network.js';
import { OfferRole, rememberOpenNat, takeHosts, withSetup } from './offer-role.js';

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
 *   error", state 'failed'). Read from the native logs (libdatachannel's DtlsTransport::start()
 *   registers its receive callback before it enters the Connecting state, so the replayed datagram
 *   is dropped by a worker thread that sees the transport not yet connecting). The answerer learns
 *   the offerer's candidates first and checks first, so its ICE connects first wherever the
 *   offerer takes its checks, and it is made the DTLS server there: an offer from a peer that
 *   leaves the role open (`actpass`, RFC 5763 §5) is read as `active`, so libdatachannel answers
 *   `passive`. A Node offerer behind a NAT that drops the answerer's checks connects first itself
 *   and asks to be the server instead (`a=setup:passive`, offer-role.ts).
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

/**
 * The offer as this answerer applies it: a role left open is read as `active` (this side serves);
 * a `passive` offer (an offerer behind a filtering NAT, offer-role.ts) is followed, unless the
 * offerer names a host address on one of this machine's networks: then this side's checks reach it
 * directly and connect first, so this side serves after all. The offerer takes whichever role the
 * answer leaves it. The host hint is ours alone and is not passed on.
 */
function offerAsAnswererReads(sdp: string): string {
  const { hosts, sdp: plain } = takeHosts(sdp);
  const lan = hosts.some(onLocalNetwork);
  return withSetup(lan ? plain.replace(/^a=setup:passive(?=\r?$)/gm, 'a=setup:actpass') : plain, 'active');
}

class NodePeer implements RtcPeer {
  private readonly pc: PeerConnection;
  /** Strong references: see the file comment. */
  private readonly channels: DataChannel[] = [];
  private closed = false;
  /** Set while an offerer waits for its answer: local candidates are queued, not emitted. */
  private heldCandidates: Array<[candidate: string, mid: string]> | undefined;

  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly offerRole: OfferRole;
  /** Whether the first remote candidate was looked at (learnFromFirstCandidate). */
  private learned = false;

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
    this.offerRole = new OfferRole(
      (sdp) => events.onLocalDescription('offer', sdp),
      iceServerUrls(config.iceServers).length > 0,
    );
    this.pc.onLocalDescription((sdp, type) => {
      if (type === 'offer') this.offerRole.offer(sdp);
      else if (type === 'answer') events.onLocalDescription(type, sdp);
    });
    this.pc.onGatheringStateChange((state) => {
      if (state === 'complete') this.offerRole.gatheringComplete(this.pc.localDescription()?.sdp);
    });
    this.pc.onLocalCandidate((candidate, mid) => {
      this.offerRole.gathered(candidate);
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
      this.pc.setRemoteDescription(type === 'offer' ? offerAsAnswererReads(sdp) : sdp, type);
    } catch (cause) {
      throw new TransportError('SIGNALING', `remote ${type} rejected: ${String(cause)}`, { cause });
    }
    // An offerer's candidates go out once the answer is applied (an answerer's are its own matter).
    if (type === 'answer') this.releaseCandidates();
  }

  async addRemoteCandidate(candidate: string, mid: string): Promise<void> {
    this.learnFromFirstCandidate();
    try {
      this.pc.addRemoteCandidate(candidate, mid);
    } catch (cause) {
      throw new TransportError('SIGNALING', `remote candidate rejected: ${String(cause)}`, { cause });
    }
  }

  /**
   * A passive offerer whose ICE is connected before it has any of the answerer's candidates can
   * only have answered the answerer's checks: its NAT took them unsolicited (full cone), so later
   * offers from behind it ask for `active` (offer-role.ts). Not when the path is a LAN one (the
   * answerer reached the host address directly, past the NAT).
   */
  private learnFromFirstCandidate(): void {
    if (this.learned) return;
    this.learned = true;
    const asked = this.offerRole.asked;
    if (asked?.setup !== 'passive' || asked.natted.length === 0 || this.closed) return;
    const ice = this.pc.iceState();
    if (ice !== 'connected' && ice !== 'completed') return;
    const remote = this.pc.getSelectedCandidatePair()?.remote.address;
    if (remote === undefined || onLocalNetwork(remote)) return;
    for (const address of asked.natted) rememberOpenNat(address);
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
    this.offerRole.stop();
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

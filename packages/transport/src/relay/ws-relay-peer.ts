// The last-resort attempt's "peer connection": the connection's two channels over a relay pipe
// (the lobby's WebSocket) instead of RTCDataChannels, behind the same RtcPeer seam, so the
// negotiator, the frame sender and receiver and the stats run unchanged. The offer and answer
// carry only a marker (there is no ICE and no SDP); the channels open on the offerer when the
// answer (or the answerer's first frame, which may overtake it) arrives, on the answerer once its
// answer is sent. Frames keep the data-channel frame format; the pipe is ordered, so the reliable
// channel's order holds, and the unreliable one's latest-only and stale discard work from its
// headers as over SCTP. It must never throw into a pipe callback.
import type {
  RtcChannel,
  RtcChannelEvents,
  RtcChannelInit,
  RtcPeer,
  RtcPeerEvents,
  SelectedPair,
} from '../rtc/adapter.js';
import { WS_RELAY_DESCRIPTION } from './pipe.js';
import type { RelayPipe, RelayRefusal } from './pipe.js';

/** Refusals that do not end the connection: an unreliable frame over the relay's budget is a drop. */
function isFatal(refusal: RelayRefusal): boolean {
  return refusal.reliable || refusal.code !== 'rate_limited';
}

class WsRelayChannel implements RtcChannel {
  closed = false;
  lowThreshold = 0;

  constructor(
    private readonly peer: WsRelayPeer,
    readonly reliable: boolean,
    readonly events: RtcChannelEvents,
  ) {}

  send(data: Uint8Array): void {
    if (!this.isOpen()) throw new Error('ws-relay channel is not open');
    // The caller reuses its scratch buffer: the pipe may queue the frame, so it gets a copy.
    this.peer.pipe.send(data.slice(), this.reliable);
  }

  bufferedAmount(): number {
    return this.peer.pipe.bufferedAmount();
  }

  setBufferedAmountLowThreshold(bytes: number): void {
    this.lowThreshold = bytes;
  }

  isOpen(): boolean {
    return !this.closed && this.peer.isOpen;
  }

  close(): void {
    this.closed = true;
  }
}

export class WsRelayPeer implements RtcPeer {
  private readonly channels: WsRelayChannel[] = [];
  private state: 'new' | 'connecting' | 'open' | 'closed' = 'new';
  private readonly unsubscribe: Array<() => void>;

  constructor(
    readonly pipe: RelayPipe,
    private readonly role: 'offerer' | 'answerer',
    private readonly events: RtcPeerEvents,
  ) {
    this.unsubscribe = [
      pipe.onFrame((frame, reliable) => this.onFrame(frame, reliable)),
      pipe.onRefused((refusal) => this.onRefused(refusal)),
      pipe.onDrain(() => this.onDrain()),
      pipe.onClosed(() => this.onPipeClosed()),
    ];
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  createChannel(init: RtcChannelInit, events: RtcChannelEvents): RtcChannel {
    const channel = new WsRelayChannel(this, init.ordered && init.maxRetransmits === undefined, events);
    this.channels.push(channel);
    return channel;
  }

  setLocalDescription(type: 'offer' | 'answer'): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new Error('ws-relay peer is closed'));
    if (this.state === 'new') this.setState('connecting');
    this.events.onLocalDescription(type, WS_RELAY_DESCRIPTION);
    if (type === 'answer') this.open();
    return Promise.resolve();
  }

  setRemoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void> {
    if (sdp !== WS_RELAY_DESCRIPTION) {
      return Promise.reject(new Error(`not a ws-relay ${type} (${sdp.slice(0, 32)})`));
    }
    if (this.state === 'new') this.setState('connecting');
    if (type === 'answer' && this.role === 'offerer') this.open();
    return Promise.resolve();
  }

  addRemoteCandidate(): Promise<void> {
    return Promise.resolve(); // a relay has no candidates; a late one of an earlier attempt is moot
  }

  remoteMaxMessageSize(): number | undefined {
    return this.pipe.maxFrameBytes;
  }

  selectedPair(): Promise<SelectedPair | undefined> {
    if (this.state !== 'open') return Promise.resolve(undefined);
    const relay = { type: 'lobby-relay', address: this.pipe.address, port: this.pipe.port };
    return Promise.resolve({ local: { ...relay, relayProtocol: this.pipe.protocol }, remote: relay });
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const off of this.unsubscribe) off();
    for (const channel of this.channels) channel.closed = true;
  }

  private open(): void {
    if (this.state !== 'connecting' && this.state !== 'new') return;
    this.setState('open');
    for (const channel of this.channels) if (!channel.closed) channel.events.onOpen();
  }

  private setState(state: 'connecting' | 'open' | 'closed'): void {
    this.state = state;
    this.events.onStateChange(state === 'open' ? 'connected' : state);
  }

  private onFrame(frame: Uint8Array, reliable: boolean): void {
    // The answerer's first frame may overtake its answer (frames and signals travel apart).
    if (this.role === 'offerer' && this.state === 'connecting') this.open();
    if (this.state !== 'open') return;
    const channel = this.channels.find((c) => c.reliable === reliable && !c.closed);
    channel?.events.onMessage(frame);
  }

  private onRefused(refusal: RelayRefusal): void {
    if (this.state === 'closed' || !isFatal(refusal)) return;
    const channel = this.channels.find((c) => c.reliable === refusal.reliable) ?? this.channels[0];
    channel?.events.onError(`the lobby relay refused a frame: ${refusal.code} (${refusal.message})`);
  }

  private onDrain(): void {
    for (const channel of this.channels) {
      if (channel.reliable && !channel.closed && this.pipe.bufferedAmount() <= channel.lowThreshold) {
        channel.events.onBufferedAmountLow();
      }
    }
  }

  private onPipeClosed(): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.close();
    this.events.onStateChange(wasOpen ? 'closed' : 'failed');
    if (wasOpen) for (const channel of this.channels) channel.events.onClose();
  }
}

// A tickwire connection: one RTCPeerConnection with two pre-negotiated data channels opened
// together, `unreliable` (unordered, maxRetransmits 0) and `reliable` (ordered). It turns game
// values into frames and back, enforces size limits and backpressure, measures RTT/jitter/loss,
// and reports every bad input as an `error` event — it must never throw into a native callback.
import { createCodec } from '../codec/index.js';
import type { Codec } from '../codec/index.js';
import { TransportError } from '../errors.js';
import type { RtcAdapter, RtcChannel, RtcPeer, RtcPeerState, SelectedPair } from '../rtc/adapter.js';
import type { SignalMessage } from '../signal/signaler.js';
import { directOnlyIceServers, iceServerUrls } from '../rtc/ice-servers.js';
import { ReceiveTracker } from '../stats/receive-tracker.js';
import { RateMeter } from '../stats/rate-meter.js';
import { PathTracker } from '../stats/path.js';
import type { ChannelStats, ConnectionStats } from '../stats/types.js';
import { Emitter } from './emitter.js';
import {
  FrameType,
  MAX_STREAM,
  RELIABLE_HEADER_BYTES,
  UNRELIABLE_HEADER_BYTES,
  writeReliableFrame,
  writeReliableFrameInto,
  unreliableFlags,
  writeUnreliableFrameInto,
} from './frame.js';
import { LossProber } from './loss-probes.js';
import { RttMeter } from './rtt.js';
import type {
  ChannelKind,
  CloseEvent,
  Connection,
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  RelayFallbackEvent,
  SendOptions,
  SendResult,
} from './types.js';

/** Safe single-packet payload: 1280-byte minimum path MTU minus IP/UDP/DTLS/SCTP and our header. */
export const MAX_UNRELIABLE_PAYLOAD = 1150;
const DEFAULT_REMOTE_MAX_MESSAGE = 65_536;
const UNRELIABLE_CHANNEL_ID = 0;
const RELIABLE_CHANNEL_ID = 1;

const now = (): number => performance.now();

function emptyChannelStats(): ChannelStats {
  return {
    messagesSent: 0,
    bytesSent: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    droppedBackpressure: 0,
    bufferedAmount: 0,
  };
}

function tooLargeAs(
  error: unknown,
  code: 'MESSAGE_TOO_LARGE' | 'RELIABLE_TOO_LARGE',
  limit: number,
  channel: ChannelKind,
): unknown {
  if (!(error instanceof TransportError) || error.details['reason'] !== 'too-large') return error;
  const size = Number(error.details['size']);
  return new TransportError(
    code,
    `${channel} message of ${size} bytes exceeds the ${limit}-byte limit` +
      (channel === 'unreliable' ? "; send it on 'reliable' or split it" : ''),
    { cause: error, details: { limit, size } },
  );
}

const EMPTY = new Uint8Array(0);
/** Highest negotiation attempt a peer may ask for (the first attempt is 0, a relay fallback 1). */
const MAX_ATTEMPT = 1;
const DEFAULT_FALLBACK_AFTER_MS = 5_000;

/** Relay fallback is on by default when there is a TURN server to fall back to. */
function resolveRelayFallback(options: ConnectionOptions): { afterMs: number } | undefined {
  const setting = options.relayFallback;
  if (setting === false || options.iceTransportPolicy === 'relay') return undefined;
  const afterMs = (typeof setting === 'object' ? setting.afterMs : undefined) ?? DEFAULT_FALLBACK_AFTER_MS;
  if (!Number.isFinite(afterMs) || afterMs <= 0) {
    throw new TransportError('INVALID_OPTIONS', 'relayFallback.afterMs must be a positive number of ms', {
      details: { afterMs },
    });
  }
  const hasTurn = iceServerUrls(options.iceServers ?? []).some((url) => /^turns?:/i.test(url));
  if (!hasTurn) {
    if (setting) {
      throw new TransportError(
        'INVALID_OPTIONS',
        'relayFallback needs a turn: or turns: server in iceServers',
      );
    }
    return undefined;
  }
  return { afterMs };
}

function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

export class TickwireConnection implements Connection {
  readonly role: 'offerer' | 'answerer';
  readonly opened: Promise<void>;
  readonly maxUnreliablePayload = MAX_UNRELIABLE_PAYLOAD;
  private _state: ConnectionState = 'new';
  private readonly events = new Emitter<ConnectionEvents>((error) =>
    queueMicrotask(() => {
      throw error;
    }),
  );
  // The current negotiation attempt's native objects. A relay fallback replaces all three; every
  // callback of an earlier attempt is dead from then on (see startAttempt).
  private peer!: RtcPeer;
  private unreliable!: RtcChannel;
  private reliable!: RtcChannel;
  /** 0 for the first negotiation; each relay fallback starts the next one. */
  private attempt = 0;
  private readonly adapter: RtcAdapter;
  private readonly relayFallback: { afterMs: number } | undefined;
  private fallbackTimer: ReturnType<typeof setTimeout> | undefined;
  /** Candidates the peer sent for an attempt we have not started yet (its offer is on the way). */
  private readonly earlyCandidates: Array<{ attempt: number; candidate: string; mid: string }> = [];
  private readonly openChannels = new Set<ChannelKind>();
  private remoteDescriptionSet = false;
  private readonly pendingCandidates: Array<{ candidate: string; mid: string }> = [];
  private readonly unsubscribeSignal: () => void;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private resolveOpened!: () => void;
  private rejectOpened!: (error: TransportError) => void;
  private peerState: RtcPeerState = 'new';
  private reliableOverMark = false;

  private readonly datagramCodec: Codec = createCodec({ mode: 'datagram' });
  private reliableEncoder: Codec = createCodec({ mode: 'stream' });
  private reliableDecoder: Codec = createCodec({ mode: 'stream' });
  private seq = 0;
  private readonly tracker: ReceiveTracker;
  private readonly rtt = new RttMeter();
  /** The selected candidate pair as a path, read at open and on every ping (ICE may switch pairs). */
  private readonly path = new PathTracker();
  private readonly sendRate = new RateMeter();
  private readonly receiveRate = new RateMeter();
  private readonly unreliableStats = emptyChannelStats();
  /**
   * Every unreliable frame, and every reliable one that fits, is written here: the channel copies
   * the bytes before send() returns.
   */
  private readonly sendScratch = new Uint8Array(UNRELIABLE_HEADER_BYTES + MAX_UNRELIABLE_PAYLOAD);
  private readonly reliableStats = emptyChannelStats();
  private delivered = 0;
  private decodeErrors = 0;
  private lossProbesSent = 0;
  private readonly lossProber: LossProber | undefined;

  private readonly unreliableHighWaterMark: number;
  private readonly reliableHighWaterMark: number;

  constructor(
    private readonly options: ConnectionOptions,
    adapter: RtcAdapter,
  ) {
    this.role = options.role;
    this.unreliableHighWaterMark = options.unreliableHighWaterMark ?? 64 * 1024;
    this.reliableHighWaterMark = options.reliableHighWaterMark ?? 1024 * 1024;
    this.tracker = new ReceiveTracker(options.maxLatenessMs ?? 250);
    const probes = options.reliableLossProbes;
    if (probes) {
      this.lossProber = new LossProber(probes === true ? {} : probes, () => this.sendLossProbe());
    }
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
    // An unobserved rejection must not crash the process; callers that care await `opened`.
    this.opened.catch(() => undefined);

    this.adapter = adapter;
    this.relayFallback = resolveRelayFallback(options);
    this.setState('connecting');
    this.startAttempt(options.iceTransportPolicy ?? 'all');
    this.unsubscribeSignal = options.signaler.onMessage((message) => void this.onSignal(message));

    const timeoutMs = options.connectTimeoutMs ?? 15_000;
    this.connectTimer = setTimeout(() => this.onConnectTimeout(timeoutMs), timeoutMs);
    unrefTimer(this.connectTimer);
    if (this.relayFallback && this.role === 'offerer' && this.relayFallback.afterMs < timeoutMs) {
      this.fallbackTimer = setTimeout(() => this.onFallbackTimer(), this.relayFallback.afterMs);
      unrefTimer(this.fallbackTimer);
    }
    if (this.role === 'offerer') void this.runStep('offer', () => this.peer.setLocalDescription('offer'));
  }

  /**
   * Creates the peer connection and both channels of one negotiation attempt. Every native
   * callback is bound to its attempt and ignored once a later attempt started: the old objects are
   * closed on a fallback, and their close/state events must not end the connection.
   */
  private startAttempt(policy: 'all' | 'relay'): void {
    const attempt = this.attempt;
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        if (attempt === this.attempt) fn(...args);
      };
    this.openChannels.clear();
    this.remoteDescriptionSet = false;
    this.pendingCandidates.length = 0;
    this.peerState = 'new';
    const options = this.options;
    this.peer = this.adapter.createPeer(
      {
        // With a relay fallback behind it, the first attempt is direct-only (see directOnlyIceServers).
        iceServers:
          policy === 'all' && this.relayFallback
            ? directOnlyIceServers(options.iceServers ?? [])
            : (options.iceServers ?? []),
        iceTransportPolicy: policy,
        label: `${options.label ?? `tickwire-${options.role}`}${attempt > 0 ? `#${attempt}` : ''}`,
        portRange: options.portRange,
        udpMux: options.udpMux,
        bindAddress: options.bindAddress,
      },
      {
        onLocalDescription: live((type: 'offer' | 'answer', sdp: string) =>
          this.signal(this.withAttempt({ kind: 'description', type, sdp })),
        ),
        onLocalCandidate: live((candidate: string, mid: string) =>
          this.signal(this.withAttempt({ kind: 'candidate', candidate, mid })),
        ),
        onStateChange: live((state: RtcPeerState) => this.onPeerState(state)),
      },
    );
    const onError = live((message: string) =>
      this.fail('failed', new TransportError('CONNECTION_FAILED', message)),
    );
    this.unreliable = this.peer.createChannel(
      { label: 'tickwire-unreliable', id: UNRELIABLE_CHANNEL_ID, ordered: false, maxRetransmits: 0 },
      {
        onOpen: live(() => this.onChannelOpen('unreliable')),
        onMessage: live((data: Uint8Array) => this.onUnreliableFrame(data)),
        onClose: live(() => this.onChannelClose()),
        onError,
        onBufferedAmountLow: () => undefined,
      },
    );
    this.reliable = this.peer.createChannel(
      { label: 'tickwire-reliable', id: RELIABLE_CHANNEL_ID, ordered: true },
      {
        onOpen: live(() => this.onChannelOpen('reliable')),
        onMessage: live((data: Uint8Array) => this.onReliableFrame(data)),
        onClose: live(() => this.onChannelClose()),
        onError,
        onBufferedAmountLow: live(() => this.onReliableDrained()),
      },
    );
    this.reliable.setBufferedAmountLowThreshold(this.reliableHighWaterMark / 2);
  }

  /** Marks messages of a fallback attempt (the first attempt's carry no mark: older peers agree). */
  private withAttempt<M extends SignalMessage>(message: M): M {
    return this.attempt === 0 ? message : { ...message, attempt: this.attempt };
  }

  private onFallbackTimer(): void {
    this.fallbackTimer = undefined;
    // ICE that connected is left to finish (DTLS/SCTP on a slow link), whatever the clock says.
    if (this._state === 'connecting' && this.attempt === 0 && this.peerState !== 'connected') {
      this.fallBackToRelay(1, 'timeout');
    }
  }

  /**
   * Gives up on the current negotiation and starts attempt `attempt` relay-only: a new peer
   * connection whose only candidates are TURN relays, so two symmetric NATs (where hole punching
   * fails and libdatachannel was seen not to settle on a relay pair by itself) still meet. The
   * offerer decides and sends a new offer marked with the attempt; the answerer follows it.
   */
  private fallBackToRelay(attempt: number, reason: RelayFallbackEvent['reason']): void {
    this.clearFallbackTimer();
    const old = { peer: this.peer, unreliable: this.unreliable, reliable: this.reliable };
    this.attempt = attempt; // from here every callback of the old attempt is ignored
    old.unreliable.close();
    old.reliable.close();
    old.peer.close();
    this.startAttempt('relay');
    this.events.emit('relay-fallback', { attempt, reason });
    if (this.role === 'offerer') void this.runStep('offer', () => this.peer.setLocalDescription('offer'));
  }

  private clearFallbackTimer(): void {
    if (this.fallbackTimer !== undefined) clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
  }

  get state(): ConnectionState {
    return this._state;
  }

  get maxReliablePayload(): number {
    return (this.peer.remoteMaxMessageSize() ?? DEFAULT_REMOTE_MAX_MESSAGE) - RELIABLE_HEADER_BYTES;
  }

  on<E extends keyof ConnectionEvents>(event: E, handler: ConnectionEvents[E]): () => void {
    return this.events.on(event, handler);
  }

  send(channel: ChannelKind, value: unknown, options?: SendOptions): SendResult {
    this.assertOpen(channel);
    if (channel === 'reliable') {
      let payload: Uint8Array;
      try {
        payload = this.reliableEncoder.encode(value);
      } catch (error) {
        throw this.asReliableSizeError(error);
      }
      try {
        return this.sendReliable(FrameType.Value, payload);
      } catch (error) {
        // The stream encoder may have registered record structures for this message that the peer
        // will now never see: both sides start over from a fresh encoder/decoder pair.
        this.reliableEncoder = createCodec({ mode: 'stream' });
        this.sendReliableControl(FrameType.Reset);
        throw error;
      }
    }
    let payload: Uint8Array;
    try {
      payload = this.datagramCodec.encode(value, { maxBytes: MAX_UNRELIABLE_PAYLOAD });
    } catch (error) {
      throw tooLargeAs(error, 'MESSAGE_TOO_LARGE', MAX_UNRELIABLE_PAYLOAD, 'unreliable');
    }
    return this.sendUnreliable(FrameType.Value, payload, options);
  }

  /** The codec refuses values over its own byte limit before we see their size: same error either way. */
  private asReliableSizeError(error: unknown): unknown {
    return tooLargeAs(error, 'RELIABLE_TOO_LARGE', this.maxReliablePayload, 'reliable');
  }

  sendRaw(channel: ChannelKind, bytes: Uint8Array, options?: SendOptions): SendResult {
    this.assertOpen(channel);
    if (!(bytes instanceof Uint8Array)) {
      throw new TransportError('INVALID_OPTIONS', 'sendRaw takes a Uint8Array');
    }
    return channel === 'reliable'
      ? this.sendReliable(FrameType.Raw, bytes)
      : this.sendUnreliable(FrameType.Raw, bytes, options);
  }

  stats(): ConnectionStats {
    const t = now();
    return {
      rttMs: this.rtt.latestMs,
      srttMs: this.rtt.smoothedMs,
      jitterMs: this.tracker.jitterMs,
      lossFraction: this.tracker.lossFraction,
      sendBytesPerSecond: this.sendRate.perSecond(t),
      receiveBytesPerSecond: this.receiveRate.perSecond(t),
      unreliable: {
        ...this.unreliableStats,
        bufferedAmount: this.unreliable.bufferedAmount(),
        delivered: this.delivered,
        lost: this.tracker.lost,
        discardedOutOfOrder: this.tracker.discardedOutOfOrder,
        discardedStale: this.tracker.discardedStale,
      },
      reliable: { ...this.reliableStats, bufferedAmount: this.reliable.bufferedAmount() },
      lossProbesSent: this.lossProbesSent,
      decodeErrors: this.decodeErrors,
      path: this.path.current,
    };
  }

  bufferedAmount(channel: ChannelKind): number {
    return channel === 'reliable' ? this.reliable.bufferedAmount() : this.unreliable.bufferedAmount();
  }

  selectedCandidatePair(): Promise<SelectedPair | undefined> {
    return this._state === 'open' ? this.peer.selectedPair() : Promise.resolve(undefined);
  }

  close(): void {
    if (this._state === 'closed' || this._state === 'failed') return;
    this.signal({ kind: 'bye', reason: 'closed' });
    this.finish('closed', { reason: 'local' });
  }

  // ---- sending ----

  private assertOpen(channel: ChannelKind): void {
    if (this._state !== 'open') {
      throw new TransportError('NOT_OPEN', `cannot send on ${channel}: connection is ${this._state}`, {
        details: { state: this._state, channel },
      });
    }
  }

  private sendUnreliable(type: FrameType, payload: Uint8Array, options: SendOptions | undefined): SendResult {
    if (payload.byteLength > MAX_UNRELIABLE_PAYLOAD) {
      throw new TransportError(
        'MESSAGE_TOO_LARGE',
        `unreliable message of ${payload.byteLength} bytes exceeds the ${MAX_UNRELIABLE_PAYLOAD}-byte single-packet limit; send it on 'reliable' or split it`,
        { details: { limit: MAX_UNRELIABLE_PAYLOAD, size: payload.byteLength } },
      );
    }
    const stream = options?.stream ?? 0;
    if (!Number.isInteger(stream) || stream < 0 || stream > MAX_STREAM) {
      throw new TransportError('INVALID_OPTIONS', `stream must be an integer 0-${MAX_STREAM}`, {
        details: { stream },
      });
    }
    if (this.unreliableOverMark()) {
      this.unreliableStats.droppedBackpressure += 1;
      return 'dropped';
    }
    return this.writeUnreliable(type, payload, options?.latestOnly ?? true, stream) ? 'sent' : 'dropped';
  }

  private writeUnreliable(
    type: FrameType,
    payload: Uint8Array,
    latestOnly: boolean,
    stream: number,
  ): boolean {
    const t = now();
    const length = writeUnreliableFrameInto(
      this.sendScratch,
      unreliableFlags(type, latestOnly, stream),
      this.seq,
      Math.floor(t) & 0xffff,
      payload,
    );
    const frame = this.sendScratch.subarray(0, length);
    this.seq = (this.seq + 1) & 0xffff;
    try {
      this.unreliable.send(frame);
    } catch (cause) {
      this.emitError(new TransportError('NOT_OPEN', 'unreliable channel refused the message', { cause }));
      return false;
    }
    if (type === FrameType.Value || type === FrameType.Raw) {
      this.unreliableStats.messagesSent += 1;
    }
    this.unreliableStats.bytesSent += frame.byteLength;
    this.sendRate.add(frame.byteLength, t);
    return true;
  }

  private sendReliable(type: FrameType, payload: Uint8Array): SendResult {
    const limit = this.maxReliablePayload;
    if (payload.byteLength > limit) {
      throw new TransportError(
        'RELIABLE_TOO_LARGE',
        `reliable message of ${payload.byteLength} bytes exceeds the peer's max-message-size of ${limit} bytes`,
        { details: { limit, size: payload.byteLength } },
      );
    }
    // Small frames (most game events) go through the scratch buffer like unreliable ones.
    const frame =
      payload.byteLength <= MAX_UNRELIABLE_PAYLOAD
        ? this.sendScratch.subarray(0, writeReliableFrameInto(this.sendScratch, type, payload))
        : writeReliableFrame(type, payload);
    try {
      this.reliable.send(frame);
    } catch (cause) {
      throw new TransportError('NOT_OPEN', 'reliable channel refused the message', { cause });
    }
    this.reliableStats.messagesSent += 1;
    this.reliableStats.bytesSent += frame.byteLength;
    this.sendRate.add(frame.byteLength, now());
    this.lossProber?.onReliableSend();
    if (this.reliable.bufferedAmount() > this.reliableHighWaterMark) {
      this.reliableOverMark = true;
      return 'backpressure';
    }
    return 'sent';
  }

  /** Unreliable sends are dropped above the high-water mark; control frames (pings, probes) too. */
  private unreliableOverMark(): boolean {
    return this.unreliable.bufferedAmount() > this.unreliableHighWaterMark;
  }

  private sendLossProbe(): boolean {
    if (this._state !== 'open' || this.unreliableOverMark()) return false;
    if (!this.writeUnreliable(FrameType.Probe, EMPTY, false, 0)) return false;
    this.lossProbesSent += 1;
    return true;
  }

  private sendReliableControl(type: FrameType): void {
    try {
      this.reliable.send(writeReliableFrame(type, EMPTY));
    } catch {
      // The channel is gone; the close path reports that.
    }
  }

  private onReliableDrained(): void {
    if (!this.reliableOverMark) return;
    this.reliableOverMark = false;
    this.events.emit('drain');
  }

  // ---- receiving ----

  private onUnreliableFrame(frame: Uint8Array): void {
    const t = now();
    this.unreliableStats.bytesReceived += frame.byteLength;
    this.receiveRate.add(frame.byteLength, t);
    // Header fields read in place (frame.ts documents the layout): no header object per frame.
    const flags = frame[0]!;
    const type = flags & 0x07;
    if (frame.byteLength < UNRELIABLE_HEADER_BYTES || type > FrameType.Probe || type === FrameType.Reset) {
      this.rejectFrame('unreliable', 'bad-header');
      return;
    }
    const seq = (frame[1]! << 8) | frame[2]!;
    const stamp = (frame[3]! << 8) | frame[4]!;
    const stream = flags >>> 4;
    const body = frame.subarray(UNRELIABLE_HEADER_BYTES);
    if (type === FrameType.Ping || type === FrameType.Pong || type === FrameType.Probe) {
      // Control frames share the sequence space (loss and jitter count them); probes end here.
      this.tracker.accept(seq, stamp, false, stream, t);
      if (type !== FrameType.Probe) this.onPingFrame(type, body);
      return;
    }
    this.unreliableStats.messagesReceived += 1;
    const verdict = this.tracker.accept(seq, stamp, (flags & 0x08) !== 0, stream, t);
    if (verdict !== 'deliver') return;
    let data: unknown = body;
    if (type === FrameType.Value) {
      try {
        data = this.datagramCodec.decode(body);
      } catch (error) {
        this.rejectFrame('unreliable', 'undecodable', error);
        return;
      }
    }
    this.delivered += 1;
    this.events.emit('message', { channel: 'unreliable', stream, data, raw: type === FrameType.Raw });
  }

  private onReliableFrame(frame: Uint8Array): void {
    this.reliableStats.bytesReceived += frame.byteLength;
    this.receiveRate.add(frame.byteLength, now());
    const type = frame[0];
    if (type === FrameType.Reset && frame.byteLength === RELIABLE_HEADER_BYTES) {
      this.reliableDecoder = createCodec({ mode: 'stream' });
      return;
    }
    if (frame.byteLength < RELIABLE_HEADER_BYTES || (type !== FrameType.Value && type !== FrameType.Raw)) {
      this.rejectFrame('reliable', 'bad-header');
      return;
    }
    this.reliableStats.messagesReceived += 1;
    const body = frame.subarray(RELIABLE_HEADER_BYTES);
    let data: unknown = body;
    if (type === FrameType.Value) {
      try {
        data = this.reliableDecoder.decode(body);
      } catch (error) {
        this.rejectFrame('reliable', 'undecodable', error);
        return;
      }
    }
    this.events.emit('message', { channel: 'reliable', stream: 0, data, raw: type === FrameType.Raw });
  }

  private rejectFrame(channel: ChannelKind, reason: string, cause?: unknown): void {
    this.decodeErrors += 1;
    const error =
      cause instanceof TransportError
        ? cause
        : new TransportError('DECODE', `undecodable ${channel} frame (${reason})`, {
            cause,
            details: { channel, reason },
          });
    this.emitError(error);
  }

  // ---- RTT ----

  private onPingFrame(type: FrameType, body: Uint8Array): void {
    if (body.byteLength !== 2 || this._state === 'closed' || this._state === 'failed') return;
    if (type === FrameType.Ping) {
      // The peer's first ping can arrive before our own open event (its side opened first): answer
      // it as soon as our channel is natively open, or its first RTT sample waits a ping interval.
      if (this.unreliable.isOpen() && !this.unreliableOverMark()) {
        this.writeUnreliable(FrameType.Pong, body, false, 0);
      }
      return;
    }
    const sample = this.rtt.onPong((body[0]! << 8) | body[1]!, now());
    if (sample !== undefined) this.events.emit('rtt', sample);
  }

  private sendPing(): void {
    if (this._state !== 'open' || this.unreliableOverMark()) return;
    const id = this.rtt.nextPing(now());
    this.writeUnreliable(FrameType.Ping, new Uint8Array([id >>> 8, id & 0xff]), false, 0);
  }

  // ---- signaling and lifecycle ----

  private signal(message: SignalMessage): void {
    try {
      const result = this.options.signaler.send(message);
      if (result instanceof Promise) {
        result.catch((cause: unknown) => this.onSignalSendError(message, cause));
      }
    } catch (cause) {
      this.onSignalSendError(message, cause);
    }
  }

  private onSignalSendError(message: SignalMessage, cause: unknown): void {
    if (message.kind === 'bye') return;
    this.emitError(new TransportError('SIGNALING', `could not send ${message.kind}`, { cause }));
  }

  private async onSignal(message: SignalMessage): Promise<void> {
    if (this._state === 'closed' || this._state === 'failed') return;
    if (message.kind !== 'bye' && !this.admitAttempt(message)) return;
    switch (message.kind) {
      case 'description': {
        const expected = this.role === 'offerer' ? 'answer' : 'offer';
        if (message.type !== expected) {
          this.emitError(
            new TransportError('SIGNALING', `unexpected remote ${message.type} for an ${this.role}`),
          );
          return;
        }
        const ok = await this.runStep('remote-description', () =>
          this.peer.setRemoteDescription(message.type, message.sdp),
        );
        if (!ok) return;
        this.remoteDescriptionSet = true;
        const attempt = this.attempt;
        for (const c of this.pendingCandidates.splice(0)) {
          if (attempt !== this.attempt) return;
          await this.runStep(
            'remote-candidate',
            () => this.peer.addRemoteCandidate(c.candidate, c.mid),
            false,
          );
        }
        if (this.role === 'answerer' && attempt === this.attempt)
          await this.runStep('answer', () => this.peer.setLocalDescription('answer'));
        return;
      }
      case 'candidate':
        this.path.noteRemoteCandidate(message.candidate);
        if (!this.remoteDescriptionSet) {
          if (this.pendingCandidates.length < 256) this.pendingCandidates.push(message);
          return;
        }
        await this.runStep(
          'remote-candidate',
          () => this.peer.addRemoteCandidate(message.candidate, message.mid),
          false,
        );
        return;
      case 'bye':
        this.finish(this._state === 'open' ? 'closed' : 'failed', {
          reason: 'remote',
          error: new TransportError('CONNECTION_FAILED', `remote peer hung up: ${message.reason ?? 'bye'}`),
        });
        return;
      default: {
        const unknown: never = message;
        this.emitError(new TransportError('SIGNALING', `unknown signal ${JSON.stringify(unknown)}`));
      }
    }
  }

  /**
   * Which negotiation a description or candidate belongs to: false for one we gave up on (dropped)
   * or cannot accept. An offer for a later attempt makes the answerer follow the offerer's fallback.
   */
  private admitAttempt(message: Exclude<SignalMessage, { kind: 'bye' }>): boolean {
    const attempt = message.attempt ?? 0;
    if (attempt === this.attempt) return true;
    if (attempt < this.attempt) return false;
    const follows =
      this.role === 'answerer' &&
      this._state === 'connecting' &&
      Number.isInteger(attempt) &&
      attempt <= MAX_ATTEMPT;
    if (follows && message.kind === 'candidate') {
      // The offer of that attempt is on its way (signalers may reorder across message kinds).
      if (this.earlyCandidates.length < 256) this.earlyCandidates.push({ attempt, ...message });
      return false;
    }
    if (!follows || message.kind !== 'description' || message.type !== 'offer') {
      this.emitError(
        new TransportError('SIGNALING', `unexpected ${message.kind} for negotiation attempt ${attempt}`, {
          details: { attempt, current: this.attempt },
        }),
      );
      return false;
    }
    this.fallBackToRelay(attempt, 'peer');
    for (const c of this.earlyCandidates.splice(0)) {
      if (c.attempt === attempt) this.pendingCandidates.push({ candidate: c.candidate, mid: c.mid });
    }
    return true;
  }

  /** Runs one negotiation step; failure is fatal unless `fatal` is false (a bad candidate is not). */
  private async runStep(step: string, fn: () => Promise<void>, fatal = true): Promise<boolean> {
    const attempt = this.attempt;
    try {
      await fn();
      return attempt === this.attempt;
    } catch (cause) {
      if (attempt !== this.attempt) return false; // a step of an attempt given up on
      const error =
        cause instanceof TransportError
          ? cause
          : new TransportError('SIGNALING', `${step} failed: ${String(cause)}`, { cause, details: { step } });
      if (fatal) this.fail('failed', error);
      else this.emitError(error);
      return false;
    }
  }

  private onPeerState(state: RtcPeerState): void {
    this.peerState = state;
    if (state === 'failed' && this._state === 'connecting' && this.attempt === 0 && this.relayFallback) {
      // The offerer falls back at once; the answerer waits for its new offer (connectTimeoutMs
      // still bounds the wait).
      if (this.role === 'offerer') this.fallBackToRelay(1, 'ice-failed');
      return;
    }
    if (state === 'failed') {
      this.fail(
        'failed',
        new TransportError('CONNECTION_FAILED', 'ICE/DTLS connection failed', { details: { step: 'ice' } }),
      );
    } else if (state === 'closed' && this._state === 'open') {
      this.finish('closed', { reason: 'remote' });
    }
  }

  private onChannelOpen(kind: ChannelKind): void {
    if (this._state !== 'connecting') return;
    this.openChannels.add(kind);
    if (this.openChannels.size < 2) return;
    this.clearConnectTimer();
    this.clearFallbackTimer();
    this.setState('open');
    const readPath = (): Promise<void> => this.path.refresh(() => this.peer.selectedPair());
    this.pingTimer = setInterval(() => {
      this.sendPing();
      void readPath();
    }, this.options.pingIntervalMs ?? 1000);
    unrefTimer(this.pingTimer);
    this.sendPing();
    void readPath();
    this.resolveOpened();
    this.events.emit('open');
  }

  private onChannelClose(): void {
    if (this._state === 'open') this.finish('closed', { reason: 'remote' });
    else if (this._state === 'connecting') {
      this.fail('failed', new TransportError('CONNECTION_FAILED', 'a data channel closed while connecting'));
    }
  }

  private onConnectTimeout(timeoutMs: number): void {
    const step = !this.remoteDescriptionSet
      ? 'signaling'
      : this.peerState !== 'connected'
        ? 'ice'
        : 'data-channels';
    this.fail(
      'timeout',
      new TransportError('TIMEOUT', `connection not open after ${timeoutMs} ms (stuck at: ${step})`, {
        details: { step, timeoutMs },
      }),
    );
  }

  private fail(reason: CloseEvent['reason'], error: TransportError): void {
    if (this._state === 'closed' || this._state === 'failed') return;
    this.signal({ kind: 'bye', reason: error.code });
    this.finish(this._state === 'open' ? 'closed' : 'failed', { reason, error });
  }

  private finish(state: 'closed' | 'failed', event: CloseEvent): void {
    if (this._state === 'closed' || this._state === 'failed') return;
    this.clearConnectTimer();
    this.clearFallbackTimer();
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.lossProber?.stop();
    this.unsubscribeSignal();
    this.unreliable.close();
    this.reliable.close();
    this.peer.close();
    this.setState(state);
    this.rejectOpened(
      event.error ?? new TransportError('NOT_OPEN', `connection ${state} before it opened (${event.reason})`),
    );
    this.events.emit('close', event);
    this.events.clear();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.events.emit('state', state);
  }

  private emitError(error: TransportError): void {
    this.events.emit('error', error);
  }
}

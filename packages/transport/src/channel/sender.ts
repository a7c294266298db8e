// The send side of both data channels: encodes values (msgpackr), enforces the size limits and the
// high-water marks, frames and counts every message. Unreliable messages over the mark, or that
// the channel refuses, are dropped and counted, never queued: newer state follows. Reliable ones
// are never dropped: misuse throws a TransportError, a full buffer reports `backpressure`.
// While an ICE restart replaces the channels the sender is suspended: unreliable sends are dropped
// and counted, reliable ones are queued behind a Reset frame and go out in order on the new
// reliable channel (the old one's SCTP buffer, and whatever it held, is gone with the broken path).
import { createCodec, type Codec } from '../codec/index.js';
import { TransportError } from '../errors.js';
import type { RtcChannel } from '../rtc/adapter.js';
import type { RateMeter } from '../stats/rate-meter.js';
import type { ChannelStats } from '../stats/types.js';
import type { ChannelKind, SendOptions, SendResult } from '../connection/types.js';
import { MAX_UNRELIABLE_PAYLOAD } from '../connection/options.js';
import {
  FrameType,
  MAX_STREAM,
  UNRELIABLE_HEADER_BYTES,
  unreliableFlags,
  writeReliableFrame,
  writeReliableFrameInto,
  writeUnreliableFrameInto,
} from './frame.js';
import { LossProber, type LossProbeOptions } from './loss-probes.js';

const EMPTY = new Uint8Array(0);
const now = (): number => performance.now();

export function emptyChannelStats(): ChannelStats {
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

export interface SenderConfig {
  unreliableHighWaterMark: number;
  reliableHighWaterMark: number;
  lossProbes: LossProbeOptions | undefined;
  /** Largest reliable payload the peer accepts (from its SCTP max-message-size). */
  maxReliablePayload(): number;
  /** Bytes of every frame sent, both channels. */
  sendRate: RateMeter;
  /** Loss probes only go out while this holds (the connection is open). */
  isOpen(): boolean;
  /** A refused unreliable send (the caller gets `dropped`; the error says why). */
  onError(error: TransportError): void;
}

export class FrameSender {
  readonly unreliableStats = { ...emptyChannelStats(), droppedRefused: 0, droppedRestarting: 0 };
  readonly reliableStats: ChannelStats = emptyChannelStats();
  lossProbesSent = 0;
  private unreliable!: RtcChannel;
  private reliable!: RtcChannel;
  private readonly datagramCodec: Codec = createCodec({ mode: 'datagram' });
  private reliableEncoder: Codec = createCodec({ mode: 'stream' });
  private seq = 0;
  private reliableOverMark = false;
  /** Set while an ICE restart runs: reliable frames wait here (copies), oldest first. */
  private held: Uint8Array[] | undefined;
  private heldBytes = 0;
  private readonly lossProber: LossProber | undefined;
  /**
   * Every unreliable frame, and every reliable one that fits, is written here: the channel copies
   * the bytes before send() returns.
   */
  private readonly scratch = new Uint8Array(UNRELIABLE_HEADER_BYTES + MAX_UNRELIABLE_PAYLOAD);

  constructor(private readonly config: SenderConfig) {
    if (config.lossProbes !== undefined) {
      this.lossProber = new LossProber(config.lossProbes, () => this.sendLossProbe());
    }
  }

  /** The channels of the current negotiation attempt (a relay fallback brings new ones). */
  attach(unreliable: RtcChannel, reliable: RtcChannel): void {
    this.unreliable = unreliable;
    this.reliable = reliable;
  }

  /**
   * An ICE restart starts: nothing goes to the current channels any more. The reliable encoder
   * starts over (the peer may never see structures the lost in-flight messages registered), so the
   * held queue begins with a Reset frame that makes the peer's decoder start over too.
   */
  suspend(): void {
    if (this.held !== undefined) return;
    this.reliableEncoder = createCodec({ mode: 'stream' });
    this.held = [writeReliableFrame(FrameType.Reset, EMPTY)];
    this.heldBytes = 0;
  }

  /** The restart's channels are open: they carry everything from now on, held frames first. */
  resume(unreliable: RtcChannel, reliable: RtcChannel): void {
    this.attach(unreliable, reliable);
    const held = this.held ?? [];
    this.held = undefined;
    this.heldBytes = 0;
    for (const frame of held) {
      try {
        reliable.send(frame);
      } catch {
        return; // the new channel is gone already; its close ends the connection
      }
    }
  }

  send(channel: ChannelKind, value: unknown, options?: SendOptions): SendResult {
    if (channel === 'reliable') {
      let payload: Uint8Array;
      try {
        payload = this.reliableEncoder.encode(value);
      } catch (error) {
        throw tooLargeAs(error, 'RELIABLE_TOO_LARGE', this.config.maxReliablePayload(), 'reliable');
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

  sendRaw(channel: ChannelKind, bytes: Uint8Array, options?: SendOptions): SendResult {
    if (!(bytes instanceof Uint8Array)) {
      throw new TransportError('INVALID_OPTIONS', 'sendRaw takes a Uint8Array');
    }
    return channel === 'reliable'
      ? this.sendReliable(FrameType.Raw, bytes)
      : this.sendUnreliable(FrameType.Raw, bytes, options);
  }

  /** Control frames (ping, pong) share the unreliable sequence space; dropped over the mark. */
  sendControl(type: typeof FrameType.Ping | typeof FrameType.Pong, body: Uint8Array): void {
    if (this.held !== undefined) return;
    if (!this.unreliable.isOpen() || this.unreliableOverMark()) return;
    this.writeUnreliable(type, body, false, 0);
  }

  /** True once after reporting `backpressure` when the reliable buffer drained: emit `drain`. */
  reliableDrained(): boolean {
    if (!this.reliableOverMark) return false;
    this.reliableOverMark = false;
    return true;
  }

  /** Bytes queued in one channel's native send buffer. */
  bufferedAmount(channel: ChannelKind): number {
    if (this.held !== undefined) return channel === 'reliable' ? this.heldBytes : 0;
    return channel === 'reliable' ? this.reliable.bufferedAmount() : this.unreliable.bufferedAmount();
  }

  /** Unreliable sends are dropped above the high-water mark; control frames (pings, probes) too. */
  unreliableOverMark(): boolean {
    if (this.held !== undefined) return false;
    return this.unreliable.bufferedAmount() > this.config.unreliableHighWaterMark;
  }

  stop(): void {
    this.lossProber?.stop();
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
    if (this.held !== undefined) {
      this.unreliableStats.droppedRestarting += 1;
      return 'dropped';
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
      this.scratch,
      unreliableFlags(type, latestOnly, stream),
      this.seq,
      Math.floor(t) & 0xffff,
      payload,
    );
    const frame = this.scratch.subarray(0, length);
    this.seq = (this.seq + 1) & 0xffff;
    try {
      this.unreliable.send(frame);
    } catch (cause) {
      this.unreliableStats.droppedRefused += 1;
      this.config.onError(
        new TransportError('NOT_OPEN', 'unreliable channel refused the message', {
          cause,
          details: { channel: 'unreliable' },
        }),
      );
      return false;
    }
    if (type === FrameType.Value || type === FrameType.Raw) this.unreliableStats.messagesSent += 1;
    this.unreliableStats.bytesSent += frame.byteLength;
    this.config.sendRate.add(frame.byteLength, t);
    return true;
  }

  private sendReliable(type: FrameType, payload: Uint8Array): SendResult {
    const limit = this.config.maxReliablePayload();
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
        ? this.scratch.subarray(0, writeReliableFrameInto(this.scratch, type, payload))
        : writeReliableFrame(type, payload);
    if (this.held !== undefined) return this.holdReliable(frame);
    try {
      this.reliable.send(frame);
    } catch (cause) {
      throw new TransportError('NOT_OPEN', 'reliable channel refused the message', { cause });
    }
    this.reliableStats.messagesSent += 1;
    this.reliableStats.bytesSent += frame.byteLength;
    this.config.sendRate.add(frame.byteLength, now());
    this.lossProber?.onReliableSend();
    if (this.reliable.bufferedAmount() > this.config.reliableHighWaterMark) {
      this.reliableOverMark = true;
      return 'backpressure';
    }
    return 'sent';
  }

  /** A reliable frame sent during a restart: copied (the scratch buffer is reused) and queued. */
  private holdReliable(frame: Uint8Array): SendResult {
    this.held!.push(frame.slice());
    this.heldBytes += frame.byteLength;
    this.reliableStats.messagesSent += 1;
    this.reliableStats.bytesSent += frame.byteLength;
    if (this.heldBytes > this.config.reliableHighWaterMark) {
      this.reliableOverMark = true;
      return 'backpressure';
    }
    return 'sent';
  }

  /**
   * A keepalive: an empty probe frame on the unreliable channel (the peer's receiver counts it in
   * the sequence space and drops it; older peers do the same), so the peer's silence watchdog hears
   * from an idle side. False when it could not go out (held during a restart, closed, over the mark).
   */
  sendKeepalive(): boolean {
    if (this.held !== undefined) return false;
    if (!this.config.isOpen() || this.unreliableOverMark()) return false;
    return this.writeUnreliable(FrameType.Probe, EMPTY, false, 0);
  }

  private sendLossProbe(): boolean {
    if (this.held !== undefined) return false;
    if (!this.config.isOpen() || this.unreliableOverMark()) return false;
    if (!this.writeUnreliable(FrameType.Probe, EMPTY, false, 0)) return false;
    this.lossProbesSent += 1;
    return true;
  }

  private sendReliableControl(type: FrameType): void {
    if (this.held !== undefined) {
      this.held.push(writeReliableFrame(type, EMPTY));
      return;
    }
    try {
      this.reliable.send(writeReliableFrame(type, EMPTY));
    } catch {
      // The channel is gone; the close path reports that.
    }
  }
}

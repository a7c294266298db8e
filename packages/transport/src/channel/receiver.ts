// The receive side of both data channels: parses frames (frame.ts), runs unreliable ones through
// the receive tracker (loss, jitter, latest-only, stale discard), decodes values and hands
// messages on. Bytes from the peer are untrusted: a bad frame is counted and reported as a DECODE
// error, never thrown (this runs inside native callbacks).
import { createCodec, type Codec } from '../codec/index.js';
import { TransportError } from '../errors.js';
import { ReceiveTracker } from '../stats/receive-tracker.js';
import type { RateMeter } from '../stats/rate-meter.js';
import type { ChannelKind, MessageEvent } from '../connection/types.js';
import { FrameType, parseReliableFrame, parseUnreliableFrame } from './frame.js';
import { emptyChannelStats } from './sender.js';

const now = (): number => performance.now();

export interface ReceiverConfig {
  maxLatenessMs: number;
  /** Bytes of every frame received, both channels. */
  receiveRate: RateMeter;
  deliver(event: MessageEvent): void;
  /** Ping and pong frames (body: the 16-bit ping id). */
  onPing(type: typeof FrameType.Ping | typeof FrameType.Pong, body: Uint8Array): void;
  onError(error: TransportError): void;
}

export class FrameReceiver {
  readonly tracker: ReceiveTracker;
  readonly unreliableStats = emptyChannelStats();
  readonly reliableStats = emptyChannelStats();
  delivered = 0;
  decodeErrors = 0;
  private readonly datagramCodec: Codec = createCodec({ mode: 'datagram' });
  private reliableDecoder: Codec = createCodec({ mode: 'stream' });

  constructor(private readonly config: ReceiverConfig) {
    this.tracker = new ReceiveTracker(config.maxLatenessMs);
  }

  onUnreliableFrame(bytes: Uint8Array): void {
    const t = now();
    this.unreliableStats.bytesReceived += bytes.byteLength;
    this.config.receiveRate.add(bytes.byteLength, t);
    const frame = parseUnreliableFrame(bytes);
    if (frame === undefined) {
      this.reject('unreliable', 'bad-header');
      return;
    }
    const { type, stream } = frame;
    if (type === FrameType.Ping || type === FrameType.Pong || type === FrameType.Probe) {
      // Control frames share the sequence space (loss and jitter count them); probes end here.
      this.tracker.accept(frame.seq, frame.stamp, false, stream, t);
      if (type !== FrameType.Probe) this.config.onPing(type, frame.body);
      return;
    }
    this.unreliableStats.messagesReceived += 1;
    const verdict = this.tracker.accept(frame.seq, frame.stamp, frame.latestOnly, stream, t);
    if (verdict !== 'deliver') return;
    let data: unknown = frame.body;
    if (type === FrameType.Value) {
      try {
        data = this.datagramCodec.decode(frame.body);
      } catch (error) {
        this.reject('unreliable', 'undecodable', error);
        return;
      }
    }
    this.delivered += 1;
    this.config.deliver({ channel: 'unreliable', stream, data, raw: type === FrameType.Raw });
  }

  onReliableFrame(bytes: Uint8Array): void {
    this.reliableStats.bytesReceived += bytes.byteLength;
    this.config.receiveRate.add(bytes.byteLength, now());
    const frame = parseReliableFrame(bytes);
    if (frame === undefined) {
      this.reject('reliable', 'bad-header');
      return;
    }
    if (frame.type === FrameType.Reset) {
      this.reliableDecoder = createCodec({ mode: 'stream' });
      return;
    }
    this.reliableStats.messagesReceived += 1;
    let data: unknown = frame.body;
    if (frame.type === FrameType.Value) {
      try {
        data = this.reliableDecoder.decode(frame.body);
      } catch (error) {
        this.reject('reliable', 'undecodable', error);
        return;
      }
    }
    this.config.deliver({ channel: 'reliable', stream: 0, data, raw: frame.type === FrameType.Raw });
  }

  private reject(channel: ChannelKind, reason: string, cause?: unknown): void {
    this.decodeErrors += 1;
    // The codec's own errors (bombs, limits) are TransportErrors already and say more.
    this.config.onError(
      TransportError.from(cause, 'DECODE', {
        message: `undecodable ${channel} frame (${reason})`,
        details: { channel, reason },
      }),
    );
  }
}

// RTT measurement: a ping over the unreliable channel every `intervalMs` while the connection is
// open, answered by the peer's pong, so RTT is measured on the path game state takes. Pongs for
// unknown ids (late, forged) are ignored. The timer is unref'd and stopped on close: it must never
// keep a process alive.
import { FrameType } from '../channel/frame.js';
import { RttMeter } from './rtt.js';

const now = (): number => performance.now();

export interface PingerConfig {
  intervalMs: number;
  send(type: typeof FrameType.Ping | typeof FrameType.Pong, body: Uint8Array): void;
  /** Pings go out, and pongs count, only while this holds. */
  isOpen(): boolean;
  /** Pings from the peer are answered while this holds (our side may open a moment after theirs). */
  isLive(): boolean;
  onSample(rttMs: number): void;
}

export class Pinger {
  readonly rtt = new RttMeter();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly config: PingerConfig) {}

  start(): void {
    this.timer = setInterval(() => this.ping(), this.config.intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
    this.ping();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  onFrame(type: typeof FrameType.Ping | typeof FrameType.Pong, body: Uint8Array): void {
    if (body.byteLength !== 2 || !this.config.isLive()) return;
    if (type === FrameType.Ping) {
      // The peer's first ping can arrive before our own open event (its side opened first): answer
      // it as soon as our channel is natively open (sender checks), or its first RTT sample waits
      // a ping interval.
      this.config.send(FrameType.Pong, body);
      return;
    }
    const sample = this.rtt.onPong((body[0]! << 8) | body[1]!, now());
    if (sample !== undefined) this.config.onSample(sample);
  }

  private ping(): void {
    if (!this.config.isOpen()) return;
    const id = this.rtt.nextPing(now());
    this.config.send(FrameType.Ping, new Uint8Array([id >>> 8, id & 0xff]));
  }
}

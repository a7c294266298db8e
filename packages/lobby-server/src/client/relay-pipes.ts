// The client's end of the lobby relay: one transport RelayPipe per remote peer, carrying game
// traffic as binary relay frames through the lobby's WebSocket when WebRTC finds no path. Each pipe
// paces itself under the budget the lobby announced in `welcome` (a little below it, so the lobby
// never has to refuse a well-behaved client): frames wait in its queue, which the transport sees as
// bufferedAmount, so unreliable sends are dropped over their high-water mark and reliable ones
// report backpressure, as over SCTP. Reliable frames are never dropped here. A pipe dies with the
// socket it was made on (frames in flight are lost, so a connection over it must end).
// Browser-safe: no Node imports.
import type { RelayPipe, RelayRefusal } from '@tickwire/transport';
import { LobbyError } from '../errors.js';
import { encodeRelayFrame, relayFrameCost } from '../protocol/relay-frame.js';
import type { RelayTerms } from '../protocol/server-messages.js';

/** Pace at this share of the announced rate, with this share of its burst. */
const RATE_SHARE = 0.9;
const BURST_SHARE = 0.5;

/** What a pipe needs from the socket under it. */
export interface RelayTransport {
  sendBinary(bytes: Uint8Array): void;
  bufferedAmount(): number;
}

interface Endpoint {
  readonly protocol: 'tcp' | 'tls';
  readonly address: string;
  readonly port: number;
}

/** Where a lobby URL points, for the path stats. */
export function endpointOf(url: string): Endpoint {
  try {
    const parsed = new URL(url);
    const tls = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
    return {
      protocol: tls ? 'tls' : 'tcp',
      address: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: parsed.port === '' ? (tls ? 443 : 80) : Number(parsed.port),
    };
  } catch {
    return { protocol: 'tcp', address: '', port: 0 };
  }
}

type Handlers<F> = Set<F>;

function subscribe<F>(set: Handlers<F>, handler: F): () => void {
  set.add(handler);
  return () => {
    set.delete(handler);
  };
}

export class LobbyRelayPipe implements RelayPipe {
  readonly maxFrameBytes: number;
  readonly protocol: 'tcp' | 'tls';
  readonly address: string;
  readonly port: number;
  private closed = false;
  private readonly queue: Array<{ frame: Uint8Array; reliable: boolean }> = [];
  private queuedBytes = 0;
  private tokens: number;
  private updatedAt = performance.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly rate: number;
  private readonly burst: number;
  private readonly frameHandlers: Handlers<(frame: Uint8Array, reliable: boolean) => void> = new Set();
  private readonly refusedHandlers: Handlers<(refusal: RelayRefusal) => void> = new Set();
  private readonly drainHandlers: Handlers<() => void> = new Set();
  private readonly closedHandlers: Handlers<() => void> = new Set();

  constructor(
    readonly peerId: string,
    terms: RelayTerms,
    endpoint: Endpoint,
    private readonly transport: RelayTransport,
    private readonly onHandlerError: (error: unknown) => void,
  ) {
    this.maxFrameBytes = terms.maxFrameBytes;
    this.protocol = endpoint.protocol;
    this.address = endpoint.address;
    this.port = endpoint.port;
    this.rate = terms.peerBytesPerSecond * RATE_SHARE;
    // A largest frame must fit the burst; the lobby checks that its own burst holds one.
    this.burst = Math.min(
      terms.burstBytes,
      Math.max(terms.burstBytes * BURST_SHARE, relayFrameCost(terms.maxFrameBytes)),
    );
    this.tokens = this.burst;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Nobody listens and nothing is queued: the pipe can be forgotten. */
  get idle(): boolean {
    return this.frameHandlers.size === 0 && this.queue.length === 0;
  }

  send(frame: Uint8Array, reliable: boolean): void {
    if (this.closed) throw new LobbyError('disconnected', 'the lobby relay to that peer is closed');
    if (frame.byteLength > this.maxFrameBytes) {
      throw new LobbyError('frame_too_large', 'relay frame too large', {
        details: { limit: this.maxFrameBytes, size: frame.byteLength },
      });
    }
    this.queue.push({ frame, reliable });
    this.queuedBytes += frame.byteLength;
    this.pump();
  }

  bufferedAmount(): number {
    return this.queuedBytes + this.transport.bufferedAmount();
  }

  onFrame(handler: (frame: Uint8Array, reliable: boolean) => void): () => void {
    return subscribe(this.frameHandlers, handler);
  }

  onRefused(handler: (refusal: RelayRefusal) => void): () => void {
    return subscribe(this.refusedHandlers, handler);
  }

  onDrain(handler: () => void): () => void {
    return subscribe(this.drainHandlers, handler);
  }

  onClosed(handler: () => void): () => void {
    return subscribe(this.closedHandlers, handler);
  }

  /** A frame from the peer. */
  deliver(frame: Uint8Array, reliable: boolean): void {
    if (!this.closed) this.emit(this.frameHandlers, (h) => h(frame, reliable));
  }

  /** The lobby refused a frame of this pipe. */
  refused(refusal: RelayRefusal): void {
    if (!this.closed) this.emit(this.refusedHandlers, (h) => h(refusal));
  }

  /** The socket under the pipe closed: queued frames are dropped, the pipe is dead. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.emit(this.closedHandlers, (h) => h());
    this.frameHandlers.clear();
    this.refusedHandlers.clear();
    this.drainHandlers.clear();
    this.closedHandlers.clear();
  }

  /** Sends what the budget allows now and schedules the rest. */
  private pump(): void {
    if (this.closed || this.timer !== undefined) return;
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    let sent = false;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const cost = relayFrameCost(head.frame.byteLength);
      if (this.tokens < cost) {
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.pump();
          },
          Math.max(1, Math.ceil(((cost - this.tokens) / this.rate) * 1000)),
        );
        (this.timer as { unref?: () => void }).unref?.();
        return;
      }
      this.queue.shift();
      this.queuedBytes -= head.frame.byteLength;
      this.tokens -= cost;
      try {
        this.transport.sendBinary(
          encodeRelayFrame({ peer: this.peerId, reliable: head.reliable, payload: head.frame }),
        );
      } catch {
        // The socket is going away; its close event closes this pipe.
        return;
      }
      sent = true;
    }
    if (sent) this.emit(this.drainHandlers, (h) => h());
  }

  private emit<F>(set: Handlers<F>, call: (handler: F) => void): void {
    for (const handler of [...set]) {
      try {
        call(handler);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }
}

/** Every pipe of one client, by peer: routes frames and refusals, and closes all with the socket. */
export class RelayPipes {
  private readonly pipes = new Map<string, LobbyRelayPipe>();

  constructor(
    private readonly transport: RelayTransport,
    private readonly onHandlerError: (error: unknown) => void,
  ) {}

  /** The live pipe to `peer` (one per peer, shared by its connections), or undefined without relay. */
  pipeFor(peer: string, terms: RelayTerms | null, url: string): LobbyRelayPipe | undefined {
    if (!terms) return undefined;
    const existing = this.pipes.get(peer);
    if (existing && !existing.isClosed) return existing;
    if (this.pipes.size >= 64) {
      for (const [id, old] of this.pipes) if (old.idle) this.pipes.delete(id);
    }
    const pipe = new LobbyRelayPipe(peer, terms, endpointOf(url), this.transport, this.onHandlerError);
    this.pipes.set(peer, pipe);
    return pipe;
  }

  deliver(from: string, frame: Uint8Array, reliable: boolean): void {
    this.pipes.get(from)?.deliver(frame, reliable);
  }

  refused(peer: string, refusal: RelayRefusal): void {
    this.pipes.get(peer)?.refused(refusal);
  }

  closeAll(): void {
    for (const pipe of this.pipes.values()) pipe.close();
    this.pipes.clear();
  }
}

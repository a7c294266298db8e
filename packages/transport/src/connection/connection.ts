// A tickwire connection: one RTCPeerConnection with two pre-negotiated data channels opened
// together, `unreliable` (unordered, maxRetransmits 0) and `reliable` (ordered). This class is the
// state machine and the public face only; the layers do the work: negotiation/ (attempts,
// candidates, relay fallback, ICE restarts, timeouts), channel/ (frames, send and receive paths,
// loss probes), stats/ (counters, RTT pings). It reports every bad input as an `error` event and
// must never throw into a native callback. An ICE restart keeps this object, its state (`open`)
// and every layer above it: only the channels underneath are replaced.
import { TransportError } from '../errors.js';
import type { RtcAdapter, SelectedPair } from '../rtc/adapter.js';
import { FrameReceiver } from '../channel/receiver.js';
import { FrameSender } from '../channel/sender.js';
import { Negotiator } from '../negotiation/negotiator.js';
import { PathTracker } from '../stats/path.js';
import { Pinger } from '../stats/pinger.js';
import { RateMeter } from '../stats/rate-meter.js';
import type { ConnectionStats } from '../stats/types.js';
import { Emitter } from '../events/emitter.js';
import { DEFAULT_REMOTE_MAX_MESSAGE, MAX_UNRELIABLE_PAYLOAD, resolveOptions } from './options.js';
import { RELIABLE_HEADER_BYTES } from '../channel/frame.js';
import type {
  ChannelKind,
  CloseEvent,
  Connection,
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  MessageEvent,
  MessageInterceptor,
  SendOptions,
  SendResult,
} from './types.js';

export { MAX_UNRELIABLE_PAYLOAD } from './options.js';

const now = (): number => performance.now();

/** Reliable values shaped `{ tw: string, … }` belong to tickwire's layers (see Connection.intercept). */
function isProtocolMessage(event: MessageEvent): boolean {
  if (event.channel !== 'reliable' || event.raw) return false;
  const data = event.data;
  return typeof data === 'object' && data !== null && typeof (data as { tw?: unknown }).tw === 'string';
}

export class TickwireConnection implements Connection {
  readonly role: 'offerer' | 'answerer';
  readonly opened: Promise<void>;
  readonly maxUnreliablePayload = MAX_UNRELIABLE_PAYLOAD;
  private _state: ConnectionState = 'new';
  // A throwing handler is rethrown on a microtask, never into the native callback.
  private readonly events = new Emitter<ConnectionEvents>();
  private readonly interceptors = new Set<MessageInterceptor>();
  private readonly openChannels = new Set<ChannelKind>();
  private resolveOpened!: () => void;
  private rejectOpened!: (error: TransportError) => void;
  private readonly sendRate = new RateMeter();
  private readonly receiveRate = new RateMeter();
  private readonly sender: FrameSender;
  private readonly receiver: FrameReceiver;
  private readonly pinger: Pinger;
  /** The selected candidate pair as a path, read at open and on every ping (ICE may switch pairs). */
  private readonly path = new PathTracker();
  private pathTimer: ReturnType<typeof setInterval> | undefined;
  private readonly pathIntervalMs: number;
  private readonly negotiator: Negotiator;
  /** When anything last arrived from the peer (the silence watchdog's clock). */
  private lastHeardAt = 0;
  private silenceTimer: ReturnType<typeof setInterval> | undefined;
  /** Set while an ICE restart runs: when it began. */
  private restartStartedAt: number | undefined;
  private readonly restartOptions: { silenceMs: number; timeoutMs: number } | undefined;

  constructor(options: ConnectionOptions, adapter: RtcAdapter) {
    const resolved = resolveOptions(options);
    this.role = resolved.role;
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
    // An unobserved rejection must not crash the process; callers that care await `opened`.
    this.opened.catch(() => undefined);

    const onError = (error: TransportError) => this.events.emit('error', error);
    const isOpen = () => this._state === 'open';
    this.sender = new FrameSender({
      unreliableHighWaterMark: resolved.unreliableHighWaterMark,
      reliableHighWaterMark: resolved.reliableHighWaterMark,
      lossProbes: resolved.lossProbes,
      maxReliablePayload: () => this.maxReliablePayload,
      sendRate: this.sendRate,
      isOpen,
      onError,
    });
    this.pinger = new Pinger({
      intervalMs: resolved.pingIntervalMs,
      send: (type, body) => this.sender.sendControl(type, body),
      isOpen,
      isLive: () => this._state !== 'closed' && this._state !== 'failed',
      onSample: (rttMs) => this.events.emit('rtt', rttMs),
    });
    this.receiver = new FrameReceiver({
      maxLatenessMs: resolved.maxLatenessMs,
      receiveRate: this.receiveRate,
      deliver: (event) => this.deliver(event),
      onPing: (type, body) => this.pinger.onFrame(type, body),
      onError,
    });
    this.setState('connecting');
    this.negotiator = new Negotiator(resolved, options, adapter, {
      state: () => this._state,
      attempted: (unreliable, reliable) => {
        this.openChannels.clear();
        this.sender.attach(unreliable, reliable);
      },
      channelOpen: (kind) => this.onChannelOpen(kind),
      channelClosed: () => this.onChannelClose(),
      unreliableFrame: (frame) => {
        this.lastHeardAt = now();
        this.receiver.onUnreliableFrame(frame);
      },
      reliableFrame: (frame) => {
        this.lastHeardAt = now();
        this.receiver.onReliableFrame(frame);
      },
      reliableDrained: () => {
        if (this.sender.reliableDrained()) this.events.emit('drain');
      },
      relayFallback: (event) => this.events.emit('relay-fallback', event),
      restarting: (event) => {
        this.restartStartedAt = now();
        this.openChannels.clear();
        this.sender.suspend();
        this.path.clear();
        this.events.emit('restarting', event);
      },
      fail: (reason, error) => this.fail(reason, error),
      remoteEnded: (error) =>
        this.finish(
          this._state === 'open' ? 'closed' : 'failed',
          error === undefined ? { reason: 'remote' } : { reason: 'remote', error },
        ),
      error: onError,
      remoteCandidate: (candidate) => this.path.noteRemoteCandidate(candidate),
    });
    this.pathIntervalMs = resolved.pingIntervalMs;
    this.restartOptions = resolved.iceRestart;
  }

  get state(): ConnectionState {
    return this._state;
  }

  get maxReliablePayload(): number {
    return (this.negotiator.remoteMaxMessageSize() ?? DEFAULT_REMOTE_MAX_MESSAGE) - RELIABLE_HEADER_BYTES;
  }

  on<E extends keyof ConnectionEvents>(event: E, handler: ConnectionEvents[E]): () => void {
    return this.events.on(event, handler);
  }

  intercept(interceptor: MessageInterceptor): () => void {
    this.interceptors.add(interceptor);
    return () => {
      this.interceptors.delete(interceptor);
    };
  }

  send(channel: ChannelKind, value: unknown, options?: SendOptions): SendResult {
    this.assertOpen(channel);
    return this.sender.send(channel, value, options);
  }

  sendRaw(channel: ChannelKind, bytes: Uint8Array, options?: SendOptions): SendResult {
    this.assertOpen(channel);
    return this.sender.sendRaw(channel, bytes, options);
  }

  stats(): ConnectionStats {
    const t = now();
    const { sender, receiver } = this;
    const tracker = receiver.tracker;
    return {
      rttMs: this.pinger.rtt.latestMs,
      srttMs: this.pinger.rtt.smoothedMs,
      jitterMs: tracker.jitterMs,
      lossFraction: tracker.lossFraction,
      sendBytesPerSecond: this.sendRate.perSecond(t),
      receiveBytesPerSecond: this.receiveRate.perSecond(t),
      unreliable: {
        ...sender.unreliableStats,
        messagesReceived: receiver.unreliableStats.messagesReceived,
        bytesReceived: receiver.unreliableStats.bytesReceived,
        bufferedAmount: this.bufferedAmount('unreliable'),
        delivered: receiver.delivered,
        lost: tracker.lost,
        discardedOutOfOrder: tracker.discardedOutOfOrder,
        discardedStale: tracker.discardedStale,
      },
      reliable: {
        ...sender.reliableStats,
        messagesReceived: receiver.reliableStats.messagesReceived,
        bytesReceived: receiver.reliableStats.bytesReceived,
        bufferedAmount: this.bufferedAmount('reliable'),
      },
      lossProbesSent: sender.lossProbesSent,
      decodeErrors: receiver.decodeErrors,
      path: this.path.current,
    };
  }

  bufferedAmount(channel: ChannelKind): number {
    return this.sender.bufferedAmount(channel);
  }

  selectedCandidatePair(): Promise<SelectedPair | undefined> {
    return this._state === 'open' ? this.negotiator.selectedPair() : Promise.resolve(undefined);
  }

  restartIce(): boolean {
    return this.negotiator.restart('requested');
  }

  close(): void {
    if (this._state === 'closed' || this._state === 'failed') return;
    this.negotiator.signal({ kind: 'bye', reason: 'closed' });
    this.finish('closed', { reason: 'local' });
  }

  private assertOpen(channel: ChannelKind): void {
    if (this._state !== 'open') {
      throw new TransportError('NOT_OPEN', `cannot send on ${channel}: connection is ${this._state}`, {
        details: { state: this._state, channel },
      });
    }
  }

  /** Interceptors first (protocol layers), then the application, minus tickwire's own messages. */
  private deliver(event: MessageEvent): void {
    for (const interceptor of this.interceptors) {
      try {
        if (interceptor(event)) return;
      } catch (error) {
        // Same policy as event handlers: never throw into the native callback.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (isProtocolMessage(event)) return;
    this.events.emit('message', event);
  }

  private onChannelOpen(kind: ChannelKind): void {
    if (this._state === 'open' && this.restartStartedAt !== undefined) {
      this.onRestartChannelOpen(kind);
      return;
    }
    if (this._state !== 'connecting') return;
    this.openChannels.add(kind);
    if (this.openChannels.size < 2) return;
    this.negotiator.opened();
    this.setState('open');
    this.pinger.start();
    const readPath = (): Promise<void> => this.path.refresh(() => this.negotiator.selectedPair());
    this.pathTimer = setInterval(() => void readPath(), this.pathIntervalMs);
    (this.pathTimer as { unref?: () => void }).unref?.();
    void readPath();
    this.startSilenceWatchdog();
    this.resolveOpened();
    this.events.emit('open');
  }

  /** Both channels of the restart's attempt open: they carry the connection from now on. */
  private onRestartChannelOpen(kind: ChannelKind): void {
    this.openChannels.add(kind);
    if (this.openChannels.size < 2 || this.restartStartedAt === undefined) return;
    const durationMs = Math.round(now() - this.restartStartedAt);
    this.restartStartedAt = undefined;
    this.negotiator.opened();
    const { unreliable, reliable } = this.negotiator.channels();
    this.sender.resume(unreliable, reliable);
    this.lastHeardAt = now();
    void this.path.refresh(() => this.negotiator.selectedPair());
    this.events.emit('restored', { attempt: this.negotiator.currentAttempt, durationMs });
    if (this.sender.reliableDrained()) this.events.emit('drain');
  }

  /**
   * Silence means the path broke: restart ICE (the offerer negotiates again, the answerer asks it
   * to). So that an idle peer is never silent, a side that sent nothing for a quarter of silenceMs
   * sends a keepalive (an empty probe frame); the watchdog ticks at an eighth of it.
   */
  private startSilenceWatchdog(): void {
    const restart = this.restartOptions;
    if (!restart) return;
    this.lastHeardAt = now();
    const keepaliveMs = restart.silenceMs / 4;
    const everyMs = Math.max(25, Math.min(250, restart.silenceMs / 8));
    let lastTickAt = now();
    this.silenceTimer = setInterval(() => {
      const t = now();
      // A late tick means this process stalled (CPU starvation, a long GC): frames that arrived
      // meanwhile wait in the I/O queue behind this timer, so silence is judged on the next tick.
      const stalled = t - lastTickAt > everyMs * 3;
      lastTickAt = t;
      if (this._state !== 'open' || this.restartStartedAt !== undefined) return;
      if (!stalled && t - this.lastHeardAt > restart.silenceMs) {
        this.negotiator.restart('silence');
        return;
      }
      if (t - this.sendRate.lastAt >= keepaliveMs) this.sender.sendKeepalive();
    }, everyMs);
    (this.silenceTimer as { unref?: () => void }).unref?.();
  }

  private onChannelClose(): void {
    // During a restart the old attempt's channels go down by design (the restart timeout bounds it).
    if (this._state === 'open' && this.restartStartedAt !== undefined) return;
    if (this._state === 'open') this.finish('closed', { reason: 'remote' });
    else if (this._state === 'connecting') {
      this.fail('failed', new TransportError('CONNECTION_FAILED', 'a data channel closed while connecting'));
    }
  }

  private fail(reason: CloseEvent['reason'], error: TransportError): void {
    if (this._state === 'closed' || this._state === 'failed') return;
    this.negotiator.signal({ kind: 'bye', reason: error.code });
    this.finish(this._state === 'open' ? 'closed' : 'failed', { reason, error });
  }

  private finish(state: 'closed' | 'failed', event: CloseEvent): void {
    if (this._state === 'closed' || this._state === 'failed') return;
    this.pinger.stop();
    clearInterval(this.pathTimer);
    clearInterval(this.silenceTimer);
    this.sender.stop();
    this.negotiator.close();
    this.setState(state);
    this.rejectOpened(
      event.error ?? new TransportError('NOT_OPEN', `connection ${state} before it opened (${event.reason})`),
    );
    this.events.emit('close', event);
    this.events.clear();
    this.interceptors.clear();
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.events.emit('state', state);
  }
}

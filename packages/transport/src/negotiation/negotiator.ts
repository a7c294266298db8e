// Negotiation of one connection: the peer connection and its two pre-negotiated channels per
// attempt, the offer/answer and trickle-candidate exchange over the signaler (with queues for
// candidates that arrive early), the relay-only fallback, ICE restarts (a new attempt on a new peer
// connection once the open path broke), and the timeouts that name the step they stuck at. It knows nothing of frames or messages: channel traffic goes to the hooks.
// Every native callback is bound to its attempt and ignored once a later attempt started; nothing
// here may throw into a native callback.
import { TransportError } from '../errors.js';
import { directOnlyIceServers } from '../rtc/ice-servers.js';
import type { RtcAdapter, RtcChannel, RtcPeer, RtcPeerState, SelectedPair } from '../rtc/adapter.js';
import type { SignalMessage } from '../signal/signaler.js';
import type { ResolvedOptions } from '../connection/options.js';
import { CandidateQueues, admitsInRelayOnly } from './candidates.js';
import type {
  ChannelKind,
  CloseEvent,
  ConnectionOptions,
  ConnectionState,
  RelayFallbackEvent,
  RestartingEvent,
} from '../connection/types.js';

const UNRELIABLE_CHANNEL_ID = 0;
const RELIABLE_CHANNEL_ID = 1;
/**
 * Highest negotiation attempt (the first is 0, a relay fallback 1, each ICE restart the next one or
 * two): bounds what a confused peer can make us build. The lobby's signal schema allows the same.
 */
export const MAX_ATTEMPT = 255;

/**
 * How an attempt gathers. `direct`: host and STUN candidates only (with a relay fallback behind it,
 * see directOnlyIceServers; every server otherwise). `all`: every server, every candidate type (an
 * answerer following an ICE restart, which cannot tell whether the offerer went relay-only).
 * `relay`: TURN relays only.
 */
type AttemptMode = 'direct' | 'all' | 'relay';

interface AttemptObjects {
  peer: RtcPeer;
  unreliable: RtcChannel;
  reliable: RtcChannel;
}

/** What the negotiator reports to its connection. */
export interface NegotiationHooks {
  state(): ConnectionState;
  /** The channels of a new attempt (the first, or a relay fallback's). */
  attempted(unreliable: RtcChannel, reliable: RtcChannel): void;
  channelOpen(kind: ChannelKind): void;
  channelClosed(): void;
  unreliableFrame(frame: Uint8Array): void;
  reliableFrame(frame: Uint8Array): void;
  reliableDrained(): void;
  relayFallback(event: RelayFallbackEvent): void;
  /** An ICE restart begins: sends are held until the new attempt's channels open. */
  restarting(event: RestartingEvent): void;
  /** A fatal failure: the connection ends with `reason`. */
  fail(reason: CloseEvent['reason'], error: TransportError): void;
  /** The peer ended the connection (bye signal, or its peer connection closed). */
  remoteEnded(error: TransportError | undefined): void;
  /** A non-fatal problem (a bad candidate, an unexpected signal). */
  error(error: TransportError): void;
  /** Every remote candidate as signaled (the path tracker learns the peer's candidate types). */
  remoteCandidate?(candidate: string): void;
}

function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

export class Negotiator {
  // The current attempt's native objects. A relay fallback replaces all three.
  private peer!: RtcPeer;
  private unreliable!: RtcChannel;
  private reliable!: RtcChannel;
  /** 0 for the first negotiation; each relay fallback starts the next one. */
  private attempt = 0;
  private peerState: RtcPeerState = 'new';
  /** The current attempt's ICE transport policy. */
  private policy: 'all' | 'relay' = 'all';
  /** True until the channels open, and again during an ICE restart. */
  private negotiating = true;
  /**
   * The offerer's attempt an ICE restart replaced, kept alive (its callbacks ignored) until the
   * restart opens: closing it at once would close the answerer's channels over a path that may
   * still carry that, before the answerer has the new offer.
   */
  private retired: AttemptObjects[] = [];
  private remoteDescriptionSet = false;
  private readonly candidates = new CandidateQueues();
  private readonly unsubscribeSignal: () => void;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private fallbackTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly raw: ConnectionOptions,
    private readonly adapter: RtcAdapter,
    private readonly hooks: NegotiationHooks,
  ) {
    this.startAttempt(options.iceTransportPolicy === 'relay' ? 'relay' : 'direct');
    this.unsubscribeSignal = raw.signaler.onMessage((message) => void this.onSignal(message));
    this.armTimers(options.connectTimeoutMs, 'direct');
    if (options.role === 'offerer') void this.runStep('offer', () => this.peer.setLocalDescription('offer'));
  }

  /** The current attempt's number. */
  get currentAttempt(): number {
    return this.attempt;
  }

  /**
   * Starts an ICE restart after the open path broke: the offerer negotiates attempt n+1 on a new
   * peer connection (relay-only again if the path was a relay, else direct first with the relay
   * fallback behind it); the answerer asks the offerer for it and keeps its objects until the
   * offer comes. False when restarts are off, one already runs, or the attempts are used up.
   */
  restart(reason: RestartingEvent['reason']): boolean {
    const restart = this.options.iceRestart;
    if (!restart || this.negotiating || this.hooks.state() !== 'open') return false;
    if (this.attempt + 2 > MAX_ATTEMPT) return false;
    this.negotiating = true;
    const attempt = this.attempt + 1;
    this.hooks.restarting({ attempt, reason });
    this.armConnectTimer(restart.timeoutMs, 'restart');
    if (this.options.role === 'answerer') {
      this.signal({ kind: 'restart', attempt: this.attempt });
      return true;
    }
    const mode: AttemptMode = this.policy === 'relay' ? 'relay' : 'direct';
    this.retired.push({ peer: this.peer, unreliable: this.unreliable, reliable: this.reliable });
    this.attempt = attempt; // from here every callback of the old attempt is ignored
    this.startAttempt(mode);
    this.armFallbackTimer(restart.timeoutMs, mode);
    void this.runStep('offer', () => this.peer.setLocalDescription('offer'));
    return true;
  }

  /** The peer's SCTP max-message-size, once its description is in. */
  remoteMaxMessageSize(): number | undefined {
    return this.peer.remoteMaxMessageSize();
  }

  selectedPair(): Promise<SelectedPair | undefined> {
    return this.peer.selectedPair();
  }

  /** Both channels are open: the timeouts are done (signaling stays, for the peer's bye). */
  opened(): void {
    this.clearTimers();
    this.negotiating = false;
    this.closeRetired();
  }

  /** The current attempt's channels (the connection sends on them once they are open). */
  channels(): { unreliable: RtcChannel; reliable: RtcChannel } {
    return { unreliable: this.unreliable, reliable: this.reliable };
  }

  /** Sends a signal; a failure is reported, except for a bye (the peer may be gone already). */
  signal(message: SignalMessage): void {
    try {
      const result = this.raw.signaler.send(message);
      if (result instanceof Promise) {
        result.catch((cause: unknown) => this.onSignalSendError(message, cause));
      }
    } catch (cause) {
      this.onSignalSendError(message, cause);
    }
  }

  /** Stops listening to signals and closes the current attempt's native objects. */
  close(): void {
    this.clearTimers();
    this.unsubscribeSignal();
    this.closeRetired();
    this.unreliable.close();
    this.reliable.close();
    this.peer.close();
  }

  private closeRetired(): void {
    for (const old of this.retired.splice(0)) {
      old.unreliable.close();
      old.reliable.close();
      old.peer.close();
    }
  }

  /**
   * Creates the peer connection and both channels of one negotiation attempt. Every native
   * callback is bound to its attempt and ignored once a later attempt started: the old objects are
   * closed on a fallback, and their close/state events must not end the connection.
   */
  private startAttempt(mode: AttemptMode): void {
    const policy = mode === 'relay' ? 'relay' : 'all';
    const attempt = this.attempt;
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        if (attempt === this.attempt) fn(...args);
      };
    this.remoteDescriptionSet = false;
    this.policy = policy;
    this.candidates.reset();
    this.peerState = 'new';
    const { options, raw, hooks } = this;
    this.peer = this.adapter.createPeer(
      {
        // With a relay fallback behind it, a direct attempt is direct-only (see directOnlyIceServers).
        iceServers:
          mode === 'direct' && options.relayFallback
            ? directOnlyIceServers(options.iceServers())
            : options.iceServers(),
        iceTransportPolicy: policy,
        label: `${options.label}${attempt > 0 ? `#${attempt}` : ''}`,
        portRange: raw.portRange,
        udpMux: raw.udpMux,
        bindAddress: raw.bindAddress,
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
      hooks.fail('failed', new TransportError('CONNECTION_FAILED', message)),
    );
    this.unreliable = this.peer.createChannel(
      { label: 'tickwire-unreliable', id: UNRELIABLE_CHANNEL_ID, ordered: false, maxRetransmits: 0 },
      {
        onOpen: live(() => hooks.channelOpen('unreliable')),
        onMessage: live((data: Uint8Array) => hooks.unreliableFrame(data)),
        onClose: live(() => hooks.channelClosed()),
        onError,
        onBufferedAmountLow: () => undefined,
      },
    );
    this.reliable = this.peer.createChannel(
      { label: 'tickwire-reliable', id: RELIABLE_CHANNEL_ID, ordered: true },
      {
        onOpen: live(() => hooks.channelOpen('reliable')),
        onMessage: live((data: Uint8Array) => hooks.reliableFrame(data)),
        onClose: live(() => hooks.channelClosed()),
        onError,
        onBufferedAmountLow: live(() => hooks.reliableDrained()),
      },
    );
    this.reliable.setBufferedAmountLowThreshold(options.reliableHighWaterMark / 2);
    hooks.attempted(this.unreliable, this.reliable);
  }

  /** Marks messages of a fallback attempt (the first attempt's carry no mark: older peers agree). */
  private withAttempt<M extends SignalMessage>(message: M): M {
    return this.attempt === 0 ? message : { ...message, attempt: this.attempt };
  }

  private armTimers(timeoutMs: number, mode: AttemptMode): void {
    this.armConnectTimer(timeoutMs, 'connect');
    this.armFallbackTimer(timeoutMs, mode);
  }

  private armConnectTimer(timeoutMs: number, what: 'connect' | 'restart'): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.onConnectTimeout(timeoutMs, what), timeoutMs);
    unrefTimer(this.connectTimer);
  }

  /** Only the offerer falls back, and only from an attempt that may use direct candidates. */
  private armFallbackTimer(timeoutMs: number, mode: AttemptMode): void {
    this.clearFallbackTimer();
    const fallback = this.options.relayFallback;
    if (!fallback || this.options.role !== 'offerer' || mode === 'relay' || fallback.afterMs >= timeoutMs)
      return;
    this.fallbackTimer = setTimeout(() => this.onFallbackTimer(), fallback.afterMs);
    unrefTimer(this.fallbackTimer);
  }

  private onFallbackTimer(): void {
    this.fallbackTimer = undefined;
    // ICE that connected is left to finish (DTLS/SCTP on a slow link), whatever the clock says.
    if (this.negotiating && this.policy === 'all' && this.peerState !== 'connected') {
      this.fallBackToRelay(this.attempt + 1, 'timeout');
    }
  }

  /**
   * Gives up on the current negotiation and starts attempt `attempt` relay-only: a new peer
   * connection whose only candidates are TURN relays, so two symmetric NATs (where hole punching
   * fails and libdatachannel was seen not to settle on a relay pair by itself) still meet. The
   * offerer decides and sends a new offer marked with the attempt; the answerer follows it.
   */
  private fallBackToRelay(attempt: number, reason: RelayFallbackEvent['reason']): void {
    this.replaceAttempt(attempt, 'relay');
    this.hooks.relayFallback({ attempt, reason });
    if (this.options.role === 'offerer')
      void this.runStep('offer', () => this.peer.setLocalDescription('offer'));
  }

  /** Closes the current attempt's native objects and starts attempt `attempt` in their place. */
  private replaceAttempt(attempt: number, mode: AttemptMode): void {
    this.clearFallbackTimer();
    const old = { peer: this.peer, unreliable: this.unreliable, reliable: this.reliable };
    this.attempt = attempt; // from here every callback of the old attempt is ignored
    old.unreliable.close();
    old.reliable.close();
    old.peer.close();
    this.startAttempt(mode);
  }

  private onSignalSendError(message: SignalMessage, cause: unknown): void {
    if (message.kind === 'bye') return;
    this.hooks.error(new TransportError('SIGNALING', `could not send ${message.kind}`, { cause }));
  }

  private async onSignal(message: SignalMessage): Promise<void> {
    const state = this.hooks.state();
    if (state === 'closed' || state === 'failed') return;
    if (message.kind !== 'bye' && message.kind !== 'restart' && !this.admitAttempt(message)) return;
    switch (message.kind) {
      case 'restart':
        // The answerer found attempt `message.attempt` broken; a stale or repeated ask is ignored.
        if (this.options.role === 'offerer' && message.attempt === this.attempt) this.restart('peer');
        else if (this.options.role !== 'offerer')
          this.hooks.error(new TransportError('SIGNALING', 'unexpected restart signal for an answerer'));
        return;
      case 'description':
        return this.onRemoteDescription(message.type, message.sdp);
      case 'candidate':
        this.hooks.remoteCandidate?.(message.candidate);
        if (this.policy === 'relay' && !admitsInRelayOnly(message.candidate)) return;
        if (!this.remoteDescriptionSet) {
          this.candidates.hold(message);
          return;
        }
        await this.runStep(
          'remote-candidate',
          () => this.peer.addRemoteCandidate(message.candidate, message.mid),
          false,
        );
        return;
      case 'bye':
        this.hooks.remoteEnded(
          new TransportError('CONNECTION_FAILED', `remote peer hung up: ${message.reason ?? 'bye'}`),
        );
        return;
      default: {
        const unknown: never = message;
        this.hooks.error(new TransportError('SIGNALING', `unknown signal ${JSON.stringify(unknown)}`));
      }
    }
  }

  private async onRemoteDescription(type: 'offer' | 'answer', sdp: string): Promise<void> {
    const role = this.options.role;
    const expected = role === 'offerer' ? 'answer' : 'offer';
    if (type !== expected) {
      this.hooks.error(new TransportError('SIGNALING', `unexpected remote ${type} for an ${role}`));
      return;
    }
    const ok = await this.runStep('remote-description', () => this.peer.setRemoteDescription(type, sdp));
    if (!ok) return;
    this.remoteDescriptionSet = true;
    const attempt = this.attempt;
    for (const c of this.candidates.release()) {
      if (attempt !== this.attempt) return;
      if (this.policy === 'relay' && !admitsInRelayOnly(c.candidate)) continue;
      await this.runStep('remote-candidate', () => this.peer.addRemoteCandidate(c.candidate, c.mid), false);
    }
    if (role === 'answerer' && attempt === this.attempt)
      await this.runStep('answer', () => this.peer.setLocalDescription('answer'));
  }

  /**
   * Which negotiation a description or candidate belongs to: false for one we gave up on (dropped)
   * or cannot accept. An offer for a later attempt makes the answerer follow the offerer's fallback.
   */
  private admitAttempt(message: Extract<SignalMessage, { kind: 'description' | 'candidate' }>): boolean {
    const attempt = message.attempt ?? 0;
    if (attempt === this.attempt) return true;
    if (attempt < this.attempt) return false;
    const state = this.hooks.state();
    // Connecting: the offerer's relay fallback (attempt 1). Open: an ICE restart (the next attempt,
    // or the one after it when the offerer's restart already fell back to relay).
    const follows =
      this.options.role === 'answerer' &&
      Number.isInteger(attempt) &&
      attempt <= MAX_ATTEMPT &&
      (state === 'connecting'
        ? this.attempt === 0 && attempt === 1
        : state === 'open' && this.options.iceRestart !== undefined && attempt <= this.attempt + 2);
    if (follows && message.kind === 'candidate') {
      // The offer of that attempt is on its way (signalers may reorder across message kinds).
      this.candidates.holdEarly(attempt, message);
      return false;
    }
    if (!follows || message.kind !== 'description' || message.type !== 'offer') {
      this.hooks.error(
        new TransportError('SIGNALING', `unexpected ${message.kind} for negotiation attempt ${attempt}`, {
          details: { attempt, current: this.attempt },
        }),
      );
      return false;
    }
    if (state === 'connecting') this.fallBackToRelay(attempt, 'peer');
    else {
      if (!this.negotiating) {
        this.negotiating = true;
        this.hooks.restarting({ attempt, reason: 'peer' });
        this.armConnectTimer(this.options.iceRestart!.timeoutMs, 'restart');
      }
      // Every server and candidate type: the offer does not say whether the offerer is relay-only,
      // and a relay-only offerer adds our relay candidates only (candidates.ts).
      this.replaceAttempt(attempt, 'all');
    }
    this.candidates.promote(attempt);
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
      const error = TransportError.from(cause, 'SIGNALING', {
        message: `${step} failed: ${String(cause)}`,
        details: { step },
      });
      if (fatal) this.hooks.fail('failed', error);
      else this.hooks.error(error);
      return false;
    }
  }

  private onPeerState(state: RtcPeerState): void {
    this.peerState = state;
    const current = this.hooks.state();
    if (state === 'failed' && this.negotiating && this.policy === 'all' && this.options.relayFallback) {
      // The offerer falls back at once; the answerer waits for its new offer (the connect or
      // restart timeout still bounds the wait).
      if (this.options.role === 'offerer') this.fallBackToRelay(this.attempt + 1, 'ice-failed');
      return;
    }
    if (current === 'open' && this.negotiating) {
      // The answerer's broken attempt going down while it waits for the restart offer, or a
      // restart attempt failing: the restart timeout decides.
      return;
    }
    // Not 'disconnected': libdatachannel reports that when the peer closes (SCTP shutdown) too.
    if (state === 'failed' && current === 'open' && this.restart('silence')) {
      return; // the open path broke and ICE said so before the silence watchdog did
    }
    if (state === 'failed') {
      this.hooks.fail(
        'failed',
        new TransportError('CONNECTION_FAILED', 'ICE/DTLS connection failed', { details: { step: 'ice' } }),
      );
    } else if (state === 'closed' && current === 'open') {
      this.hooks.remoteEnded(undefined);
    }
  }

  private onConnectTimeout(timeoutMs: number, what: 'connect' | 'restart'): void {
    if (what === 'restart') {
      this.hooks.fail(
        'timeout',
        new TransportError('TIMEOUT', `ICE restart not open after ${timeoutMs} ms`, {
          details: { step: 'restart', timeoutMs, attempt: this.attempt },
        }),
      );
      return;
    }
    const step = !this.remoteDescriptionSet
      ? 'signaling'
      : this.peerState !== 'connected'
        ? 'ice'
        : 'data-channels';
    this.hooks.fail(
      'timeout',
      new TransportError('TIMEOUT', `connection not open after ${timeoutMs} ms (stuck at: ${step})`, {
        details: { step, timeoutMs },
      }),
    );
  }

  private clearTimers(): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.clearFallbackTimer();
  }

  private clearFallbackTimer(): void {
    if (this.fallbackTimer !== undefined) clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
  }
}

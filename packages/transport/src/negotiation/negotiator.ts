// Negotiation of one connection: the peer connection and its two pre-negotiated channels per
// attempt, the offer/answer and trickle-candidate exchange over the signaler (with queues for
// candidates that arrive early), the fallbacks (relay-only through TURN, then the lobby relay),
// ICE restarts (a new attempt on a new peer connection once the open path broke), and the
// timeouts that name the step they stuck at. It knows nothing of frames or messages: channel
// traffic goes to the hooks. Attempts are numbered and typed as attempts.ts describes. Every native
// callback is bound to its attempt and ignored once a later attempt started; nothing here may
// throw into a native callback.
import { TransportError } from '../errors.js';
import { directOnlyIceServers } from '../rtc/ice-servers.js';
import type { RtcAdapter, RtcChannel, RtcPeer, RtcPeerState, SelectedPair } from '../rtc/adapter.js';
import type { SignalMessage } from '../signal/signaler.js';
import type { ResolvedOptions } from '../connection/options.js';
import { CandidateQueues, admitsInRelayOnly } from './candidates.js';
import { WsRelayPeer } from '../relay/ws-relay-peer.js';
import type { RelayPipe } from '../relay/pipe.js';
import { AttemptKind, MAX_ATTEMPT, isRelayKind, signaledKind } from './attempts.js';
import { UdpProbe, hasUdpServer } from './udp-probe.js';
import type {
  ChannelKind,
  CloseEvent,
  ConnectionOptions,
  ConnectionState,
  RelayFallbackEvent,
  RestartingEvent,
} from '../connection/types.js';

export { MAX_ATTEMPT } from './attempts.js';

const UNRELIABLE_CHANNEL_ID = 0;
const RELIABLE_CHANNEL_ID = 1;

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

/**
 * A fallback clock that runs out while no pair is selected waits until the attempt's first remote
 * candidate is this old: checks cannot start before the peer's candidates arrive, and in the NAT
 * lab a direct pair's ICE connected 0-220 ms after they did (load 6). Keeps a short `afterMs` from
 * giving up on a direct path whose signaling was slow (a loaded machine, a slow lobby).
 */
const CHECKS_GRACE_MS = 400;

function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

export class Negotiator {
  // The current attempt's native objects. A fallback or restart replaces all three.
  private peer!: RtcPeer;
  private unreliable!: RtcChannel;
  private reliable!: RtcChannel;
  /** The current attempt's number (attempts.ts). */
  private attempt = 0;
  /** The current attempt's kind. */
  private kind: AttemptKind = AttemptKind.Direct;
  private peerState: RtcPeerState = 'new';
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
  /** The last-resort relay to the peer (the lobby's WebSocket), when the signaler offers one. */
  private readonly pipe: RelayPipe | undefined;
  /** When the current attempt's first remote candidate arrived (performance.now()). */
  private firstRemoteCandidateAt: number | undefined;
  /**
   * Whether this connect's (or ICE restart's) UDP probe (udp-probe.ts) is still to start: it starts
   * with the first gathering and runs on across a TURN fallback (it is about the network, not one
   * attempt) until the connection opens or moves to the lobby relay.
   */
  private probeDue = false;
  private probe: UdpProbe | undefined;
  /**
   * A side of this connect (or of this ICE restart) reached no server over UDP and cannot relay
   * over TCP: the offerer skips TURN for the lobby relay.
   */
  private udpBlocked = false;
  /** The first attempt of the current connect or ICE restart (older udp-blocked hints are stale). */
  private sequenceStart = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly raw: ConnectionOptions,
    private readonly adapter: RtcAdapter,
    private readonly hooks: NegotiationHooks,
  ) {
    this.pipe = options.wsRelay ? raw.signaler.relayPipe?.() : undefined;
    if (this.pipe && options.wsRelay?.only && options.role === 'offerer') {
      // Straight to the lobby relay: attempt 1, marked, so the answerer follows it.
      this.attempt = 1;
      this.startAttempt(AttemptKind.WsRelay);
    } else {
      this.startAttempt(options.iceTransportPolicy === 'relay' ? AttemptKind.Turn : AttemptKind.Direct);
    }
    this.unsubscribeSignal = raw.signaler.onMessage((message) => void this.onSignal(message));
    this.armConnectTimer(options.connectTimeoutMs, 'connect');
    this.armFallbackTimer(options.connectTimeoutMs);
    if (options.role === 'offerer') this.offer();
  }

  /** The current attempt's number. */
  get currentAttempt(): number {
    return this.attempt;
  }

  /**
   * Starts an ICE restart after the open path broke: the offerer negotiates attempt n+1 on a new
   * peer connection (relay-only again if the path was a TURN relay, else direct first with the
   * fallbacks behind it); the answerer asks the offerer for it and keeps its objects until the
   * offer comes. False when restarts are off, one already runs, the attempts are used up, or the
   * path is the lobby relay: that one runs over the lobby's TCP, which has no NAT mapping to lose
   * silently; it ends with the lobby connection (the pipe dies with its socket).
   */
  restart(reason: RestartingEvent['reason']): boolean {
    const restart = this.options.iceRestart;
    if (!restart || this.negotiating || this.hooks.state() !== 'open') return false;
    if (this.kind === AttemptKind.WsRelay || this.attempt + 3 > MAX_ATTEMPT) return false;
    this.negotiating = true;
    const attempt = this.attempt + 1;
    this.hooks.restarting({ attempt, reason });
    this.armConnectTimer(restart.timeoutMs, 'restart');
    this.udpBlocked = false; // a new network (Wi-Fi to cellular) may let UDP out
    this.sequenceStart = attempt;
    if (this.options.role === 'answerer') {
      this.signal({ kind: 'restart', attempt: this.attempt });
      return true;
    }
    const kind = this.kind === AttemptKind.Turn ? AttemptKind.Turn : AttemptKind.Direct;
    this.retired.push({ peer: this.peer, unreliable: this.unreliable, reliable: this.reliable });
    this.attempt = attempt; // from here every callback of the old attempt is ignored
    this.startAttempt(kind);
    this.armFallbackTimer(restart.timeoutMs);
    this.offer();
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
    this.stopProbe();
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
    this.stopProbe();
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
  private startAttempt(kind: AttemptKind): void {
    const attempt = this.attempt;
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        if (attempt === this.attempt) fn(...args);
      };
    this.remoteDescriptionSet = false;
    this.kind = kind;
    this.candidates.reset();
    this.peerState = 'new';
    this.firstRemoteCandidateAt = undefined;
    const { options, raw, hooks } = this;
    // With a relay fallback behind it, a direct attempt is direct-only (see directOnlyIceServers).
    const iceServers =
      kind === AttemptKind.Direct && options.relayFallback
        ? directOnlyIceServers(options.iceServers())
        : options.iceServers();
    if (kind === AttemptKind.Direct) this.probeDue = !this.adapter.tcpRelay && hasUdpServer(iceServers);
    else if (kind === AttemptKind.WsRelay) this.stopProbe();
    const events = {
      onLocalDescription: live((type: 'offer' | 'answer', sdp: string) =>
        this.signal(this.withAttempt({ kind: 'description', type, sdp })),
      ),
      onLocalCandidate: live((candidate: string, mid: string) =>
        this.signal(this.withAttempt({ kind: 'candidate', candidate, mid })),
      ),
      onGathered: live((candidate: string) => this.probe?.gathered(candidate)),
      onStateChange: live((state: RtcPeerState) => this.onPeerState(state)),
    };
    this.peer =
      kind === AttemptKind.WsRelay && this.pipe
        ? new WsRelayPeer(this.pipe, options.role, events)
        : this.adapter.createPeer(
            {
              iceServers,
              iceTransportPolicy: kind === AttemptKind.Turn ? 'relay' : 'all',
              label: `${options.label}${attempt > 0 ? `#${attempt}` : ''}`,
              portRange: raw.portRange,
              udpMux: raw.udpMux,
              bindAddress: raw.bindAddress,
            },
            events,
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

  /**
   * Marks the messages of every attempt after the first with its number and kind (the first
   * attempt's carry no mark: each side configures it itself, and older peers agree).
   */
  private withAttempt<M extends SignalMessage>(message: M): M {
    return this.attempt === 0 ? message : { ...message, attempt: this.attempt, via: this.kind };
  }

  private armConnectTimer(timeoutMs: number, what: 'connect' | 'restart'): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.onConnectTimeout(timeoutMs, what), timeoutMs);
    unrefTimer(this.connectTimer);
  }

  /** The kind the offerer falls back to when the current attempt does not open, if any. */
  private nextKind(): 'turn' | 'ws-relay' | undefined {
    if (this.attempt + 1 > MAX_ATTEMPT) return undefined;
    // A UDP-blocked Node side gathers no relay candidate (no TURN over TCP): TURN cannot help it.
    const turnHopeless = this.udpBlocked && this.pipe !== undefined;
    if (this.kind === AttemptKind.Direct && this.options.relayFallback && !turnHopeless)
      return AttemptKind.Turn;
    if (this.kind !== AttemptKind.WsRelay && this.pipe) return AttemptKind.WsRelay;
    return undefined;
  }

  /**
   * The offerer's clock for the current attempt (only the offerer falls back): a direct attempt
   * gets `relayFallback.afterMs` before the TURN attempt (or, without TURN, `wsRelay.afterMs`
   * before the lobby relay); a TURN attempt gets `wsRelay.afterMs` before the lobby relay. Nothing
   * follows the lobby relay. A fallback due at or after `timeoutMs` is never armed.
   */
  private armFallbackTimer(timeoutMs: number, delayMs?: number): void {
    this.clearFallbackTimer();
    if (this.options.role !== 'offerer') return;
    const next = this.nextKind();
    if (next === undefined) return;
    const afterMs =
      delayMs ??
      (next === AttemptKind.Turn
        ? this.options.relayFallback!.afterMs
        : (this.options.wsRelay?.afterMs ?? Infinity));
    if (afterMs >= timeoutMs) return;
    this.fallbackTimer = setTimeout(() => this.onFallbackTimer(timeoutMs), afterMs);
    unrefTimer(this.fallbackTimer);
  }

  /**
   * The fallback clock ran out. An attempt whose ICE already selected a pair (a check succeeded:
   * the path works, DTLS/SCTP are still on their way on a slow link or a loaded machine) or whose
   * peer connection connected is left to finish, and looked at again after the same wait (the
   * connect or restart timeout still bounds it); anything else falls back now. That keeps direct
   * paths direct with a short `afterMs`: only an attempt that found no path at all gives up early.
   */
  private onFallbackTimer(timeoutMs: number): void {
    this.fallbackTimer = undefined;
    const attempt = this.attempt;
    if (!this.negotiating || this.nextKind() === undefined) return;
    if (this.peerState === 'connected') return;
    void this.peer.selectedPair().then(
      (pair) => this.afterPairCheck(attempt, pair !== undefined, timeoutMs),
      () => this.afterPairCheck(attempt, false, timeoutMs),
    );
  }

  private afterPairCheck(attempt: number, hasPair: boolean, timeoutMs: number): void {
    const next = this.nextKind();
    if (attempt !== this.attempt || !this.negotiating || next === undefined) return;
    if (this.peerState === 'connected') return;
    if (hasPair) {
      this.armFallbackTimer(timeoutMs); // the path works: look again after another afterMs
      return;
    }
    const sinceCandidate =
      this.firstRemoteCandidateAt === undefined ? Infinity : performance.now() - this.firstRemoteCandidateAt;
    if (sinceCandidate < CHECKS_GRACE_MS) {
      // The checks began only just now: give them their grace, then look again.
      this.armFallbackTimer(timeoutMs, Math.ceil(CHECKS_GRACE_MS - sinceCandidate));
      return;
    }
    this.fallBack(this.attempt + 1, next, 'timeout', timeoutMs);
  }

  /**
   * Gives up on the current negotiation and starts attempt `attempt` of a relay kind: a new peer
   * connection whose only candidates are TURN relays (so two symmetric NATs, where hole punching
   * fails and libdatachannel was seen not to settle on a relay pair by itself, still meet), or the
   * lobby relay. The offerer decides and sends a new offer marked with the attempt and its kind;
   * the answerer follows it. `timeoutMs` is what the offerer's next fallback is measured against.
   */
  private fallBack(
    attempt: number,
    kind: 'turn' | 'ws-relay',
    reason: RelayFallbackEvent['reason'],
    timeoutMs: number,
  ): void {
    this.replaceAttempt(attempt, kind);
    this.hooks.relayFallback({ attempt, reason, via: kind });
    if (this.options.role === 'offerer') {
      this.armFallbackTimer(timeoutMs);
      this.offer();
    }
  }

  /** The offerer describes the current attempt; its gathering (and the UDP probe) starts now. */
  private offer(): void {
    this.startProbe();
    void this.runStep('offer', () => this.peer.setLocalDescription('offer'));
  }

  /** Starts the UDP probe with this connect's (or restart's) first gathering. */
  private startProbe(): void {
    if (!this.probeDue) return;
    this.probeDue = false;
    this.stopProbe();
    this.probe = new UdpProbe(() => this.onOwnUdpBlocked());
  }

  private stopProbe(): void {
    this.probe?.stop();
    this.probe = undefined;
  }

  /** This side reached no server over UDP: the offerer acts on it, the answerer tells the offerer. */
  private onOwnUdpBlocked(): void {
    this.probe = undefined;
    if (!this.negotiating || this.kind === AttemptKind.WsRelay) return;
    if (this.options.role === 'answerer') this.signal({ kind: 'udp-blocked', attempt: this.attempt });
    else this.onUdpBlocked();
  }

  /**
   * The offerer learned that a side's UDP is blocked (its own probe, or the answerer's hint): with
   * a lobby relay to go to, TURN is skipped, and an attempt whose ICE selected no pair (a UDP-
   * blocked side can still reach a host on its own LAN) gives way to the lobby relay now.
   */
  private onUdpBlocked(): void {
    if (this.udpBlocked || !this.pipe) return;
    this.udpBlocked = true;
    if (!this.negotiating || this.kind === AttemptKind.WsRelay) return;
    const attempt = this.attempt;
    const timeoutMs =
      this.hooks.state() === 'open' ? this.options.iceRestart!.timeoutMs : this.options.connectTimeoutMs;
    const decide = (hasPair: boolean): void => {
      if (attempt !== this.attempt || !this.negotiating || this.peerState === 'connected') return;
      if (hasPair)
        this.armFallbackTimer(timeoutMs); // now timed for the lobby relay
      else if (this.nextKind() === AttemptKind.WsRelay)
        this.fallBack(this.attempt + 1, AttemptKind.WsRelay, 'udp-blocked', timeoutMs);
    };
    void this.peer.selectedPair().then(
      (pair) => decide(pair !== undefined),
      () => decide(false),
    );
  }

  /** Closes the current attempt's native objects and starts attempt `attempt` in their place. */
  private replaceAttempt(attempt: number, kind: AttemptKind): void {
    this.clearFallbackTimer();
    const old = { peer: this.peer, unreliable: this.unreliable, reliable: this.reliable };
    this.attempt = attempt; // from here every callback of the old attempt is ignored
    old.unreliable.close();
    old.reliable.close();
    old.peer.close();
    this.startAttempt(kind);
  }

  private onSignalSendError(message: SignalMessage, cause: unknown): void {
    if (message.kind === 'bye') return;
    this.hooks.error(new TransportError('SIGNALING', `could not send ${message.kind}`, { cause }));
  }

  private async onSignal(message: SignalMessage): Promise<void> {
    const state = this.hooks.state();
    if (state === 'closed' || state === 'failed') return;
    if (
      message.kind !== 'bye' &&
      message.kind !== 'restart' &&
      message.kind !== 'udp-blocked' &&
      !this.admitAttempt(message)
    )
      return;
    switch (message.kind) {
      case 'udp-blocked':
        // A hint about the answerer's network, good for the whole connect or restart it came in.
        if (this.options.role !== 'offerer')
          this.hooks.error(new TransportError('SIGNALING', 'unexpected udp-blocked signal for an answerer'));
        else if (message.attempt >= this.sequenceStart && message.attempt <= this.attempt)
          this.onUdpBlocked();
        return;
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
        this.firstRemoteCandidateAt ??= performance.now();
        if (this.kind === AttemptKind.Turn && !admitsInRelayOnly(message.candidate)) return;
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
      if (this.kind === AttemptKind.Turn && !admitsInRelayOnly(c.candidate)) continue;
      await this.runStep('remote-candidate', () => this.peer.addRemoteCandidate(c.candidate, c.mid), false);
    }
    if (role === 'answerer' && attempt === this.attempt) {
      this.startProbe();
      await this.runStep('answer', () => this.peer.setLocalDescription('answer'));
    }
  }

  /**
   * Which negotiation a description or candidate belongs to: false for one we gave up on (dropped)
   * or cannot accept. An offer for a later attempt makes the answerer follow the offerer: its
   * fallback while connecting, its ICE restart (and that restart's fallbacks) while open.
   */
  private admitAttempt(message: Extract<SignalMessage, { kind: 'description' | 'candidate' }>): boolean {
    const attempt = message.attempt ?? 0;
    if (attempt === this.attempt) return true;
    if (attempt < this.attempt) return false;
    const state = this.hooks.state();
    const kind = signaledKind(attempt, message.via);
    const follows =
      this.options.role === 'answerer' &&
      kind !== undefined &&
      Number.isInteger(attempt) &&
      attempt <= MAX_ATTEMPT &&
      (state === 'connecting'
        ? isRelayKind(kind)
        : state === 'open' && this.options.iceRestart !== undefined);
    if (follows && message.kind === 'candidate') {
      // The offer of that attempt is on its way (signalers may reorder across message kinds).
      this.candidates.holdEarly(attempt, message);
      return false;
    }
    if (follows && kind === AttemptKind.WsRelay && !this.pipe) {
      // The offerer gave up on WebRTC; without a relay pipe to it this side cannot follow.
      this.hooks.fail(
        'failed',
        new TransportError(
          'CONNECTION_FAILED',
          'the peer fell back to the lobby relay, which this side has not',
          {
            details: { step: 'ws-relay' },
          },
        ),
      );
      return false;
    }
    if (!follows || kind === undefined || message.kind !== 'description' || message.type !== 'offer') {
      this.hooks.error(
        new TransportError('SIGNALING', `unexpected ${message.kind} for negotiation attempt ${attempt}`, {
          details: { attempt, current: this.attempt },
        }),
      );
      return false;
    }
    if (state === 'open' && !this.negotiating) {
      // The offerer's ICE restart begins.
      this.negotiating = true;
      this.hooks.restarting({ attempt, reason: 'peer' });
      this.armConnectTimer(this.options.iceRestart!.timeoutMs, 'restart');
      this.replaceAttempt(attempt, kind);
    } else if (isRelayKind(kind)) {
      this.fallBack(attempt, kind, 'peer', this.options.connectTimeoutMs);
    } else {
      this.replaceAttempt(attempt, kind);
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
    const next = this.nextKind();
    if (state === 'failed' && this.negotiating && next !== undefined) {
      // The offerer falls back at once; the answerer waits for its new offer (the connect or
      // restart timeout still bounds the wait).
      if (this.options.role === 'offerer') {
        const timeoutMs =
          current === 'open' ? this.options.iceRestart!.timeoutMs : this.options.connectTimeoutMs;
        this.fallBack(this.attempt + 1, next, 'ice-failed', timeoutMs);
      }
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
      ? this.kind === AttemptKind.WsRelay
        ? 'ws-relay'
        : 'signaling'
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

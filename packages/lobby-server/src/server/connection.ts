// One client WebSocket: enforces the per-connection rules (rate limits, violation budget, idle,
// hello and heartbeat timeouts, slow-reader cap), runs its messages one at a time in arrival order
// (so an offer is always relayed before its candidates) and answers each with `ok` or a typed
// `error`. It must never let an exception escape into the event loop: a bad client only ever
// costs itself its connection.
import type { WebSocket } from 'ws';
import { LobbyCloseCode, LobbyError, isLobbyError } from '../errors.js';
import { newId } from '../auth/session-token.js';
import { closeCodeLabel } from '../metrics/metrics.js';
import { parseClientMessage } from '../protocol/parse.js';
import type { ClientMessage } from '../protocol/schemas.js';
import type { ServerMessage } from '../protocol/server-messages.js';
import { SignalGate } from '../signaling/signal-gate.js';
import { RelayGate } from '../signaling/relay-gate.js';
import { decodeRelayFrame, encodeRelayFrame, relayFrameCost } from '../protocol/relay-frame.js';
import type { ConnectionEnv, ConnectionPort } from './connection-port.js';
import type { LobbyContext } from './context.js';
import { dispatch } from './handlers.js';
import type { DeliveryOutcome, SessionSink } from './hub.js';
import { TokenBucket } from './rate-limit.js';
import type { DeadlineWheel } from './deadline-wheel.js';

const VIOLATION_WINDOW_MS = 10_000;
/** Messages waiting behind a slow handler; more are refused as `rate_limited`. */
const MAX_QUEUED = 32;

export class LobbyConnection implements SessionSink, ConnectionPort {
  readonly connId = newId(9);
  sessionId: string | undefined;
  role: 'player' | 'server' = 'player';
  /** Whom this session may signal, and the relay (see signaling/signal-gate.ts). */
  readonly signals: SignalGate;
  /** Who this session may relay game traffic to, and how much (see signaling/relay-gate.ts). */
  private readonly relayGate: RelayGate;
  readonly closed: Promise<void>;

  private state: 'hello' | 'ready' | 'closed' = 'hello';
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly bucket: TokenBucket;
  private violations = 0;
  private violationWindowStart: number;
  private readonly openedAt: number;
  private lastMessageAt: number;
  private lastPingAt: number;
  private awaitingPong = false;
  private takenOverFlag = false;
  private resolveClosed: () => void = () => undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly env: ConnectionEnv,
    /** Where this connection waits for its next deadline (the server's sweep calls `tick`). */
    private readonly deadlines: DeadlineWheel<LobbyConnection>,
  ) {
    const { config } = env.ctx;
    const now = env.ctx.now();
    this.openedAt = now;
    this.lastMessageAt = now;
    this.lastPingAt = now;
    this.violationWindowStart = now;
    this.bucket = new TokenBucket(config.messagesPerSecond, config.messageBurst, now);
    this.signals = new SignalGate(
      env.ctx,
      () => this.sessionId,
      (message) => this.send(message),
    );
    this.relayGate = new RelayGate(env.ctx, this.signals);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself after protocol errors (1008/1009); just record why.
      env.ctx.metrics.wsErrors.inc({ code: error.code ?? 'unknown' });
      env.ctx.log.debug({ err: error, conn: this.connId }, 'websocket error');
    });
    ws.on('close', (code) => {
      void this.onClose(code);
    });
    deadlines.schedule(this, this.nextDeadline());
  }

  get ctx(): LobbyContext {
    return this.env.ctx;
  }

  /** A method, not a field read, so TypeScript does not narrow the state across awaits. */
  private isOpen(): boolean {
    return this.state !== 'closed';
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const now = this.ctx.now();
    this.lastMessageAt = now;
    // Binary messages are relay frames, paid for by the relay budgets (bytes), not the message rate.
    if (isBinary) {
      this.onRelayFrame(data, now);
      return;
    }
    // The WebSocket limit grows to fit relay frames; text messages keep their own, closed and
    // counted exactly as `ws` does when it enforces maxPayload itself (relay off).
    if (data.byteLength > this.ctx.config.maxPayload) {
      this.ctx.metrics.wsErrors.inc({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
      this.close(LobbyCloseCode.MessageTooBig, 'message too big');
      return;
    }
    if (
      !this.bucket.take(now) ||
      !this.env.ipTable.takeMessage(this.env.ipKey, now) ||
      this.queued >= MAX_QUEUED
    ) {
      this.sendError(new LobbyError('rate_limited', 'too many messages; slow down'));
      this.violation(now);
      return;
    }
    const parsed = parseClientMessage(data, isBinary);
    if (!parsed.ok) {
      this.sendError(parsed.error, parsed.re);
      this.violation(now);
      return;
    }
    const message = parsed.message;
    this.ctx.metrics.messagesIn.inc({ type: message.t });
    this.queued += 1;
    this.chain = this.chain
      .then(() => this.process(message))
      .finally(() => {
        this.queued -= 1;
      });
  }

  /**
   * One relay frame from this client, handled at once rather than queued behind requests: frames
   * of one sender keep their order, and the gate refuses anything not between signaling peers.
   * Refusals name the peer (`details.relayTo`) so the client can tell its connection; the sender's
   * own faults are violations.
   */
  private onRelayFrame(data: Buffer, now: number): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const frame = decodeRelayFrame(bytes);
    const from = this.sessionId;
    if ('problem' in frame || this.state !== 'ready' || from === undefined) {
      this.ctx.metrics.relayFrames.inc({ outcome: 'malformed' });
      const problem = 'problem' in frame ? frame.problem : 'send hello first';
      this.sendError(new LobbyError(this.state === 'ready' ? 'bad_request' : 'not_ready', problem));
      this.violation(now);
      return;
    }
    const refusal = (error: LobbyError): LobbyError =>
      new LobbyError(error.code, error.message, {
        details: { ...error.details, relayTo: frame.peer, reliable: frame.reliable },
      });
    const cost = relayFrameCost(frame.payload.byteLength);
    try {
      this.relayGate.outgoingFrame(frame.peer, frame.payload.byteLength, cost, now);
    } catch (error) {
      this.sendError(refusal(LobbyError.from(error)));
      this.violation(now);
      return;
    }
    void this.ctx.hub.relayFrame(frame.peer, from, frame.reliable, frame.payload).then(
      (outcome) => {
        if (outcome === 'delivered') {
          this.ctx.metrics.relayFrames.inc({ outcome: 'relayed' });
          this.ctx.metrics.relayBytes.inc(frame.payload.byteLength);
        } else if (outcome === 'absent') {
          this.ctx.metrics.relayFrames.inc({ outcome: 'absent' });
          this.sendError(refusal(new LobbyError('peer_unavailable', 'that player is not connected')));
        } else if (outcome === 'throttled') {
          this.sendError(
            refusal(new LobbyError('rate_limited', 'that peer is receiving too much relayed traffic')),
          );
        }
      },
      (error: unknown) => this.sendError(refusal(LobbyError.from(error))),
    );
  }

  /** Counts a broken rule; too many within 10 s close the connection (4008). */
  violation(now: number): void {
    if (now - this.violationWindowStart > VIOLATION_WINDOW_MS) {
      this.violationWindowStart = now;
      this.violations = 0;
    }
    this.violations += 1;
    if (this.violations > this.ctx.config.maxViolations) this.close(LobbyCloseCode.Flood, 'flood');
  }

  private async process(message: ClientMessage): Promise<void> {
    if (this.state === 'closed') return;
    try {
      if (message.t !== 'hello' && this.state !== 'ready') {
        this.violation(this.ctx.now());
        throw new LobbyError('not_ready', 'send hello first');
      }
      const data = await dispatch(this, message);
      // A relayed offer may now expire before the deadline this connection waits for.
      if (message.t === 'signal') this.deadlines.scheduleBy(this, this.nextDeadline());
      if (message.id !== undefined && message.t !== 'hello' && this.isOpen()) {
        this.send({ t: 'ok', re: message.id, data: data ?? {} });
      }
    } catch (error) {
      // Refused for a rate (e.g. a signaling budget): repeated, it ends the connection (4008).
      if (isLobbyError(error, 'rate_limited')) this.violation(this.ctx.now());
      this.sendError(error, message.id);
    }
  }

  sendError(error: unknown, re?: number): void {
    const lobbyError = LobbyError.from(error, 'internal', 'internal error');
    if (lobbyError.code === 'internal')
      this.ctx.log.error({ err: error, conn: this.connId }, 'request failed');
    this.ctx.metrics.errors.inc({ code: lobbyError.code });
    const details = Object.keys(lobbyError.details).length > 0 ? { details: { ...lobbyError.details } } : {};
    this.send({
      t: 'error',
      ...(re === undefined ? {} : { re }),
      code: lobbyError.code,
      message: lobbyError.message,
      ...details,
    });
  }

  /** Sends to this client; a client whose unread backlog passed the cap is dropped. */
  send(message: ServerMessage): void {
    if (this.state === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.ctx.config.sendBufferCap) {
      this.ctx.log.info({ conn: this.connId, session: this.sessionId }, 'slow reader dropped');
      this.ctx.metrics.closes.inc({ code: String(LobbyCloseCode.SlowReader) });
      this.state = 'closed'; // counted here; the close event that follows must not count it again
      this.ws.terminate();
      return;
    }
    this.signals.track(message);
    this.ws.send(JSON.stringify(message));
    this.ctx.metrics.messagesOut.inc();
  }

  // SessionSink: messages for this session from anywhere in the cluster.
  deliver(message: ServerMessage): DeliveryOutcome {
    if (message.t === 'signal') {
      const verdict = this.signals.admit(message, this.ws.bufferedAmount);
      if (verdict === 'drop') return 'dropped';
      if (verdict === 'throttle') return 'throttled';
    }
    this.send(message);
    return 'delivered';
  }

  deliverRelay(from: string, reliable: boolean, payload: Uint8Array): DeliveryOutcome {
    if (this.state !== 'ready' || this.ws.readyState !== this.ws.OPEN) return 'dropped';
    const verdict = this.relayGate.admit(from, relayFrameCost(payload.byteLength), this.ws.bufferedAmount);
    if (verdict === 'drop') return 'dropped';
    if (verdict === 'throttle') return 'throttled';
    this.ws.send(encodeRelayFrame({ peer: from, reliable, payload }));
    return 'delivered';
  }

  takenOver(): void {
    this.takenOverFlag = true;
    this.close(LobbyCloseCode.SessionTakenOver, 'session resumed on another connection');
  }

  /**
   * When `tick` must run next: the earliest of the hello, idle and heartbeat deadlines and of the
   * unanswered offers' expiry (each check below fires once `now` passes it).
   */
  private nextDeadline(): number {
    const { config } = this.ctx;
    let at = Math.min(this.lastMessageAt + config.idleTimeoutMs + 1, this.lastPingAt + config.heartbeatMs);
    if (this.state === 'hello') at = Math.min(at, this.openedAt + config.helloTimeoutMs + 1);
    const offers = this.signals.nextOfferExpiry();
    return offers === undefined ? at : Math.min(at, offers);
  }

  /**
   * Called by the server's sweep when this connection's deadline (see `nextDeadline`) came:
   * timeouts, heartbeat, reaping of stale offers; then it waits for its next deadline.
   */
  tick(now: number): void {
    this.checkDeadlines(now);
    if (this.state !== 'closed') this.deadlines.schedule(this, this.nextDeadline());
  }

  private checkDeadlines(now: number): void {
    if (this.state === 'closed') return;
    const { config } = this.ctx;
    if (this.state === 'hello' && now - this.openedAt > config.helloTimeoutMs) {
      this.close(LobbyCloseCode.HelloTimeout, 'hello timeout');
      return;
    }
    if (now - this.lastMessageAt > config.idleTimeoutMs) {
      this.close(LobbyCloseCode.IdleTimeout, 'idle timeout');
      return;
    }
    if (now - this.lastPingAt >= config.heartbeatMs) {
      if (this.awaitingPong) {
        this.ctx.log.debug({ conn: this.connId }, 'missed heartbeat');
        this.ws.terminate();
        return;
      }
      this.awaitingPong = true;
      this.lastPingAt = now;
      this.ws.ping();
    }
    this.signals.reap(now);
  }

  /** Marks the hello done; called by the hello handler once the session is attached. */
  becomeReady(sessionId: string, role: 'player' | 'server'): void {
    this.sessionId = sessionId;
    this.role = role;
    this.state = 'ready';
    this.ctx.metrics.sessions.inc();
    // The hello deadline is met: wait for the next real one (heartbeat, idle), instead of being
    // visited for nothing when the hello timeout would have come.
    this.deadlines.schedule(this, this.nextDeadline());
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.ctx.metrics.closes.inc({ code: closeCodeLabel(code) });
    this.ws.close(code, reason);
  }

  private async onClose(code: number): Promise<void> {
    const wasReady = this.sessionId !== undefined;
    if (this.state !== 'closed') this.ctx.metrics.closes.inc({ code: closeCodeLabel(code) });
    this.state = 'closed';
    this.deadlines.remove(this);
    this.env.ipTable.closed(this.env.ipKey);
    try {
      await this.chain;
      if (wasReady && this.sessionId !== undefined) {
        this.ctx.metrics.sessions.dec();
        await this.ctx.hub.detach(this.sessionId, this);
        if (!this.takenOverFlag) await this.sessionLost(this.sessionId);
      }
    } catch (error) {
      this.ctx.log.error({ err: error, conn: this.connId }, 'cleanup after close failed');
    } finally {
      this.resolveClosed();
    }
  }

  /** The socket is gone: the session enters its grace period and its room is told. */
  private async sessionLost(sessionId: string): Promise<void> {
    const { services } = this.env;
    const session = await services.sessions.disconnected(sessionId, this.connId, this.ctx.nodeId);
    if (!session) return;
    if (session.role === 'server') await services.gameServers.unregister(session.id);
    if (session.roomId !== undefined) await services.rooms.setConnected(session.id, session.roomId, false);
  }
}

// The lab's network conditioner: wraps a tickwire Connection and adds latency, jitter and loss to
// this player's traffic in both directions, so a visitor can feel what prediction, interpolation
// and lag compensation do on a bad link. It implements the whole Connection interface, so the sync
// layer and the game use it unchanged. Reliable messages are delayed but never dropped or
// reordered (the channel they model is reliable and ordered); unreliable ones may be lost and
// arrive out of order, like on a real link. Testing and demo use only: it must never be on by
// default.
import type {
  ChannelKind,
  Connection,
  ConnectionEvents,
  ConnectionStats,
  MessageEvent,
  MessageInterceptor,
  SendOptions,
  SendResult,
} from '@tickwire/transport';

export interface LinkConditions {
  /** Added round-trip time, ms (half on the way out, half on the way in). */
  rttMs: number;
  /** Each packet's delay varies uniformly by up to ± this, ms (per direction). */
  jitterMs: number;
  /** Fraction (0..1) of unreliable packets dropped, per direction. */
  loss: number;
}

export interface ConditionerStats {
  droppedOut: number;
  droppedIn: number;
  delayedOut: number;
  delayedIn: number;
}

export const NO_CONDITIONS: LinkConditions = { rttMs: 0, jitterMs: 0, loss: 0 };

export class ConditionedConnection implements Connection {
  conditions: LinkConditions = { ...NO_CONDITIONS };
  readonly counters: ConditionerStats = { droppedOut: 0, droppedIn: 0, delayedOut: 0, delayedIn: 0 };
  private readonly handlers = new Set<ConnectionEvents['message']>();
  private readonly interceptors = new Set<MessageInterceptor>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private reliableOutDue = 0;
  private reliableInDue = 0;

  constructor(
    readonly inner: Connection,
    private readonly random: () => number = Math.random,
  ) {
    // Every message passes the conditioner first, the sync layer's own traffic included.
    inner.intercept((event) => {
      this.receive(event);
      return true;
    });
    inner.on('close', () => this.clearTimers());
  }

  get state() {
    return this.inner.state;
  }
  get role() {
    return this.inner.role;
  }
  get opened() {
    return this.inner.opened;
  }
  get maxUnreliablePayload() {
    return this.inner.maxUnreliablePayload;
  }
  get maxReliablePayload() {
    return this.inner.maxReliablePayload;
  }

  send(channel: ChannelKind, value: unknown, options?: SendOptions): SendResult {
    return this.outbound(channel, () => this.inner.send(channel, value, options));
  }

  sendRaw(channel: ChannelKind, bytes: Uint8Array, options?: SendOptions): SendResult {
    // The caller may reuse its buffer after we return: keep our own copy while it waits.
    const copy = this.active() ? bytes.slice() : bytes;
    return this.outbound(channel, () => this.inner.sendRaw(channel, copy, options));
  }

  on<E extends keyof ConnectionEvents>(event: E, handler: ConnectionEvents[E]): () => void {
    if (event !== 'message') return this.inner.on(event, handler);
    const h = handler as ConnectionEvents['message'];
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }

  intercept(interceptor: MessageInterceptor): () => void {
    this.interceptors.add(interceptor);
    return () => this.interceptors.delete(interceptor);
  }

  /** The transport's numbers, with the added round trip included in the RTT (what the game feels). */
  stats(): ConnectionStats {
    const s = this.inner.stats();
    const added = this.conditions.rttMs;
    return {
      ...s,
      rttMs: s.rttMs === undefined ? undefined : s.rttMs + added,
      srttMs: s.srttMs === undefined ? undefined : s.srttMs + added,
      jitterMs: s.jitterMs + this.conditions.jitterMs / 2,
      lossFraction: Math.min(1, s.lossFraction + this.conditions.loss),
    };
  }

  bufferedAmount(channel: ChannelKind): number {
    return this.inner.bufferedAmount(channel);
  }

  selectedCandidatePair() {
    return this.inner.selectedCandidatePair();
  }

  restartIce(): boolean {
    return this.inner.restartIce();
  }

  close(): void {
    this.clearTimers();
    this.inner.close();
  }

  private active(): boolean {
    const c = this.conditions;
    return c.rttMs > 0 || c.jitterMs > 0 || c.loss > 0;
  }

  private delay(): number {
    const c = this.conditions;
    return Math.max(0, c.rttMs / 2 + (this.random() * 2 - 1) * c.jitterMs);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private outbound(channel: ChannelKind, send: () => SendResult): SendResult {
    if (!this.active()) return send();
    if (channel === 'unreliable' && this.random() < this.conditions.loss) {
      this.counters.droppedOut++;
      return 'sent'; // lost on the "wire", as far as the sender can tell
    }
    let due = performance.now() + this.delay();
    if (channel === 'reliable') due = this.reliableOutDue = Math.max(due, this.reliableOutDue);
    this.counters.delayedOut++;
    this.later(due - performance.now(), () => {
      if (this.inner.state !== 'open') return;
      try {
        send();
      } catch {
        // The connection closed meanwhile: nothing to deliver to.
      }
    });
    return 'sent';
  }

  private receive(event: MessageEvent): void {
    if (!this.active()) return this.dispatch(event);
    if (event.channel === 'unreliable' && this.random() < this.conditions.loss) {
      this.counters.droppedIn++;
      return;
    }
    let due = performance.now() + this.delay();
    if (event.channel === 'reliable') due = this.reliableInDue = Math.max(due, this.reliableInDue);
    this.counters.delayedIn++;
    // Raw payloads may be views into a reused receive buffer: copy before holding on to them.
    const held =
      event.raw && event.data instanceof Uint8Array ? { ...event, data: event.data.slice() } : event;
    this.later(due - performance.now(), () => this.dispatch(held));
  }

  /** Delivers as the transport does: interceptors first; tickwire's `tw` messages never reach listeners. */
  private dispatch(event: MessageEvent): void {
    for (const interceptor of [...this.interceptors]) if (interceptor(event)) return;
    const data = event.data as { tw?: unknown } | null;
    if (
      event.channel === 'reliable' &&
      !event.raw &&
      typeof data === 'object' &&
      data !== null &&
      typeof data.tw === 'string'
    )
      return;
    for (const handler of [...this.handlers]) handler(event);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

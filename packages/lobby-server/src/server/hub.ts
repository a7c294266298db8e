// Delivers server messages to sessions wherever they are connected. A session connected to this
// process is served directly; any other goes through the bus channel of that session, which the
// process holding it subscribes to. Also hands a session over when it is resumed elsewhere.
import { keys } from '../state/records.js';
import type { ServerMessage } from '../protocol/server-messages.js';
import type { Bus } from '../store/types.js';

/** What a sink did with a message: `throttled` = refused by its inbound relay budget. */
export type DeliveryOutcome = 'delivered' | 'dropped' | 'throttled';

/** What a connection exposes to the hub. */
export interface SessionSink {
  readonly connId: string;
  deliver(message: ServerMessage): DeliveryOutcome;
  /** A relay frame (game traffic) from session `from`; binary, never a ServerMessage. */
  deliverRelay(from: string, reliable: boolean, payload: Uint8Array): DeliveryOutcome;
  /** The session was resumed on another connection: close this one (4009). */
  takenOver(): void;
}

type Envelope =
  | { readonly k: 'msg'; readonly m: ServerMessage }
  | { readonly k: 'takeover'; readonly conn: string }
  /** A relay frame between processes: the payload in base64 (bus messages are JSON). */
  | { readonly k: 'relay'; readonly f: string; readonly r: boolean; readonly b: string };

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && 'k' in value;
}

interface Attached {
  readonly sink: SessionSink;
  readonly unsubscribe: () => Promise<void>;
}

export class Hub {
  private readonly local = new Map<string, Attached>();

  constructor(private readonly bus: Bus) {}

  get size(): number {
    return this.local.size;
  }

  /**
   * Makes `sink` the holder of the session; any previous holder (here or elsewhere) is closed.
   * `fresh`: the session was created just now, so nobody else can hold it and no takeover is
   * published (one Redis command less for every new session).
   */
  async attach(sessionId: string, sink: SessionSink, fresh = false): Promise<void> {
    const previous = this.local.get(sessionId);
    if (previous) {
      this.local.delete(sessionId);
      await previous.unsubscribe();
      previous.sink.takenOver();
    }
    if (!fresh) await this.bus.publish(keys.sessionChannel(sessionId), { k: 'takeover', conn: sink.connId });
    const unsubscribe = await this.bus.subscribe(keys.sessionChannel(sessionId), (raw) => {
      if (!isEnvelope(raw)) return;
      if (raw.k === 'msg') sink.deliver(raw.m);
      else if (raw.k === 'relay') {
        if (typeof raw.b === 'string') sink.deliverRelay(raw.f, raw.r, Buffer.from(raw.b, 'base64'));
      } else if (raw.conn !== sink.connId) {
        void this.detach(sessionId, sink);
        sink.takenOver();
      }
    });
    this.local.set(sessionId, { sink, unsubscribe });
  }

  async detach(sessionId: string, sink: SessionSink): Promise<void> {
    const attached = this.local.get(sessionId);
    if (attached?.sink !== sink) return;
    this.local.delete(sessionId);
    await attached.unsubscribe();
  }

  /** Resolves to true when a live connection received the message. */
  async send(sessionId: string, message: ServerMessage): Promise<boolean> {
    const attached = this.local.get(sessionId);
    if (attached) {
      attached.sink.deliver(message);
      return true;
    }
    return (await this.bus.publish(keys.sessionChannel(sessionId), { k: 'msg', m: message })) > 0;
  }

  /**
   * Like `send`, for a relayed signal whose sender must learn when the recipient refused it:
   * `throttled` (over the recipient's budget) is known only when the recipient is on this process;
   * on another process the recipient still drops it, but the sender cannot be told.
   */
  async relay(sessionId: string, message: ServerMessage): Promise<'delivered' | 'throttled' | 'absent'> {
    const attached = this.local.get(sessionId);
    if (attached) return attached.sink.deliver(message) === 'throttled' ? 'throttled' : 'delivered';
    const receivers = await this.bus.publish(keys.sessionChannel(sessionId), { k: 'msg', m: message });
    return receivers > 0 ? 'delivered' : 'absent';
  }

  /**
   * A relay frame to `sessionId`, like `relay` for signals. Local delivery happens before this
   * returns, and publishes go out in call order, so frames of one sender keep their order.
   */
  async relayFrame(
    sessionId: string,
    from: string,
    reliable: boolean,
    payload: Uint8Array,
  ): Promise<'delivered' | 'throttled' | 'dropped' | 'absent'> {
    const attached = this.local.get(sessionId);
    if (attached) {
      const outcome = attached.sink.deliverRelay(from, reliable, payload);
      return outcome;
    }
    const envelope: Envelope = {
      k: 'relay',
      f: from,
      r: reliable,
      b: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
    };
    const receivers = await this.bus.publish(keys.sessionChannel(sessionId), envelope);
    return receivers > 0 ? 'delivered' : 'absent';
  }

  async sendMany(sessionIds: Iterable<string>, message: ServerMessage): Promise<void> {
    await Promise.all([...sessionIds].map((id) => this.send(id, message)));
  }
}

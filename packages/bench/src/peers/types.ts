// One interface for every message path a suite drives, so the ping-pong, stream and throughput
// loops are written once and the contenders differ only in their constructors.

export type ChannelKind = 'unreliable' | 'reliable';

export interface MessagePeer {
  /** Resolves when both channels are open. */
  readonly opened: Promise<void>;
  /** Sends bytes; false when the path dropped the message instead (backpressure). */
  send(kind: ChannelKind, bytes: Uint8Array): boolean;
  /** The one receive handler (set before `opened` resolves; replaces any earlier one). */
  onMessage(handler: (kind: ChannelKind, bytes: Uint8Array) => void): void;
  bufferedAmount(kind: ChannelKind): number;
  /** Counters the path keeps itself (e.g. tickwire's droppedBackpressure). */
  counters(): Record<string, number>;
  close(): void;
}

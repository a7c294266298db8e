// Live numbers a connection exposes: what game code shows in a net-graph and what the state-sync
// layer reads to back off when the link is congested.
import type { ConnectionPath } from './path.js';

export interface ChannelStats {
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  /** Sends dropped because bufferedAmount was over the high-water mark. */
  droppedBackpressure: number;
  /** Bytes queued in the native send buffer right now. */
  bufferedAmount: number;
}

export interface UnreliableStats extends ChannelStats {
  /** Sends the channel itself refused (closed underneath, native error): dropped, never sent. */
  droppedRefused: number;
  /** Sends dropped while an ICE restart replaced the path (state goes on; see `iceRestart`). */
  droppedRestarting: number;
  /** Messages handed to the application. */
  delivered: number;
  /** Messages never seen (sequence gaps). */
  lost: number;
  /** Messages that arrived after a newer one of the same latest-only stream. */
  discardedOutOfOrder: number;
  /** Messages that arrived more than `maxLatenessMs` later than the stream's usual transit time. */
  discardedStale: number;
}

export interface ConnectionStats {
  /** Latest round-trip time measured by the transport's pings, ms. */
  rttMs: number | undefined;
  /** Smoothed RTT (EWMA, 1/8), ms. */
  srttMs: number | undefined;
  /** Interarrival jitter of unreliable traffic (RFC 3550 estimator), ms. */
  jitterMs: number;
  /** Fraction of unreliable messages lost over the recent window (0..1). */
  lossFraction: number;
  /** Send/receive rate over the last second, bytes per second (both channels). */
  sendBytesPerSecond: number;
  receiveBytesPerSecond: number;
  unreliable: UnreliableStats;
  reliable: ChannelStats;
  /** Fast-retransmit probes sent after reliable messages (`reliableLossProbes`). */
  lossProbesSent: number;
  /** Decode failures and other rejected frames from the peer. */
  decodeErrors: number;
  /** The path in use (host / srflx / prflx / relay and the relay protocol), once open and known. */
  path: ConnectionPath | undefined;
}

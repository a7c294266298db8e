// What travels in the loss suite and how it is stamped. Every message carries its sequence number
// and the sender's CLOCK_MONOTONIC time; sender and receiver run on the same machine (different
// network namespaces share the monotonic clock), so arrival minus stamp is the one-way age.
import type { LossProbeOptions } from '@tickwire/transport';
import type { ChannelKind } from '../../peers/types.js';

export type StreamImpl = 'tickwire' | 'ndc' | 'ws' | 'colyseus' | 'geckos';

/** Paths where the sender listens on a port and the receiver connects (the rest are WebRTC peers signaled over IPC). */
export const SERVER_IMPLS: readonly StreamImpl[] = ['ws', 'colyseus', 'geckos'];

export interface StreamSpec {
  /** Result name before `@<loss>%`, e.g. `tickwire-reliable-tuned`. */
  name: string;
  impl: StreamImpl;
  kind: ChannelKind;
  /**
   * tickwire reliable streams only: the transport's `reliableLossProbes` (tiny unreliable frames a
   * few ms after each reliable send, so SCTP's fast retransmit learns of a lost state from three
   * SACKs within a few ms instead of three ticks later).
   */
  lossProbes?: Required<LossProbeOptions>;
}

/** Bytes per state message (the orientation numbers in the issue used 200 B). */
export const MESSAGE_BYTES = 200;
export const STREAM_HZ = 60;

/** Monotonic milliseconds shared by every process on this machine. */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function stamp(buffer: Uint8Array, seq: number, sentMs: number): void {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint32(0, seq);
  view.setFloat64(4, sentMs);
}

export function readStamp(bytes: Uint8Array): { seq: number; sentMs: number } | undefined {
  if (bytes.byteLength < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { seq: view.getUint32(0), sentMs: view.getFloat64(4) };
}

/** What the receiver recorded for one stream: parallel arrays, one entry per message received. */
export interface ArrivalLog {
  seq: Uint32Array;
  sentMs: Float64Array;
  arrivedMs: Float64Array;
}

/** What the sender recorded for one stream. */
export interface SendLog {
  seq: Uint32Array;
  sentMs: Float64Array;
}

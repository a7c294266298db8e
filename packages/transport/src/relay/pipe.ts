// The seam between the transport and a last-resort relay: a pipe that carries opaque frames to one
// remote peer through a server both peers already talk to (the lobby's WebSocket), for networks
// where no WebRTC path exists (UDP blocked, and node-datachannel gathers no TURN-over-TCP relay
// candidate). The signaler that reaches a peer offers the pipe to the same peer; the transport
// never knows what carries it. A pipe is ordered and reliable underneath (TCP): the transport adds
// the unreliable channel's latest-only and stale-discard semantics on top, from its frame headers.
// It imports nothing from the connection layer.

/** Why the relay refused a frame: the relay's own code (e.g. `rate_limited`) and its message. */
export interface RelayRefusal {
  readonly code: string;
  readonly message: string;
  /** Whether the refused frame was a reliable one (a lost reliable frame ends the connection). */
  readonly reliable: boolean;
}

export interface RelayPipe {
  /** Largest frame the relay carries, bytes. */
  readonly maxFrameBytes: number;
  /** How this side reaches the relay: `tcp` (ws:) or `tls` (wss:). Shown in the path stats. */
  readonly protocol: 'tcp' | 'tls';
  /** The relay's host and port, for the path stats. */
  readonly address: string;
  readonly port: number;
  /**
   * Queues one frame for the peer; `reliable` frames must never be dropped by the pipe (it paces
   * them to the relay's budget). Throws when the pipe is gone.
   */
  send(frame: Uint8Array, reliable: boolean): void;
  /** Bytes queued in the pipe (its pacing queue and the socket's buffer). */
  bufferedAmount(): number;
  /** Frames from the peer. Returns the unsubscribe. */
  onFrame(handler: (frame: Uint8Array, reliable: boolean) => void): () => void;
  /** The relay refused a frame sent through this pipe. Returns the unsubscribe. */
  onRefused(handler: (refusal: RelayRefusal) => void): () => void;
  /** The pipe's queue drained (after bufferedAmount had been above zero). Returns the unsubscribe. */
  onDrain(handler: () => void): () => void;
  /** The pipe is gone for good (the relay connection closed): frames in flight are lost. */
  onClosed(handler: () => void): () => void;
}

/** The `sdp` of a ws-relay attempt's offer and answer: there is no SDP, only this marker. */
export const WS_RELAY_DESCRIPTION = 'tickwire-ws-relay/1';

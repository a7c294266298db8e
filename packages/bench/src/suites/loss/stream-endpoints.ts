// The hooks through which the loss suite's extra stream kinds (WebSocket here, Colyseus and
// geckos.io in the compare suite) plug into one end's stream handlers. Types only: it exists so the
// stream kinds and the handlers that register them do not import each other.

/** Sends one stamped state. */
export type Send = (bytes: Uint8Array) => void;

/** What extra stream kinds (the compare suite's Colyseus and geckos.io) plug into. */
export interface StreamEndpoints {
  /** Sender side: stream name -> function that sends one stamped state. */
  senders: Map<string, Send>;
  /** Receiver side: starts the arrival log of `name` and returns its recorder. */
  record(name: string): (bytes: Uint8Array) => void;
  /** Receiver side, for paths that deliver decoded state instead of bytes. */
  recordStamp(name: string): (seq: number, sentMs: number) => void;
}

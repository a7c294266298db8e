// The transport's Signaler contract, restated structurally so the raw node-datachannel peers and
// the IPC signaler do not need @tickwire/transport at all (they are its baseline). A value of
// these types is assignable to the transport's own Signaler.

export type SignalMessage =
  | { readonly kind: 'description'; readonly type: 'offer' | 'answer'; readonly sdp: string }
  | { readonly kind: 'candidate'; readonly candidate: string; readonly mid: string }
  | { readonly kind: 'bye'; readonly reason?: string };

export interface Signaler {
  send(message: SignalMessage): void | Promise<void>;
  onMessage(handler: (message: SignalMessage) => void): () => void;
}

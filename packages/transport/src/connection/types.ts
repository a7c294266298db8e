// The public shape of a tickwire connection. Game code, the state-sync layer and the lobby
// client depend on this file only, never on the platform adapters behind it.
import type { TransportError } from '../errors.js';
import type { Signaler } from '../signal/signaler.js';
import type { IceServerConfig, SelectedPair } from '../rtc/adapter.js';
import type { ConnectionStats } from '../stats/types.js';
import type { LossProbeOptions } from '../channel/loss-probes.js';

export type { IceServerConfig } from '../rtc/adapter.js';

/** `unreliable`: unordered, no retransmits, latest-only per stream. `reliable`: ordered SCTP. */
export type ChannelKind = 'unreliable' | 'reliable';

export type ConnectionState = 'new' | 'connecting' | 'open' | 'closed' | 'failed';

export interface ConnectionOptions {
  /** The offerer creates the offer; the answerer waits for it. Exactly one side of a pair offers. */
  role: 'offerer' | 'answerer';
  signaler: Signaler;
  /**
   * STUN/TURN servers. A function is called at each negotiation attempt (the first, a relay
   * fallback, each ICE restart), so short-lived TURN credentials refreshed meanwhile (the lobby
   * client's `iceServers`) are the ones a late fallback or restart uses.
   */
  iceServers?: IceServerConfig[] | (() => readonly IceServerConfig[]);
  iceTransportPolicy?: 'all' | 'relay';
  /**
   * When the pair is not open `afterMs` (default 600) after the start and ICE has selected no
   * pair yet (an attempt whose ICE found a path is left to finish; one whose peer's candidates
   * arrived less than 400 ms before gets the rest of that, since checks start only then), or ICE
   * fails, the offerer starts over relay-only (a new peer connection whose only candidates are TURN relays) and the
   * answerer follows; `relay-fallback` is emitted on both sides. With the fallback on, the first
   * attempt is direct-only (STUN, no TURN allocation), so a relay is used only where needed. Behind two symmetric NATs hole
   * punching cannot work, and libdatachannel was seen not to settle on a relay pair by itself in
   * 15 s while relay-only connected at once. Default: on when `iceServers` has a turn:/turns: URL
   * and `iceTransportPolicy` is 'all'. `connectTimeoutMs` still bounds the whole connect.
   */
  relayFallback?: boolean | { afterMs?: number };
  /**
   * The last resort, after WebRTC: both channels through the signaling server's WebSocket (the
   * lobby relay), for a peer on a network where WebRTC finds no path (UDP blocked: a Node peer
   * gathers no TURN-over-TCP candidate). Used only when the signaler offers a relay pipe
   * (`Signaler.relayPipe`, e.g. the lobby client's, when the lobby has its relay enabled). The
   * offerer moves to it when the last WebRTC attempt (the TURN fallback, or the first attempt
   * without TURN) is not open after `afterMs` (default 1 000, the same selected-pair rule) or its ICE
   * fails; the answerer follows. Sooner when a Node side reached no STUN/TURN server over UDP
   * within 500 ms (a UDP-blocked network; node-datachannel has no TURN over TCP, so no WebRTC
   * attempt can work): the offerer skips TURN and moves as soon as it knows (its own probe, or the
   * answerer's `udp-blocked` signal), unless ICE selected a pair (a host on the same LAN); reason
   * `udp-blocked`. A browser never counts as blocked: it relays over TURN TCP/TLS. Same API and frame format; the unreliable channel keeps latest-only and stale
   * discard, but rides TCP underneath (a lost packet delays the ones behind it). `stats().path.type`
   * is `lobby-relay`. `'only'`: the offerer starts with it (no WebRTC attempt; tests, or a game
   * that knows UDP is blocked). Default: on (`false` turns it off).
   */
  wsRelay?: boolean | { afterMs?: number } | 'only';
  /** Give up when the channels are not open after this long (default 15 000 ms). */
  connectTimeoutMs?: number;
  /**
   * ICE restart (default on): when nothing at all arrives from the peer for `silenceMs` (default
   * 1 200; a side that sent nothing for a quarter of it sends a tiny keepalive, so an idle
   * connection keeps talking and a game at 30-60 Hz adds nothing) while open, the path is taken
   * as broken (NAT rebinding, Wi-Fi to cellular) and the pair negotiates again over the signaler on
   * a new peer connection whose channels replace the old ones under this same Connection: the
   * state stays `open`, `restarting` and then `restored` are emitted, and `timeoutMs` (default
   * `connectTimeoutMs`) bounds the restart before the connection closes with reason `timeout`.
   * The offerer starts it (the answerer asks through a `restart` signal). Across the swap:
   * unreliable sends are dropped and counted (`droppedRestarting`), their sequence numbers go on;
   * reliable sends are queued in order and sent on the new channel; reliable messages still in
   * flight on the broken path when it broke may be lost (SCTP's buffer dies with its association).
   */
  iceRestart?: false | { silenceMs?: number; timeoutMs?: number };
  /** Unreliable sends are dropped (and counted) while bufferedAmount exceeds this (default 64 KiB). */
  unreliableHighWaterMark?: number;
  /** Reliable sends report `backpressure` while bufferedAmount exceeds this (default 1 MiB). */
  reliableHighWaterMark?: number;
  /**
   * Unreliable messages that arrive this much later than the stream's usual transit time are
   * discarded as stale (default 250 ms): state sent during an outage is never delivered after it.
   */
  maxLatenessMs?: number;
  /** How often the transport pings over the unreliable channel to measure RTT (default 1000 ms). */
  pingIntervalMs?: number;
  /**
   * Reliable channel: after a burst of reliable sends, send a few tiny unreliable probe frames a
   * couple of ms apart so a lost reliable message is fast-retransmitted within a few ms instead of
   * waiting for later traffic or SCTP's 200 ms+ timer (`true` = 3 probes, 2 ms apart). Off by
   * default: it adds ~3 small packets per burst. Measured in BENCHMARKS.md (loss suite).
   */
  reliableLossProbes?: boolean | LossProbeOptions;
  /** Node only: bind ICE to these UDP ports. With `udpMux`, all peers share `portRange.begin`. */
  portRange?: { begin: number; end: number };
  /** Node only: share one UDP port between every peer of the process (libdatachannel ICE UDP mux). */
  udpMux?: boolean;
  /** Node only: bind address for ICE host candidates. */
  bindAddress?: string;
  /** Name used in logs and native traces. */
  label?: string;
}

export interface SendOptions {
  /** Unreliable only: latest-only ordering applies per stream (0-15, default 0). */
  stream?: number;
  /**
   * Unreliable only (default true): discard this message at the receiver when a newer message of
   * the same stream already arrived. Set false for packets that are independent of each other
   * (e.g. the parts of one split snapshot).
   */
  latestOnly?: boolean;
}

/**
 * What happened to a send. `sent`: handed to the channel. `dropped`: an unreliable message the
 * transport threw away because the send buffer was over its high-water mark (counted in stats).
 * `backpressure`: a reliable message was queued, but the buffer is over its high-water mark: stop
 * sending until the connection emits `drain`.
 */
export type SendResult = 'sent' | 'dropped' | 'backpressure';

export interface MessageEvent {
  channel: ChannelKind;
  /** The unreliable stream (always 0 on the reliable channel). */
  stream: number;
  /** The decoded msgpack value, or the bytes for messages sent with `sendRaw`. */
  data: unknown;
  /** True when the sender used `sendRaw`; `data` is then a Uint8Array. */
  raw: boolean;
}

/**
 * Sees a message before the application's `message` listeners; returns true when it consumed it
 * (the listeners then never see it). Protocol layers on the connection (state sync) use this.
 */
export type MessageInterceptor = (event: MessageEvent) => boolean;

export interface CloseEvent {
  /** Why the connection ended: `local` (close() called), `remote`, `failed`, `timeout`. */
  reason: 'local' | 'remote' | 'failed' | 'timeout';
  error?: TransportError;
}

export interface RelayFallbackEvent {
  /** The negotiation attempt that starts now (the first one is 0). */
  attempt: number;
  /**
   * `timeout`: not open after `afterMs`; `ice-failed`: ICE gave up; `peer`: the offerer fell back;
   * `udp-blocked`: a Node side reached no STUN/TURN server over UDP (and has no TURN over TCP), so
   * the offerer went straight to the lobby relay.
   */
  reason: 'timeout' | 'ice-failed' | 'peer' | 'udp-blocked';
  /** Where the attempt goes: relay-only through TURN, or through the lobby relay (last resort). */
  via: 'turn' | 'ws-relay';
}

export interface RestartingEvent {
  /** The negotiation attempt that starts (or, at the answerer, is asked for). */
  attempt: number;
  /**
   * `silence`: nothing arrived for `iceRestart.silenceMs`; `peer`: the peer restarts;
   * `requested`: the application called `restartIce()` (e.g. on a network change it saw).
   */
  reason: 'silence' | 'peer' | 'requested';
}

export interface RestoredEvent {
  /** The attempt whose channels now carry the connection. */
  attempt: number;
  /** ms from `restarting` to both new channels open. */
  durationMs: number;
}

export interface ConnectionEvents {
  open: () => void;
  /** A message from the peer (never tickwire's own protocol traffic: see `intercept`). */
  message: (event: MessageEvent) => void;
  /** Bad input from the peer or a failed step; the connection stays open unless `close` follows. */
  error: (error: TransportError) => void;
  state: (state: ConnectionState) => void;
  close: (event: CloseEvent) => void;
  /** The reliable channel's buffer drained below its high-water mark after reporting backpressure. */
  drain: () => void;
  /**
   * The connection gave up on an attempt and negotiates again: relay-only through TURN, or (last
   * resort) through the lobby relay (`via`).
   */
  'relay-fallback': (event: RelayFallbackEvent) => void;
  /** The path broke (or the peer says so): a new negotiation runs; sends are held meanwhile. */
  restarting: (event: RestartingEvent) => void;
  /** The restart's channels are open and carry the connection; held reliable sends went out. */
  restored: (event: RestoredEvent) => void;
  /** A new RTT sample from the transport's ping (ms). */
  rtt: (rttMs: number) => void;
}

export interface Connection {
  readonly state: ConnectionState;
  readonly role: 'offerer' | 'answerer';
  /** Resolves when both channels are open; rejects with a TransportError if connecting fails. */
  readonly opened: Promise<void>;
  /** Largest unreliable payload (bytes after msgpack encoding) that fits one packet. */
  readonly maxUnreliablePayload: number;
  /** Largest reliable message (negotiated SCTP max-message-size minus framing). */
  readonly maxReliablePayload: number;
  /** Encodes `value` with msgpackr and sends it. Throws TransportError on misuse (size, closed). */
  send(channel: ChannelKind, value: unknown, options?: SendOptions): SendResult;
  /** Sends bytes the caller encoded itself. */
  sendRaw(channel: ChannelKind, bytes: Uint8Array, options?: SendOptions): SendResult;
  on<E extends keyof ConnectionEvents>(event: E, handler: ConnectionEvents[E]): () => void;
  /**
   * For layers built on the connection (state sync), not for game code: `interceptor` sees every
   * message first and keeps the ones it returns true for away from `message` listeners. Reliable
   * values that are objects with a string `tw` key are tickwire's own protocol messages: they
   * reach interceptors only, never `message` listeners. Returns the unsubscribe.
   */
  intercept(interceptor: MessageInterceptor): () => void;
  stats(): ConnectionStats;
  /** Bytes queued in one channel's native send buffer (cheap: no stats object is built). */
  bufferedAmount(channel: ChannelKind): number;
  /** The ICE candidate pair in use (type, address, port of each side) once open. */
  selectedCandidatePair(): Promise<SelectedPair | undefined>;
  /**
   * Restarts ICE now (see `iceRestart`), e.g. when the app learns the network changed: false when
   * restarts are off, the connection is not open, or a restart already runs.
   */
  restartIce(): boolean;
  /** Closes both channels and the peer connection, freeing every native handle. Idempotent. */
  close(): void;
}

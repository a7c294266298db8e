// ConnectionOptions with every default filled in and checked once, so the layers below read plain
// numbers and never repeat a default. Invalid combinations throw INVALID_OPTIONS from connect():
// nothing here touches the network.
import { TransportError } from '../errors.js';
import type { LossProbeOptions } from '../channel/loss-probes.js';
import { iceServerUrls } from '../rtc/ice-servers.js';
import type { ConnectionOptions, IceServerConfig } from './types.js';

/** Safe single-packet payload: 1280-byte minimum path MTU minus IP/UDP/DTLS/SCTP and our header. */
export const MAX_UNRELIABLE_PAYLOAD = 1150;
/** The SCTP max-message-size assumed until the peer's description says otherwise. */
export const DEFAULT_REMOTE_MAX_MESSAGE = 65_536;
/**
 * 600 ms: the wait was all but ~0.3 s of a relayed pair's time to open (NAT lab, load 6: fallback
 * at 1.5 s, the TURN attempt's ICE connected ~0.22 s later, open ~0.27 s later, or ~1.27 s when
 * DTLS's first flight was lost). A direct attempt whose ICE selected a pair by then is left to
 * finish, and one whose peer's candidates arrived less than 400 ms before is given the rest of that
 * (Negotiator.afterPairCheck): in the lab a direct pair's ICE connected 4-370 ms after the start
 * and 0-220 ms after the peer's candidates, so only an attempt that found no path at all gives up.
 */
const DEFAULT_FALLBACK_AFTER_MS = 600;
/** The TURN attempt's wait before the lobby relay: a relay pair connects within ~0.5 s here. */
const DEFAULT_WS_RELAY_AFTER_MS = 1_000;
/**
 * A side that has sent nothing for a quarter of `silenceMs` sends a keepalive (a game at 30-60 Hz
 * never needs one), so a live path carries something at least every ~300 ms each way: 1.2 s of
 * nothing is four keepalives lost in a row (0.16 % per window at 20 % loss), noticed within the
 * issue's "a second or two", and the restart still has ~1.8 s of the 3 s back-to-open budget.
 */
const DEFAULT_RESTART_SILENCE_MS = 1_200;

export interface ResolvedOptions {
  readonly role: 'offerer' | 'answerer';
  readonly label: string;
  /** The servers for the next negotiation attempt (a function: TURN credentials get refreshed). */
  readonly iceServers: () => IceServerConfig[];
  readonly iceTransportPolicy: 'all' | 'relay';
  /** Undefined when relay fallback is off. */
  readonly relayFallback: { afterMs: number } | undefined;
  /** Undefined when the lobby relay is off (it is then used only if the signaler offers a pipe). */
  readonly wsRelay: { afterMs: number; only: boolean } | undefined;
  readonly connectTimeoutMs: number;
  /** Undefined when ICE restart is off. */
  readonly iceRestart: { silenceMs: number; timeoutMs: number } | undefined;
  readonly unreliableHighWaterMark: number;
  readonly reliableHighWaterMark: number;
  readonly maxLatenessMs: number;
  readonly pingIntervalMs: number;
  /** Undefined when reliable loss probes are off. */
  readonly lossProbes: LossProbeOptions | undefined;
}

export function resolveOptions(options: ConnectionOptions): ResolvedOptions {
  const probes = options.reliableLossProbes;
  return {
    role: options.role,
    label: options.label ?? `tickwire-${options.role}`,
    iceServers: iceServersOf(options),
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    relayFallback: resolveRelayFallback(options),
    wsRelay: resolveWsRelay(options),
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    iceRestart: resolveIceRestart(options),
    unreliableHighWaterMark: options.unreliableHighWaterMark ?? 64 * 1024,
    reliableHighWaterMark: options.reliableHighWaterMark ?? 1024 * 1024,
    maxLatenessMs: options.maxLatenessMs ?? 250,
    pingIntervalMs: options.pingIntervalMs ?? 1000,
    lossProbes: probes ? (probes === true ? {} : probes) : undefined,
  };
}

function resolveWsRelay(options: ConnectionOptions): { afterMs: number; only: boolean } | undefined {
  const setting = options.wsRelay ?? true;
  if (setting === false) return undefined;
  if (setting === true || setting === 'only') {
    return { afterMs: DEFAULT_WS_RELAY_AFTER_MS, only: setting === 'only' };
  }
  const afterMs = setting.afterMs ?? DEFAULT_WS_RELAY_AFTER_MS;
  if (!Number.isFinite(afterMs) || afterMs <= 0) {
    throw new TransportError('INVALID_OPTIONS', 'wsRelay.afterMs must be a positive number of ms', {
      details: { afterMs },
    });
  }
  return { afterMs, only: false };
}

/** Relay fallback is on by default when there is a TURN server to fall back to. */
function resolveRelayFallback(options: ConnectionOptions): { afterMs: number } | undefined {
  const setting = options.relayFallback;
  if (setting === false || options.iceTransportPolicy === 'relay') return undefined;
  const afterMs = (typeof setting === 'object' ? setting.afterMs : undefined) ?? DEFAULT_FALLBACK_AFTER_MS;
  if (!Number.isFinite(afterMs) || afterMs <= 0) {
    throw new TransportError('INVALID_OPTIONS', 'relayFallback.afterMs must be a positive number of ms', {
      details: { afterMs },
    });
  }
  const hasTurn = iceServerUrls(iceServersOf(options)()).some((url) => /^turns?:/i.test(url));
  if (!hasTurn) {
    if (setting) {
      throw new TransportError(
        'INVALID_OPTIONS',
        'relayFallback needs a turn: or turns: server in iceServers',
      );
    }
    return undefined;
  }
  return { afterMs };
}

function resolveIceRestart(options: ConnectionOptions): { silenceMs: number; timeoutMs: number } | undefined {
  const setting = options.iceRestart;
  if (setting === false) return undefined;
  const silenceMs = setting?.silenceMs ?? DEFAULT_RESTART_SILENCE_MS;
  const timeoutMs = setting?.timeoutMs ?? options.connectTimeoutMs ?? 15_000;
  for (const [name, value] of [
    ['silenceMs', silenceMs],
    ['timeoutMs', timeoutMs],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new TransportError('INVALID_OPTIONS', `iceRestart.${name} must be a positive number of ms`, {
        details: { [name]: value },
      });
    }
  }
  return { silenceMs, timeoutMs };
}

/** `iceServers` as a function read at each attempt; a list given as such never changes. */
function iceServersOf(options: ConnectionOptions): () => IceServerConfig[] {
  const servers = options.iceServers;
  if (typeof servers === 'function') {
    return () => {
      try {
        const list = servers();
        return Array.isArray(list) ? [...list] : [];
      } catch {
        return []; // the app's provider failed: this attempt goes without servers (host candidates)
      }
    };
  }
  const list = [...(servers ?? [])];
  return () => list;
}

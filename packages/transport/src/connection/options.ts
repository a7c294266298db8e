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
const DEFAULT_FALLBACK_AFTER_MS = 5_000;
const DEFAULT_WS_RELAY_AFTER_MS = 3_000;

export interface ResolvedOptions {
  readonly role: 'offerer' | 'answerer';
  readonly label: string;
  readonly iceServers: IceServerConfig[];
  readonly iceTransportPolicy: 'all' | 'relay';
  /** Undefined when relay fallback is off. */
  readonly relayFallback: { afterMs: number } | undefined;
  /** Undefined when the lobby relay is off (it is then used only if the signaler offers a pipe). */
  readonly wsRelay: { afterMs: number; only: boolean } | undefined;
  readonly connectTimeoutMs: number;
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
    iceServers: options.iceServers ?? [],
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    relayFallback: resolveRelayFallback(options),
    wsRelay: resolveWsRelay(options),
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
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
  const hasTurn = iceServerUrls(options.iceServers ?? []).some((url) => /^turns?:/i.test(url));
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

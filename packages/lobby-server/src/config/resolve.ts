// Merges caller options over the defaults and checks them once at startup, so a bad setting is a
// clear error before the port opens instead of odd behaviour later.
import { randomBytes } from 'node:crypto';
import { defaultSettings, parseModes } from './options.js';
import type { LobbySettings } from './options.js';
import { relayFrameCost } from '../protocol/relay-frame.js';

export interface ResolvedConfig extends LobbySettings {
  /** Match size per configured mode. */
  readonly matchSizes: ReadonlyMap<string, number>;
  /** True when the secret was generated here (tokens do not survive a restart). */
  readonly ephemeralSecret: boolean;
}

const positive: Array<keyof LobbySettings> = [
  'maxPayload',
  'maxFragments',
  'trustedProxies',
  'socketsPerIp',
  'maxSockets',
  'headersTimeoutMs',
  'requestTimeoutMs',
  'keepAliveTimeoutMs',
  'sendBufferCap',
  'heartbeatMs',
  'idleTimeoutMs',
  'helloTimeoutMs',
  'messagesPerSecond',
  'messageBurst',
  'ipMessagesPerSecond',
  'ipMessageBurst',
  'connectionsPerIp',
  'ipConnectsPerSecond',
  'ipConnectBurst',
  'maxViolations',
  'codeFailuresPerMinute',
  'codeLockoutMs',
  'kickBanMs',
  'roomsPerMinute',
  'maxCandidates',
  'maxNegotiations',
  'peerSignalBytesPerSecond',
  'inboundSignalBytesPerSecond',
  'relayPeerBytesPerSecond',
  'relayInboundBytesPerSecond',
  'relayMaxFrameBytes',
  'offerTimeoutMs',
  'graceMs',
  'joinTokenTtlSeconds',
  'turnTtlSeconds',
  'acceptTimeoutMs',
  'queueStatusMs',
  'serverTtlMs',
  'tickMs',
  'nodeTtlMs',
];

export function resolveConfig(options: Partial<LobbySettings>): ResolvedConfig {
  const merged: LobbySettings = { ...defaultSettings };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && key in defaultSettings) (merged as Record<string, unknown>)[key] = value;
  }
  for (const key of positive) {
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`config ${key} must be a positive number (got ${String(value)})`);
    }
  }
  if (merged.relayPeerBytesPerSecond < relayFrameCost(merged.relayMaxFrameBytes)) {
    // The per-pair burst is 1 s worth: a largest frame must fit in it, or it could never pass.
    throw new Error('config relayPeerBytesPerSecond must be at least relayMaxFrameBytes + 64');
  }
  if (merged.port < 0 || merged.port > 65_535) throw new Error('config port must be 0-65535');
  if (merged.turnCliPort > 0 && !merged.turnCliPassword) {
    throw new Error(
      'config turnCliPort is set but turnCliPassword is empty (coturn disables its CLI without one)',
    );
  }
  if (merged.turnSecret && merged.turnUrls.length === 0) {
    throw new Error('config turnSecret is set but turnUrls is empty');
  }
  const ephemeralSecret = merged.secret === '';
  if (ephemeralSecret) merged.secret = randomBytes(32).toString('base64url');
  else if (merged.secret.length < 16) throw new Error('config secret must be at least 16 characters');
  if (merged.redisUrl && ephemeralSecret) {
    throw new Error('config secret is required with redisUrl: every lobby process must share it');
  }
  return { ...merged, matchSizes: parseModes(merged.modes), ephemeralSecret };
}

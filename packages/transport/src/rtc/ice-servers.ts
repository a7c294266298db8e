// Translates W3C-shaped ICE server entries into node-datachannel's form. TURN servers become
// objects rather than `user:pass@host` URLs because coturn REST usernames contain ':' and would
// otherwise need URL-escaping rules libdatachannel does not promise to follow.
import type { IceServer } from 'node-datachannel';
import type { IceServerConfig } from './adapter.js';
import { TransportError } from '../errors.js';

export function toLibdatachannelIceServers(servers: readonly IceServerConfig[]): (string | IceServer)[] {
  return servers.flatMap((server) => urlsOf(server).map((url) => convert(url, server)));
}

/** Every URL of every entry (`urls` may be one string or a list). */
export function iceServerUrls(servers: readonly IceServerConfig[]): string[] {
  return servers.flatMap(urlsOf);
}

function urlsOf(server: IceServerConfig): string[] {
  return Array.isArray(server.urls) ? server.urls : [server.urls];
}

function convert(url: string, server: IceServerConfig): string | IceServer {
  const match = /^(stun|stuns|turn|turns):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(
    url,
  );
  if (!match) {
    throw new TransportError('INVALID_OPTIONS', `unsupported ICE server URL: ${url}`, { details: { url } });
  }
  const scheme = match[1]!.toLowerCase();
  const hostname = match[2]!.replace(/^\[|\]$/g, '');
  const tls = scheme === 'stuns' || scheme === 'turns';
  const port = match[3] === undefined ? (tls ? 5349 : 3478) : Number(match[3]);
  if (scheme === 'stun' || scheme === 'stuns') return `stun:${match[2]}:${port}`;
  if (server.username === undefined || server.credential === undefined) {
    throw new TransportError('INVALID_OPTIONS', `TURN server ${url} needs username and credential`, {
      details: { url },
    });
  }
  const transport = match[4]?.toLowerCase();
  return {
    hostname,
    port,
    username: server.username,
    password: server.credential,
    relayType: tls ? 'TurnTls' : transport === 'tcp' ? 'TurnTcp' : 'TurnUdp',
  };
}

/**
 * The ICE servers of a first attempt that a relay fallback backs up: STUN only, so it can only
 * settle on a direct path (host, or a NAT mapping learned by STUN). Measured in the NAT matrix
 * (`pnpm bench nat`): with TURN servers in the first attempt, libdatachannel settled on a relay
 * pair in 3 of 88 runs between peers that connect directly (even two public hosts), and never
 * opened a pair that needed the relay without the fallback; the fallback's relay-only attempt
 * is what opens those. A `turn:` URL also gives a STUN server (a TURN server answers Binding
 * requests on its port: TURN is an extension of STUN); `turns:` (TLS) gives none.
 */
export function directOnlyIceServers(servers: readonly IceServerConfig[]): IceServerConfig[] {
  // The TURN servers are used later (the fallback): refuse a bad entry now, not then.
  toLibdatachannelIceServers(servers);
  const urls = new Set<string>();
  for (const url of iceServerUrls(servers)) {
    const match = /^(stun|turn):(\[[^\]]+\]|[^:?]+)(?::(\d+))?/i.exec(url);
    if (!match) continue;
    urls.add(`stun:${match[2]}:${match[3] ?? '3478'}`);
  }
  return [...urls].map((url) => ({ urls: url }));
}

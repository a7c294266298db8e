// Which path a connection's packets take, from the ICE candidate pair the adapter selected: direct
// between host addresses, through a NAT's reflexive address (srflx/prflx), or through a TURN relay
// (and over which protocol this side reaches it). Read once when the connection opens and kept, so
// `stats()` stays synchronous. It must never throw: an adapter that cannot say leaves it undefined.
import type { SelectedCandidate, SelectedPair } from '../rtc/adapter.js';

export const PathType = {
  /** Both candidates are host addresses: same LAN, or both peers on public addresses. */
  Host: 'host',
  /** A NAT's public mapping learned from STUN (hole punching). */
  Srflx: 'srflx',
  /** A NAT's public mapping learned from the peer's own checks (hole punching). */
  Prflx: 'prflx',
  /** Through a TURN server. */
  Relay: 'relay',
  /**
   * Not WebRTC at all: both channels through the lobby's WebSocket (the last-resort relay, see
   * ConnectionOptions.wsRelay). `relayProtocol` says how this side reaches the lobby: tcp or tls.
   */
  LobbyRelay: 'lobby-relay',
} as const;
export type PathType = (typeof PathType)[keyof typeof PathType];

/** How a peer reaches its TURN server. */
export type RelayProtocol = 'udp' | 'tcp' | 'tls';

export interface ConnectionPath {
  /** The least direct of the two candidates: lobby-relay, relay, then srflx, prflx, host. */
  type: PathType;
  /** Present when this side's own candidate is the relay (the peer's TURN transport is unknown). */
  relayProtocol?: RelayProtocol;
  local: SelectedCandidate;
  remote: SelectedCandidate;
}

const RANK: Record<PathType, number> = { host: 0, prflx: 1, srflx: 2, relay: 3, 'lobby-relay': 4 };
const RELAYED: ReadonlySet<PathType> = new Set<PathType>(['relay', 'lobby-relay']);

function asPathType(type: string): PathType | undefined {
  return type in RANK ? (type as PathType) : undefined;
}

/** Candidates a path tracker remembers from signaling, to name a peer-reflexive remote. */
const MAX_SIGNALED = 256;
const CANDIDATE = /\s(\S+)\s(\d+)\styp\s(host|srflx|prflx|relay)\b/;

/**
 * The path of a selected pair; undefined when a candidate type is unknown. `signaled` maps
 * `address:port` to the most direct type the peer signaled for it: ICE calls a remote candidate
 * prflx when the peer's check arrived before its trickled candidate (libdatachannel keeps that
 * name; RFC 8445 §7.3.1.3 has the signaled type replace it), and a peer on a public address
 * signals the same address:port as host and as srflx (its STUN answer shows no NAT): host is what
 * the path is.
 */
export function describePath(
  pair: SelectedPair,
  signaled?: ReadonlyMap<string, string>,
): ConnectionPath | undefined {
  const local = asPathType(pair.local.type);
  let remote = asPathType(pair.remote.type);
  const named = asPathType(signaled?.get(`${pair.remote.address}:${pair.remote.port}`) ?? '');
  if (remote !== undefined && named !== undefined && RANK[named] < RANK[remote]) remote = named;
  if (local === undefined || remote === undefined) return undefined;
  const type = RANK[local] >= RANK[remote] ? local : remote;
  const protocol = RELAYED.has(local) ? pair.local.relayProtocol : undefined;
  return {
    type,
    ...(protocol === undefined ? {} : { relayProtocol: protocol }),
    local: { ...pair.local },
    remote: { ...pair.remote, type: remote },
  };
}

/** Holds the path of the open connection; `refresh` reads it from the adapter's selected pair. */
export class PathTracker {
  private path: ConnectionPath | undefined;
  private pair: SelectedPair | undefined;
  private generation = 0;
  private readonly signaled = new Map<string, string>();

  get current(): ConnectionPath | undefined {
    return this.path;
  }

  /** Remembers a candidate the peer signaled (an SDP candidate line); anything unparsable is ignored. */
  noteRemoteCandidate(candidate: string): void {
    if (typeof candidate !== 'string') return;
    const match = CANDIDATE.exec(candidate);
    if (!match) return;
    const key = `${match[1]}:${match[2]}`;
    const known = asPathType(this.signaled.get(key) ?? '');
    const type = match[3] as PathType;
    if (known !== undefined ? RANK[type] < RANK[known] : this.signaled.size < MAX_SIGNALED) {
      this.signaled.set(key, type);
      // A Node answerer holds its candidates until it is connected, so the pair may already be
      // selected (its remote seen as prflx) when the peer's candidate arrives: name it again now
      // rather than at the next ping.
      if (this.pair !== undefined) this.path = describePath(this.pair, this.signaled);
    }
  }

  /** Reads the selected pair (a later refresh or `clear` wins over an earlier read still running). */
  async refresh(read: () => Promise<SelectedPair | undefined>): Promise<void> {
    const generation = ++this.generation;
    let pair: SelectedPair | undefined;
    try {
      pair = await read();
    } catch {
      pair = undefined;
    }
    if (generation !== this.generation) return;
    this.pair = pair;
    this.path = pair ? describePath(pair, this.signaled) : undefined;
  }

  clear(): void {
    this.generation += 1;
    this.pair = undefined;
    this.path = undefined;
  }
}

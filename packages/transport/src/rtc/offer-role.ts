// Which DTLS role a Node offerer asks for (`a=setup` in the offer it sends), read from its own
// gathering. libdatachannel 0.24.5 loses a ClientHello that reaches the DTLS server before the
// server's ICE agent is connected (node-adapter.ts): the handshake then waits for the client's
// retransmission a second later. So the DTLS server must be the side whose ICE connects first, and
// with the node adapter's ordering (the answerer checks first, its candidates held back) that is:
//
// - the answerer, when its checks get through: the offerer takes unsolicited packets (a public
//   host, whose reflexive address is its own, or a full-cone NAT), or the two share a LAN;
// - the offerer, when they do not: a NAT that filters by address and port, or a symmetric one, or
//   a TURN allocation without a permission yet, drops the answerer's checks until the offerer has
//   sent to it; once the answerer's hold ends the offerer checks first, and its check is the first
//   to succeed (the answerer's triggered check follows ~50 ms later, libjuice's pacing).
//
// Measured in the NAT lab (native logs, 8-10 runs a pair, 2026-12-04): with the offerer behind a
// filtering NAT its ICE connected first in every run, ~155 ms in (the hold), the answerer's
// ~50 ms later, and 50-75 % of those opens took ~1.16 s instead of ~0.21 s.
//
// One STUN answer cannot tell a full-cone NAT from a filtering one, so a reflexive address that is
// not the host's own reads as "filtering" (the common home NAT) until a connection shows otherwise:
// an offerer whose ICE connected before it knew any of the answerer's candidates took the
// answerer's checks unsolicited, and later offers from behind that public address ask for
// `active` (rememberOpenNat). A passive offer also names the offerer's host addresses
// (`a=x-tickwire-hosts`) so an answerer on the same LAN, whose checks reach the offerer directly,
// can take the server role itself (node-adapter.ts). It must never delay an offer without STUN or
// TURN servers (no reflexive candidate can come), nor keep a timer past `stop()`.

export type DtlsSetup = 'active' | 'passive';

/**
 * How long an offer waits for a reflexive or relay candidate, or for gathering to end, before it
 * goes out as `passive` (UDP to the servers slow or blocked: treated as behind a NAT). In the lab
 * the STUN answer came 1-3 ms after gathering began; a blocked network goes to the lobby relay
 * (udp-probe.ts) whatever this decides.
 */
export const OFFER_ROLE_WAIT_MS = 200;

/** The session attribute a passive offer lists its host addresses in (node-adapter.ts reads it). */
export const HOSTS_ATTRIBUTE = 'x-tickwire-hosts';

/** `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>`. */
const CANDIDATE = /candidate:\S+\s+\d+\s+\S+\s+\d+\s+(\S+)\s+\d+\s+typ\s+(\w+)/g;

export interface GatheredAddresses {
  readonly hosts: readonly string[];
  /** Server-reflexive addresses that are none of the host addresses: a NAT's public side. */
  readonly natted: readonly string[];
  readonly relayed: boolean;
}

/** What candidate lines (or a description holding them) say about the way out. */
export function gatheredAddresses(candidates: string): GatheredAddresses {
  const hosts = new Set<string>();
  const reflexive = new Set<string>();
  let relayed = false;
  for (const [, address, type] of candidates.matchAll(CANDIDATE)) {
    if (type === 'relay') relayed = true;
    else if (type === 'host') hosts.add(address!);
    else if (type === 'srflx') reflexive.add(address!);
  }
  // libjuice also reports the reflexive address of a host without NAT: its host address.
  return { hosts: [...hosts], natted: [...reflexive].filter((a) => !hosts.has(a)), relayed };
}

function behindNat(gathered: GatheredAddresses): boolean {
  return gathered.relayed || gathered.natted.length > 0;
}

/** Public addresses whose NAT took unsolicited checks (full cone), learned per process. */
const openNats = new Set<string>();

/** A connection showed that the NAT behind `publicAddress` takes unsolicited packets. */
export function rememberOpenNat(publicAddress: string): void {
  openNats.add(publicAddress);
}

/** Forgets what rememberOpenNat learned (tests). */
export function forgetOpenNats(): void {
  openNats.clear();
}

/** The role an offerer with these candidates asks for. */
export function offerSetup(gathered: GatheredAddresses): DtlsSetup {
  if (gathered.relayed) return 'passive';
  if (gathered.natted.length === 0) return 'active';
  return gathered.natted.every((address) => openNats.has(address)) ? 'active' : 'passive';
}

/** The offer with its DTLS role fixed: `actpass` (any role) becomes the one asked for. */
export function withSetup(sdp: string, setup: DtlsSetup): string {
  return sdp.replace(/^a=setup:actpass(?=\r?$)/gm, `a=setup:${setup}`);
}

/** Adds the host-address hint after the session's `t=` line (before any media section). */
function withHosts(sdp: string, hosts: readonly string[]): string {
  if (hosts.length === 0) return sdp;
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp.replace(/^(t=[^\r\n]*\r?\n)/m, `$1a=${HOSTS_ATTRIBUTE}:${hosts.join(' ')}${eol}`);
}

const HOSTS_LINE = new RegExp(`^a=${HOSTS_ATTRIBUTE}:([^\\r\\n]*)(?:\\r?\\n|$)`, 'm');

/** The host addresses a passive offer names (none without the hint), and the offer without it. */
export function takeHosts(sdp: string): { hosts: string[]; sdp: string } {
  const line = HOSTS_LINE.exec(sdp);
  if (!line) return { hosts: [], sdp };
  return { hosts: line[1]!.split(' ').filter((a) => a.length > 0), sdp: sdp.replace(HOSTS_LINE, '') };
}

export class OfferRole {
  private sdp: string | undefined;
  private sent = false;
  /** Candidate lines gathered so far (events, until the local description is read). */
  private candidates = '';
  private gatheringDone = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private decided: { setup: DtlsSetup; natted: readonly string[] } | undefined;

  /**
   * @param send receives the offer once its role is known
   * @param probing whether the peer has STUN or TURN servers (else it can learn nothing: `active`)
   */
  constructor(
    private readonly send: (sdp: string, setup: DtlsSetup) => void,
    private readonly probing: boolean,
    private readonly waitMs = OFFER_ROLE_WAIT_MS,
  ) {}

  /** What the offer asked for, once it went out (undefined for an answerer). */
  get asked(): { setup: DtlsSetup; natted: readonly string[] } | undefined {
    return this.decided;
  }

  /** The offer libdatachannel described; it goes out now or once the gathering tells. */
  offer(sdp: string): void {
    if (this.sent) return;
    this.sdp = sdp;
    if (!this.probing || this.gatheringDone || this.natSeen()) return this.decide();
    this.timer ??= setTimeout(() => this.decide(true), this.waitMs);
  }

  /** A local candidate as gathered (events may arrive before the offer: they are remembered). */
  gathered(candidate: string): void {
    if (this.sent) return;
    this.candidates += `${candidate}\n`;
    if (this.sdp !== undefined && this.natSeen()) this.decide();
  }

  /**
   * Gathering ended. node-datachannel delivers each kind of native event through its own queue, so
   * this can arrive before the last candidate did (seen in the lab: 'complete', then the srflx
   * candidate): the local description, which holds every gathered candidate, is read as well.
   */
  gatheringComplete(localSdp: string | undefined): void {
    this.gatheringDone = true;
    this.candidates += localSdp ?? '';
    if (this.sdp !== undefined) this.decide();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sent = true;
  }

  /** A reflexive address that is not ours, or a relay: behind a NAT whatever else comes. */
  private natSeen(): boolean {
    return behindNat(gatheredAddresses(this.candidates));
  }

  private decide(timedOut = false): void {
    const sdp = this.sdp;
    if (this.sent || sdp === undefined) return;
    this.stop();
    const gathered = gatheredAddresses(this.candidates);
    // No answer from the servers in time: treated as behind a NAT (see OFFER_ROLE_WAIT_MS).
    const setup = !this.probing
      ? 'active'
      : timedOut && !behindNat(gathered)
        ? 'passive'
        : offerSetup(gathered);
    this.decided = { setup, natted: gathered.natted };
    const described = withSetup(sdp, setup);
    this.send(setup === 'passive' ? withHosts(described, gathered.hosts) : described, setup);
  }
}

// Which pairs the NAT matrix runs, on which lab sites, and what each is expected to do with Node
// peers: every pair of {public, full cone, restricted cone, symmetric, UDP-blocked}, plus a double
// NAT against three kinds and two hosts behind the same NAT. Expectations follow from the NATs'
// mapping and filtering (tools/netlab README): two endpoint-independent mappings hole-punch, a
// symmetric NAT needs the other side to accept any source (public or full cone) or else a TURN
// relay, and a UDP-blocked Node peer has no candidate at all (node-datachannel's libjuice gathers
// no relay candidate over TURN-TCP), so it goes through the lobby's WebSocket relay (lobby-relay).
import type { HostKind, SiteSpec } from '@tickwire/netlab';
import type { PathType } from '@tickwire/transport';

/** What a pair of Node peers is expected to achieve. */
export type Expected = 'host' | 'reflexive' | 'relay' | 'lobby-relay';

export interface HostRef {
  readonly site: string;
  readonly index: number;
  readonly kind: HostKind | 'same-nat';
}

export interface PairSpec {
  /** e.g. `restricted-cone~symmetric`. */
  readonly name: string;
  readonly a: HostRef;
  readonly b: HostRef;
  readonly expected: Expected;
}

/** Path types that satisfy each expectation. */
export const EXPECTED_PATHS: Record<Expected, readonly PathType[]> = {
  host: ['host'],
  reflexive: ['srflx', 'prflx'],
  relay: ['relay'],
  'lobby-relay': ['lobby-relay'],
};

const MATRIX_KINDS = ['public', 'full-cone', 'restricted-cone', 'symmetric', 'udp-blocked'] as const;
/** Site names of the first and second host of each kind (a pair of one kind needs two sites). */
const SITES: Record<(typeof MATRIX_KINDS)[number], readonly [string, string]> = {
  public: ['pub', 'pubb'],
  'full-cone': ['full', 'fullb'],
  'restricted-cone': ['rest', 'restb'],
  symmetric: ['sym', 'symb'],
  'udp-blocked': ['blk', 'blkb'],
};

export const MATRIX_SITES: Readonly<Record<string, HostKind | SiteSpec>> = {
  ...Object.fromEntries(MATRIX_KINDS.flatMap((kind) => SITES[kind].map((site) => [site, kind]))),
  dbl: 'double-nat',
  lan: { kind: 'restricted-cone', hosts: 2 },
};

/** Endpoint-independent mapping: the public port a peer learns from STUN is the one others see. */
const EIM: ReadonlySet<HostKind> = new Set(['public', 'full-cone', 'restricted-cone', 'double-nat']);
/** Accepts packets from anyone once mapped (or not behind a NAT at all). */
const OPEN: ReadonlySet<HostKind> = new Set(['public', 'full-cone']);

export function expectedFor(a: HostKind, b: HostKind): Expected {
  if (a === 'udp-blocked' || b === 'udp-blocked') return 'lobby-relay';
  if (a === 'public' && b === 'public') return 'host';
  if (EIM.has(a) && EIM.has(b)) return 'reflexive';
  // One side symmetric: direct only when the other side lets any source in.
  if (OPEN.has(a) || OPEN.has(b)) return 'reflexive';
  return 'relay';
}

function pair(a: HostRef & { kind: HostKind }, b: HostRef & { kind: HostKind }): PairSpec {
  return { name: `${a.kind}~${b.kind}`, a, b, expected: expectedFor(a.kind, b.kind) };
}

/** Every pair the bench runs. */
export function matrixPairs(): PairSpec[] {
  const pairs: PairSpec[] = [];
  for (const [i, ka] of MATRIX_KINDS.entries()) {
    for (const kb of MATRIX_KINDS.slice(i)) {
      const a = { site: SITES[ka][0], index: 0, kind: ka };
      const b = { site: SITES[kb][ka === kb ? 1 : 0], index: 0, kind: kb };
      pairs.push(pair(a, b));
    }
  }
  const dbl = { site: 'dbl', index: 0, kind: 'double-nat' } as const;
  for (const kind of ['public', 'restricted-cone', 'symmetric'] as const) {
    pairs.push(pair(dbl, { site: SITES[kind][0], index: 0, kind }));
  }
  pairs.push({
    name: 'same-nat',
    a: { site: 'lan', index: 0, kind: 'same-nat' },
    b: { site: 'lan', index: 1, kind: 'same-nat' },
    expected: 'host',
  });
  return pairs;
}

/**
 * The same pairs with Chromium peers. Chromium reaches TURN over TCP, so a UDP-blocked browser
 * gathers a relay candidate and every pair with one opens through a relay (over TCP on its side).
 */
export function browserPairs(): PairSpec[] {
  return matrixPairs().map((p) => (p.expected === 'lobby-relay' ? { ...p, expected: 'relay' } : p));
}

/** The lab sites `pairs` use, as MATRIX_SITES declares them (a smaller lab for a few pairs). */
export function sitesFor(pairs: readonly PairSpec[]): Record<string, HostKind | SiteSpec> {
  const names = new Set(pairs.flatMap((p) => [p.a.site, p.b.site]));
  return Object.fromEntries(Object.entries(MATRIX_SITES).filter(([name]) => names.has(name)));
}

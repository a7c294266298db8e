// createNatLab(): a public server and two clients, each behind its own NAT (or none), for
// NAT-traversal tests (STUN, TURN, hole punching). It is the internet lab (internet-core.ts) with
// two sites at this lab's older addresses (public .11 / .12): 'none' is a public site, 'cone' a
// restricted-cone one, 'symmetric' a symmetric one. It must never leave a half-built lab behind:
// a failed setup closes what it made before rethrowing.

import { NetlabError } from '../errors.js';
import type { NetHost } from '../host/net-host.js';
import { LabCore } from '../lab/lab-core.js';
import type { LabErrorListener } from '../lab/lab-core.js';
import type { HostKind } from './host-kinds.js';
import { buildInternetLab } from './internet-core.js';
import type { LabSite, SiteRoles } from './internet-core.js';
import type { NatType } from './nat-rules.js';
import { NAT_TYPES } from './nat-rules.js';
import { NAT_ADDRESSES } from './nat-topology.js';
import type { SitePlan } from './site-topology.js';

export interface NatLabOptions {
  /** NAT in front of client a; default 'cone'. */
  readonly natA?: NatType;
  /** NAT in front of client b; default 'cone'. */
  readonly natB?: NatType;
}

export interface NatSide {
  readonly type: NatType;
  /** The address the public network sees for this client: the NAT's WAN address, or the client's own. */
  readonly publicIp: string;
  /** The NAT router namespace (absent for 'none'), e.g. to read `conntrack` state. */
  readonly router: NetHost | undefined;
}

export interface NatLab {
  /** The public host (a lobby, STUN/TURN server...): 10.200.0.10. */
  readonly server: NetHost;
  /** Client a: 192.168.1.100 behind its NAT, or 10.200.0.11 with 'none'. */
  readonly a: NetHost;
  /** Client b: 192.168.2.100 behind its NAT, or 10.200.0.12 with 'none'. */
  readonly b: NetHost;
  readonly natA: NatSide;
  readonly natB: NatSide;
  readonly namespaces: readonly string[];
  readonly closed: boolean;
  onError(listener: LabErrorListener): () => void;
  /** Kills every process spawned in the lab and deletes its namespaces. Idempotent. */
  close(): Promise<void>;
}

const KIND: Record<NatType, HostKind> = {
  none: 'public',
  cone: 'restricted-cone',
  symmetric: 'symmetric',
};

/** Hosts keep the roles they always had: clients `a` / `b`, routers `nata` / `natb`. */
const NAT_LAB_ROLES: SiteRoles = {
  host: (plan) => plan.name,
  router: (plan) => `nat${plan.name}`,
};

function plan(name: 'a' | 'b', index: number, type: NatType, publicIp: string): SitePlan {
  return { name, index, kind: KIND[type], hosts: 1, allowTcpPorts: undefined, publicIp };
}

function side(type: NatType, site: LabSite): NatSide {
  return { type, publicIp: site.publicIp, router: site.routers[0] };
}

export async function createNatLab(options: NatLabOptions = {}): Promise<NatLab> {
  const natA = options.natA ?? 'cone';
  const natB = options.natB ?? 'cone';
  for (const type of [natA, natB]) {
    if (!NAT_TYPES.includes(type))
      throw new NetlabError('INVALID_OPTIONS', `unknown NAT type "${String(type)}"`);
  }
  const lab = await LabCore.start();
  try {
    // Site index i has LAN 192.168.(i+1).0/24 with the client at .100: a 192.168.1.100, b 192.168.2.100.
    const { server, sites } = await buildInternetLab(
      lab,
      [plan('a', 0, natA, NAT_ADDRESSES.publicA), plan('b', 1, natB, NAT_ADDRESSES.publicB)],
      NAT_LAB_ROLES,
    );
    const a = sites['a']!;
    const b = sites['b']!;
    return {
      server,
      a: a.host,
      b: b.host,
      natA: side(natA, a),
      natB: side(natB, b),
      get namespaces() {
        return lab.namespaceNames();
      },
      get closed() {
        return lab.closed;
      },
      onError: (listener) => lab.onError(listener),
      close: () => lab.close(),
    };
  } catch (error) {
    await lab.close().catch(() => undefined);
    throw error;
  }
}

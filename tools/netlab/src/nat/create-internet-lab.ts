// createInternetLab(): a public server and any number of "sites" on one emulated internet, each
// site a public host or one or more clients behind a NAT of a given kind (full cone, restricted
// cone, symmetric, UDP-blocked, double NAT), for NAT-traversal matrices. It must never leave a
// half-built lab behind: a failed setup closes what it made before rethrowing.

import { NetlabError } from '../errors.js';
import type { NetHost } from '../host/net-host.js';
import { LabCore } from '../lab/lab-core.js';
import type { LabErrorListener } from '../lab/lab-core.js';
import { HOST_KINDS } from './host-kinds.js';
import type { HostKind } from './host-kinds.js';
import { SERVER_ALT_IP, buildInternetLab } from './internet-core.js';
import type { LabSite } from './internet-core.js';
import { MAX_SITES } from './site-topology.js';
import type { SitePlan } from './site-topology.js';

export { SERVER_ALT_IP } from './internet-core.js';
export type { LabSite } from './internet-core.js';

export interface SiteSpec {
  readonly kind: HostKind;
  /** Clients behind the same NAT (the LAN-party case); default 1. Public and full-cone sites have 1. */
  readonly hosts?: number;
  /** udp-blocked: TCP destination ports the network lets out (default 443, 3478, 5349). */
  readonly allowTcpPorts?: readonly number[];
}

export interface InternetLabOptions {
  /** Site name (1-8 lowercase letters) to its kind. Insertion order fixes the addresses. */
  readonly sites: Readonly<Record<string, HostKind | SiteSpec>>;
}

export interface InternetLab {
  /** The public server host (lobby, STUN/TURN...): 10.200.0.10. */
  readonly server: NetHost;
  /** A second address of the server host (10.200.0.9), e.g. to test address-dependent filtering. */
  readonly serverAltIp: string;
  readonly sites: Readonly<Record<string, LabSite>>;
  /** The site called `name`; throws INVALID_OPTIONS for an unknown one. */
  site(name: string): LabSite;
  readonly namespaces: readonly string[];
  readonly closed: boolean;
  onError(listener: LabErrorListener): () => void;
  /** Kills every process spawned in the lab and deletes its namespaces. Idempotent. */
  close(): Promise<void>;
}

const SITE_NAME = /^[a-z]{1,8}$/;

function planSites(options: InternetLabOptions): SitePlan[] {
  const entries = Object.entries(options?.sites ?? {});
  if (entries.length === 0)
    throw new NetlabError('INVALID_OPTIONS', 'an internet lab needs at least one site');
  if (entries.length > MAX_SITES) throw new NetlabError('INVALID_OPTIONS', `at most ${MAX_SITES} sites`);
  return entries.map(([name, value], index) => {
    const spec: SiteSpec = typeof value === 'string' ? { kind: value } : value;
    if (!SITE_NAME.test(name) || name === 'inet' || name === 'srv') {
      throw new NetlabError('INVALID_OPTIONS', `site name "${name}" must be 1-8 lowercase letters`);
    }
    if (!HOST_KINDS.includes(spec.kind)) {
      throw new NetlabError('INVALID_OPTIONS', `unknown host kind "${String(spec.kind)}"`);
    }
    const hosts = spec.hosts ?? 1;
    const maxHosts = spec.kind === 'public' || spec.kind === 'full-cone' ? 1 : 8;
    if (!Number.isInteger(hosts) || hosts < 1 || hosts > maxHosts) {
      throw new NetlabError('INVALID_OPTIONS', `site "${name}" (${spec.kind}) can have 1-${maxHosts} hosts`);
    }
    const ports = spec.allowTcpPorts;
    if (ports && !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
      throw new NetlabError('INVALID_OPTIONS', `site "${name}": allowTcpPorts must be TCP ports`);
    }
    return { name, index, kind: spec.kind, hosts, allowTcpPorts: ports };
  });
}

export async function createInternetLab(options: InternetLabOptions): Promise<InternetLab> {
  const plans = planSites(options);
  const lab = await LabCore.start();
  try {
    const { server, sites } = await buildInternetLab(lab, plans);
    return {
      server,
      serverAltIp: SERVER_ALT_IP,
      sites,
      site(name) {
        const site = sites[name];
        if (!site) throw new NetlabError('INVALID_OPTIONS', `no site "${name}" in this lab`);
        return site;
      },
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

// The build both labs share: the public bridge, the server host (two addresses) and each planned
// site, as netlab hosts of one LabCore. createInternetLab() is this with any sites; createNatLab()
// is this with two sites at the NAT lab's addresses. It builds only: the callers own the LabCore
// and close it when anything here fails.

import type { NetHost } from '../host/net-host.js';
import type { LabCore } from '../lab/lab-core.js';
import type { HostKind } from './host-kinds.js';
import { NAT_ADDRESSES, attachToInternet, buildInternet } from './nat-topology.js';
import { buildSite, sitePublicIp } from './site-topology.js';
import type { BuiltSite, SitePlan } from './site-topology.js';

export const SERVER_ALT_IP = '10.200.0.9';

export interface LabSite {
  readonly name: string;
  readonly kind: HostKind;
  /** The address the public network sees for this site's hosts (its outermost NAT's, or its own). */
  readonly publicIp: string;
  /** The site's hosts (one unless `hosts` said more); all share `publicIp`. */
  readonly hosts: readonly NetHost[];
  /** The first (usually only) host. */
  readonly host: NetHost;
  /** NAT routers from the public side inwards: none for public, two for a double NAT. */
  readonly routers: readonly NetHost[];
}

export interface BuiltInternet {
  readonly server: NetHost;
  readonly sites: Record<string, LabSite>;
}

/** Role names of a site's hosts and routers (they name the hosts in errors and `role`). */
export interface SiteRoles {
  host(plan: SitePlan, index: number): string;
  router(plan: SitePlan, index: number): string;
}

const INTERNET_ROLES: SiteRoles = {
  host: (plan, j) => (plan.hosts > 1 ? `${plan.name}${j}` : plan.name),
  router: (plan, j) => `${plan.name}nat${j}`,
};

export async function buildInternetLab(
  lab: LabCore,
  plans: readonly SitePlan[],
  roles: SiteRoles = INTERNET_ROLES,
): Promise<BuiltInternet> {
  const internet = await lab.addNamespace('inet');
  await buildInternet(internet);
  const serverNs = await lab.addNamespace('srv');
  await attachToInternet(internet, serverNs, 'p-srv', 'eth0', NAT_ADDRESSES.server);
  await serverNs.ip([`addr add ${SERVER_ALT_IP}/${NAT_ADDRESSES.publicPrefix} dev eth0`]);
  // Sites are independent: build them side by side, but let every build finish (or fail)
  // before closing, so no namespace is created after the teardown listed them.
  const results = await Promise.allSettled(
    plans.map((plan) => buildSite(internet, plan, (role) => lab.addNamespace(role))),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const sites: Record<string, LabSite> = {};
  for (const [i, plan] of plans.entries()) {
    const built = (results[i] as PromiseFulfilledResult<BuiltSite>).value;
    const hosts = built.hosts.map((h, j) => lab.host(roles.host(plan, j), h.ns, h.ip));
    sites[plan.name] = {
      name: plan.name,
      kind: plan.kind,
      publicIp: plan.publicIp ?? sitePublicIp(plan.index),
      hosts,
      host: hosts[0]!,
      routers: built.routers.map((r, j) => lab.host(roles.router(plan, j), r.ns, r.ip)),
    };
  }
  return { server: lab.host('srv', serverNs, NAT_ADDRESSES.server), sites };
}

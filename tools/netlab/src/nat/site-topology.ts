// Builds one site of an internet lab: a public host on the lab's bridge, or one or more clients on
// a LAN behind a NAT router (two routers for a double NAT). Addresses follow the site's index, so
// every site of a lab has its own public address and LAN. It must never give a namespace a route
// out of the lab.

import type { Netns } from '../netns/netns.js';
import { renderRouterRules } from './host-kinds.js';
import type { HostKind, NatBehaviour } from './host-kinds.js';
import { BASE_SYSCTLS, NAT_ADDRESSES, attachToInternet } from './nat-topology.js';

/** The lab's public network is NAT_ADDRESSES' 10.200.0.0/24; sites start at .20. */
const FIRST_SITE_HOST = 20;
export const MAX_SITES = 200;
const FIRST_CLIENT = 100;

export function sitePublicIp(index: number): string {
  return `10.200.0.${FIRST_SITE_HOST + index}`;
}

export function siteLanPrefix(index: number): string {
  return `192.168.${index + 1}`;
}

export interface SitePlan {
  readonly name: string;
  readonly index: number;
  readonly kind: HostKind;
  readonly hosts: number;
  readonly allowTcpPorts: readonly number[] | undefined;
  /** The site's address on the public network; default `sitePublicIp(index)`. */
  readonly publicIp?: string;
}

export interface BuiltSite {
  /** One namespace and address per host. */
  readonly hosts: ReadonlyArray<{ readonly ns: Netns; readonly ip: string }>;
  /** NAT routers from the public side inwards (a double NAT has two). */
  readonly routers: ReadonlyArray<{ readonly ns: Netns; readonly ip: string }>;
}

export type AddNamespace = (role: string) => Promise<Netns>;

/**
 * Puts `hostCount` clients on a bridged LAN behind `router` (already attached upstream as `wan`)
 * and loads the router's NAT rules.
 */
async function buildLan(
  router: Netns,
  clients: readonly Netns[],
  lanPrefix: string,
  rules: { behaviour: NatBehaviour; allowTcpPorts: readonly number[] | undefined },
): Promise<string[]> {
  const routerIp = `${lanPrefix}.1`;
  await router.sysctl({ ...BASE_SYSCTLS, 'net.ipv4.ip_forward': 1 });
  await router.ip([
    'link add lan type bridge',
    `addr add ${routerIp}/${NAT_ADDRESSES.lanPrefix} dev lan`,
    'link set lan up',
  ]);
  const ips: string[] = [];
  for (const [j, client] of clients.entries()) {
    const ip = `${lanPrefix}.${FIRST_CLIENT + j}`;
    await client.sysctl(BASE_SYSCTLS);
    await router.ip([
      `link add l${j} type veth peer name eth0 netns ${client.name}`,
      `link set l${j} master lan`,
      `link set l${j} up`,
    ]);
    await client.ip([
      'link set lo up',
      `addr add ${ip}/${NAT_ADDRESSES.lanPrefix} dev eth0`,
      'link set eth0 up',
      `route add default via ${routerIp}`,
    ]);
    ips.push(ip);
  }
  await router.iptablesRestore(
    renderRouterRules({
      behaviour: rules.behaviour,
      wan: 'wan',
      lan: 'lan',
      ...(rules.behaviour === 'full-cone' ? { client: ips[0]! } : {}),
      ...(rules.allowTcpPorts ? { allowTcpPorts: rules.allowTcpPorts } : {}),
    }),
  );
  return ips;
}

export async function buildSite(
  internet: Netns,
  plan: SitePlan,
  addNamespace: AddNamespace,
): Promise<BuiltSite> {
  const publicIp = plan.publicIp ?? sitePublicIp(plan.index);
  const lanPrefix = siteLanPrefix(plan.index);
  const port = `p-${plan.name}`;
  if (plan.kind === 'public') {
    const ns = await addNamespace(plan.name);
    await attachToInternet(internet, ns, port, 'eth0', publicIp);
    return { hosts: [{ ns, ip: publicIp }], routers: [] };
  }
  const outer = await addNamespace(`${plan.name}0nat`);
  const clients: Netns[] = [];
  for (let j = 0; j < plan.hosts; j += 1) clients.push(await addNamespace(`${plan.name}0c${j}`));
  await attachToInternet(internet, outer, port, 'wan', publicIp);
  const routers = [{ ns: outer, ip: publicIp }];
  let home = outer;
  if (plan.kind === 'double-nat') {
    // Carrier-grade NAT: its "LAN" is the carrier network (RFC 6598 shared space), where the home
    // router's WAN sits.
    home = await addNamespace(`${plan.name}0home`);
    const carrier = `100.64.${plan.index}`;
    await outer.sysctl({ ...BASE_SYSCTLS, 'net.ipv4.ip_forward': 1 });
    await home.sysctl(BASE_SYSCTLS);
    await outer.ip([
      `link add lan type veth peer name wan netns ${home.name}`,
      `addr add ${carrier}.1/24 dev lan`,
      'link set lan up',
    ]);
    await home.ip([
      'link set lo up',
      `addr add ${carrier}.2/24 dev wan`,
      'link set wan up',
      `route add default via ${carrier}.1`,
    ]);
    await outer.iptablesRestore(renderRouterRules({ behaviour: 'restricted-cone', wan: 'wan', lan: 'lan' }));
    routers.push({ ns: home, ip: `${carrier}.2` });
  }
  const behaviour: NatBehaviour = plan.kind === 'double-nat' ? 'restricted-cone' : plan.kind;
  const ips = await buildLan(home, clients, lanPrefix, { behaviour, allowTcpPorts: plan.allowTcpPorts });
  return { hosts: clients.map((ns, j) => ({ ns, ip: ips[j]! })), routers };
}

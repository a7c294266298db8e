// The labs' public network: a "public internet" that is one bridge in its own namespace, and how a
// host is plugged into it (sites and their NAT routers: site-topology.ts). Every address is private-range and exists only inside these
// namespaces; no namespace gets a route to anything outside the lab.

import type { Netns } from '../netns/netns.js';
export const NAT_ADDRESSES = {
  publicPrefix: 24,
  server: '10.200.0.10',
  /** Public address of side a / b: its NAT router's WAN, or the client itself without NAT. */
  publicA: '10.200.0.11',
  publicB: '10.200.0.12',
  lanPrefix: 24,
} as const;

export const BASE_SYSCTLS = {
  'net.ipv6.conf.all.disable_ipv6': 1,
  'net.ipv6.conf.default.disable_ipv6': 1,
  'net.ipv4.conf.all.rp_filter': 0,
  'net.ipv4.conf.default.rp_filter': 0,
} as const;

/** Creates the bridge of the public network. */
export async function buildInternet(internet: Netns): Promise<void> {
  await internet.sysctl(BASE_SYSCTLS);
  await internet.ip(['link set lo up', 'link add br0 type bridge', 'link set br0 up']);
}

/** Plugs `host` into the public bridge as interface `ifname` with a public address. */
export async function attachToInternet(
  internet: Netns,
  host: Netns,
  port: string,
  ifname: string,
  ip: string,
): Promise<void> {
  await host.sysctl(BASE_SYSCTLS);
  await internet.ip([
    `link add ${port} type veth peer name ${ifname} netns ${host.name}`,
    `link set ${port} master br0`,
    `link set ${port} up`,
  ]);
  await host.ip([
    'link set lo up',
    `addr add ${ip}/${NAT_ADDRESSES.publicPrefix} dev ${ifname}`,
    `link set ${ifname} up`,
  ]);
}

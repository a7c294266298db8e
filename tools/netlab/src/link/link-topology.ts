// Builds the A <-> R <-> B topology of a delay link: two veth pairs, one small subnet per side,
// and policy routing in R that sends everything arriving from either host into the TUN device
// the delay forwarder reads. It must never give a namespace a route out of the lab: the hosts'
// only way anywhere is through R, and R only knows the two subnets.

import type { Netns } from '../netns/netns.js';

export const LINK_ADDRESSES = {
  a: '10.77.1.2',
  routerA: '10.77.1.1',
  b: '10.77.2.2',
  routerB: '10.77.2.1',
  bNetwork: '10.77.2.0',
  prefix: 24,
} as const;

/** Interface names inside R: the veth facing A, the veth facing B, and the TUN. */
export const ROUTER_INTERFACES = { towardA: 'ra', towardB: 'rb', tun: 'tw0' } as const;

const DELAY_TABLE = 100;

const HOST_SYSCTLS = {
  'net.ipv6.conf.all.disable_ipv6': 1,
  'net.ipv6.conf.default.disable_ipv6': 1,
  'net.ipv4.conf.all.rp_filter': 0,
  'net.ipv4.conf.default.rp_filter': 0,
} as const;

function hostLines(ip: string, gateway: string): string[] {
  return [
    'link set lo up',
    `addr add ${ip}/${LINK_ADDRESSES.prefix} dev eth0`,
    'link set eth0 up',
    `route add default via ${gateway}`,
  ];
}

/** Room in the kernel's queue into the TUN: a few bursts of the sizes tests and benches send. */
const TUN_QUEUE_PACKETS = 20_000;

export async function buildLinkTopology(a: Netns, router: Netns, b: Netns): Promise<void> {
  // IPv6 off before any interface exists, so no router solicitations or DAD cross the link.
  await Promise.all([a.sysctl(HOST_SYSCTLS), router.sysctl(HOST_SYSCTLS), b.sysctl(HOST_SYSCTLS)]);
  const { towardA, towardB, tun } = ROUTER_INTERFACES;
  await router.ip([
    'link set lo up',
    `link add ${towardA} type veth peer name eth0 netns ${a.name}`,
    `link add ${towardB} type veth peer name eth0 netns ${b.name}`,
    `addr add ${LINK_ADDRESSES.routerA}/${LINK_ADDRESSES.prefix} dev ${towardA}`,
    `addr add ${LINK_ADDRESSES.routerB}/${LINK_ADDRESSES.prefix} dev ${towardB}`,
    `link set ${towardA} up`,
    `link set ${towardB} up`,
    `tuntap add dev ${tun} mode tun`,
    // The link's buffer is the forwarder's queue. The kernel's queue in front of it (500 packets
    // by default) only has to hold what arrives while the forwarder waits for a CPU, but a burst
    // arriving then overflowed it and was dropped silently (seen: 177 of a 1000-packet burst on a
    // busy machine; 150 with the forwarder stopped for the burst).
    `link set ${tun} txqueuelen ${TUN_QUEUE_PACKETS}`,
    `link set ${tun} up`,
    // Whatever arrives from a host goes to the TUN (the forwarder's queue); what the forwarder
    // writes back arrives on the TUN, skips these rules, and the main table routes it out.
    `route add default dev ${tun} table ${DELAY_TABLE}`,
    `rule add iif ${towardA} lookup ${DELAY_TABLE} pref 100`,
    `rule add iif ${towardB} lookup ${DELAY_TABLE} pref 101`,
  ]);
  await Promise.all([
    a.ip(hostLines(LINK_ADDRESSES.a, LINK_ADDRESSES.routerA)),
    b.ip(hostLines(LINK_ADDRESSES.b, LINK_ADDRESSES.routerB)),
    router.sysctl({
      'net.ipv4.ip_forward': 1,
      // Packets come back in on the TUN with sources that route out of the veths: not spoofed.
      [`net.ipv4.conf.${tun}.rp_filter`]: 0,
      'net.ipv4.conf.all.send_redirects': 0,
    }),
  ]);
}

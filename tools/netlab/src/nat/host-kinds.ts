// The kinds of network a lab host can sit on, and the iptables rules of the NAT router in front of
// each. Every router drops unsolicited packets from the WAN to itself (without that, ICE checks that
// arrive before the client's own outgoing packet create conntrack entries that break hole punching)
// and lets WAN packets into the LAN only as replies, except where a kind says otherwise.

export const HostKind = {
  /** No NAT: the host sits on the public network with its own public address. */
  Public: 'public',
  /**
   * Endpoint-independent mapping and filtering ("full cone"): the source port is kept (one public
   * port per socket) and any public host may send to it. Built as MASQUERADE plus a DNAT of every
   * inbound UDP packet to the one client, port kept; so a site of this kind has exactly one host.
   */
  FullCone: 'full-cone',
  /**
   * Endpoint-independent mapping, address-and-port-dependent filtering ("port-restricted cone"):
   * plain Linux MASQUERADE (source port kept when free, no --random); only the address:port a
   * socket sent to may answer.
   */
  RestrictedCone: 'restricted-cone',
  /** MASQUERADE --random-fully: a new random public port per destination. Needs TURN. */
  Symmetric: 'symmetric',
  /** Behind a restricted-cone NAT that forwards no UDP at all, only TCP to a few ports (443, 3478, 5349). */
  UdpBlocked: 'udp-blocked',
  /** A restricted-cone home NAT behind a carrier-grade NAT (also restricted cone, as RFC 6888 asks). */
  DoubleNat: 'double-nat',
} as const;
export type HostKind = (typeof HostKind)[keyof typeof HostKind];

export const HOST_KINDS: readonly HostKind[] = Object.values(HostKind);

/** TCP ports a UDP-blocked network lets out by default: HTTPS, TURN, TURN over TLS. */
export const DEFAULT_ALLOWED_TCP_PORTS: readonly number[] = [443, 3478, 5349];

export type NatBehaviour = 'full-cone' | 'restricted-cone' | 'symmetric' | 'udp-blocked';

export interface RouterRules {
  readonly behaviour: NatBehaviour;
  /** WAN interface name. */
  readonly wan: string;
  /** LAN interface name. */
  readonly lan: string;
  /** full-cone: the one LAN client every inbound UDP packet goes to. */
  readonly client?: string;
  /** udp-blocked: TCP destination ports let out. */
  readonly allowTcpPorts?: readonly number[];
}

/** iptables-restore input for one NAT router namespace. */
export function renderRouterRules(rules: RouterRules): string {
  const { behaviour, wan, lan } = rules;
  const masquerade = behaviour === 'symmetric' ? 'MASQUERADE --random-fully' : 'MASQUERADE';
  const nat = [`-A POSTROUTING -o ${wan} -j ${masquerade}`];
  const filter = [`-A INPUT -i ${wan} -j DROP`];
  if (behaviour === 'full-cone') {
    if (rules.client === undefined) throw new Error('a full-cone router needs its client address');
    // Endpoint-independent filtering: whoever sends to a public port reaches the client's same port.
    nat.unshift(`-A PREROUTING -i ${wan} -p udp -j DNAT --to-destination ${rules.client}`);
    filter.push(`-A FORWARD -i ${wan} -o ${lan} -p udp -m conntrack --ctstate DNAT -j ACCEPT`);
  }
  filter.push(
    `-A FORWARD -i ${wan} -o ${lan} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
    `-A FORWARD -i ${wan} -j DROP`,
  );
  if (behaviour === 'udp-blocked') {
    for (const port of rules.allowTcpPorts ?? DEFAULT_ALLOWED_TCP_PORTS) {
      filter.push(`-A FORWARD -i ${lan} -o ${wan} -p tcp --dport ${port} -j ACCEPT`);
    }
    filter.push(`-A FORWARD -i ${lan} -o ${wan} -j DROP`);
  }
  return ['*nat', ...nat, 'COMMIT', '*filter', ...filter, 'COMMIT', ''].join('\n');
}

// The iptables rules of a home NAT router namespace. It must never let an unsolicited packet from
// the WAN reach the router itself or the LAN: without the INPUT drop, ICE checks that arrive
// before the client's own outgoing packet create conntrack entries that break hole punching.

export const NatType = {
  /** No NAT: the client sits on the public network with its own public address. */
  None: 'none',
  /**
   * Linux MASQUERADE: endpoint-independent mapping (the source port is kept when free, so one
   * socket shows one public port to every destination) with address-and-port-dependent filtering
   * (a "port-restricted cone"). Hole punching works.
   */
  Cone: 'cone',
  /** MASQUERADE --random-fully: a new random public port per destination. Needs TURN. */
  Symmetric: 'symmetric',
} as const;
export type NatType = (typeof NatType)[keyof typeof NatType];

export const NAT_TYPES: readonly NatType[] = Object.values(NatType);

export function renderNatRules(type: Exclude<NatType, 'none'>, wan: string, lan: string): string {
  const masquerade = type === 'symmetric' ? 'MASQUERADE --random-fully' : 'MASQUERADE';
  return [
    '*nat',
    `-A POSTROUTING -o ${wan} -j ${masquerade}`,
    'COMMIT',
    '*filter',
    `-A INPUT -i ${wan} -j DROP`,
    `-A FORWARD -i ${wan} -o ${lan} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
    `-A FORWARD -i ${wan} -j DROP`,
    'COMMIT',
    '',
  ].join('\n');
}

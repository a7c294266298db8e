// The NAT lab's NAT types (createNatLab). Each is one of the internet lab's host kinds, whose
// routers' rules live in host-kinds.ts: 'none' = public, 'cone' = restricted cone, 'symmetric'.

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

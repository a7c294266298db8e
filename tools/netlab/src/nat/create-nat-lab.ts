// createNatLab(): a public server and two clients, each behind its own NAT (or none), for
// NAT-traversal tests (STUN, TURN, hole punching). It must never leave a half-built lab behind:
// a failed setup closes what it made before rethrowing.

import { NetlabError } from '../errors.js';
import type { NetHost } from '../host/net-host.js';
import { LabCore } from '../lab/lab-core.js';
import type { LabErrorListener } from '../lab/lab-core.js';
import type { Netns } from '../netns/netns.js';
import type { NatType } from './nat-rules.js';
import { NAT_TYPES } from './nat-rules.js';
import { NAT_ADDRESSES, attachToInternet, buildInternet, buildNatRouter } from './nat-topology.js';
import type { LanAddresses } from './nat-topology.js';

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

async function buildSide(
  lab: LabCore,
  internet: Netns,
  side: 'a' | 'b',
  type: NatType,
  publicIp: string,
  lan: LanAddresses,
): Promise<{ client: NetHost; nat: NatSide }> {
  const clientNs = await lab.addNamespace(side);
  if (type === 'none') {
    await attachToInternet(internet, clientNs, `p-${side}`, 'eth0', publicIp);
    return { client: lab.host(side, clientNs, publicIp), nat: { type, publicIp, router: undefined } };
  }
  const routerNs = await lab.addNamespace(`nat${side}`);
  await attachToInternet(internet, routerNs, `p-nat${side}`, 'wan', publicIp);
  await buildNatRouter(routerNs, clientNs, type, lan);
  const router = lab.host(`nat${side}`, routerNs, publicIp);
  return { client: lab.host(side, clientNs, lan.client), nat: { type, publicIp, router } };
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
    const internet = await lab.addNamespace('inet');
    await buildInternet(internet);
    const serverNs = await lab.addNamespace('srv');
    await attachToInternet(internet, serverNs, 'p-srv', 'eth0', NAT_ADDRESSES.server);
    const a = await buildSide(lab, internet, 'a', natA, NAT_ADDRESSES.publicA, NAT_ADDRESSES.lanA);
    const b = await buildSide(lab, internet, 'b', natB, NAT_ADDRESSES.publicB, NAT_ADDRESSES.lanB);
    return {
      server: lab.host('srv', serverNs, NAT_ADDRESSES.server),
      a: a.client,
      b: b.client,
      natA: a.nat,
      natB: b.nat,
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

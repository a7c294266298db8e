// createLink(): two hosts joined through a router that delays every packet (user-space TUN
// forwarder) and drops a chosen share of them (iptables in the router's FORWARD chain). It must
// never leave a half-built lab behind: a failed setup closes what it made before rethrowing.

import { LabCore } from '../lab/lab-core.js';
import { DelayForwarder } from './delay-forwarder.js';
import { LINK_ADDRESSES, ROUTER_INTERFACES, buildLinkTopology } from './link-topology.js';
import { Link, checkDelays, checkLoss } from './link.js';
import type { OneWayDelays } from './link.js';
import { LossControl } from './loss-control.js';
import type { DirectionalLoss } from './loss-rules.js';

export interface LinkOptions {
  /** Round-trip time the link adds, half each way. Default 0 (packets still pass the forwarder). */
  readonly rttMs?: number;
  /** Per-direction one-way delays; overrides `rttMs`. */
  readonly delays?: OneWayDelays;
  /** Percent of packets dropped, 0-100: one number for both directions (each independently) or per direction. */
  readonly lossPercent?: number | DirectionalLoss;
}

/** Builds namespaces A, R, B and starts the link; `await link.close()` when done. */
export async function createLink(options: LinkOptions = {}): Promise<Link> {
  const rtt = options.rttMs ?? 0;
  const delays = checkDelays(options.delays ?? { aToBMs: rtt / 2, bToAMs: rtt / 2 });
  const loss = checkLoss(options.lossPercent ?? 0);
  const lab = await LabCore.start();
  try {
    const [aNs, routerNs, bNs] = await Promise.all([
      lab.addNamespace('a'),
      lab.addNamespace('r'),
      lab.addNamespace('b'),
    ]);
    await buildLinkTopology(aNs, routerNs, bNs);
    const lossControl = await LossControl.install(routerNs, ROUTER_INTERFACES, loss);
    const router = lab.host('r', routerNs, LINK_ADDRESSES.routerA);
    const forwarder = await DelayForwarder.start(router, {
      tun: ROUTER_INTERFACES.tun,
      delayAToBUs: delays.aToBMs * 1000,
      delayBToAUs: delays.bToAMs * 1000,
      bNetwork: LINK_ADDRESSES.bNetwork,
      bPrefix: LINK_ADDRESSES.prefix,
      onDeath: (error) => lab.reportError(error),
    });
    const a = lab.host('a', aNs, LINK_ADDRESSES.a);
    const b = lab.host('b', bNs, LINK_ADDRESSES.b);
    return new Link({ lab, a, b, router, loss: lossControl, forwarder }, delays);
  } catch (error) {
    await lab.close().catch(() => undefined);
    throw error;
  }
}

// Renders the router's loss rules: one iptables chain, replaced atomically on every change. It
// must never drop in a sender's OUTPUT chain (the sender's stack would see the failed send and
// retransmit) and never match a packet twice: every forwarded packet crosses FORWARD twice
// (veth -> TUN, then TUN -> veth), so each rule names its interfaces.
//
// Random loss matches on the way out of the TUN, after the delay: there every packet is a real
// wire-sized packet. On the way in, a TCP sender's TSO hands the router 64 KB super-packets that
// the kernel only splits when they enter the TUN, and dropping one would drop dozens of segments
// at once. Outages match both ways in and out, so nothing crosses whatever is queued.

export const LOSS_CHAIN = 'TWLOSS';

export interface DirectionalLoss {
  /** Percent of packets from A to B dropped, 0-100. */
  readonly aToB: number;
  /** Percent of packets from B to A dropped, 0-100. */
  readonly bToA: number;
}

export interface LossState extends DirectionalLoss {
  /** While true every packet is dropped, both ways, whatever the loss percentages say. */
  readonly outage: boolean;
}

export interface RouterInterfaces {
  /** The router's veth facing host A. */
  readonly towardA: string;
  /** The router's veth facing host B. */
  readonly towardB: string;
  /** The TUN device the delay forwarder reads and writes. */
  readonly tun: string;
}

function dropRule(match: string, percent: number): string | undefined {
  if (percent <= 0) return undefined;
  if (percent >= 100) return `-A ${LOSS_CHAIN} ${match} -j DROP`;
  const probability = (percent / 100).toFixed(8);
  return `-A ${LOSS_CHAIN} ${match} -m statistic --mode random --probability ${probability} -j DROP`;
}

/** iptables-restore input (for `--noflush`) that makes the chain express `state`. */
export function renderLossRules(state: LossState, ifs: RouterInterfaces): string {
  const rules = state.outage
    ? [`-i ${ifs.towardA}`, `-i ${ifs.towardB}`, `-o ${ifs.towardA}`, `-o ${ifs.towardB}`].map((m) =>
        dropRule(m, 100),
      )
    : [
        dropRule(`-i ${ifs.tun} -o ${ifs.towardB}`, state.aToB),
        dropRule(`-i ${ifs.tun} -o ${ifs.towardA}`, state.bToA),
      ];
  return [
    '*filter',
    `:${LOSS_CHAIN} - [0:0]`,
    ...rules.filter((rule) => rule !== undefined),
    'COMMIT',
    '',
  ].join('\n');
}

/** One-time setup: the empty chain, hooked first into FORWARD. */
export function renderLossChainSetup(): string {
  return ['*filter', `:${LOSS_CHAIN} - [0:0]`, `-I FORWARD 1 -j ${LOSS_CHAIN}`, 'COMMIT', ''].join('\n');
}

export function checkPercent(name: string, value: number): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100
    ? undefined
    : `${name} must be 0-100, got ${String(value)}`;
}

export interface DropCount {
  readonly packets: number;
  readonly bytes: number;
}

export interface LossCounters {
  readonly aToB: DropCount;
  readonly bToA: DropCount;
}

/** Reads the random-loss drop counters from `iptables -L <chain> -v -x -n` output. */
export function parseLossCounters(listing: string, ifs: RouterInterfaces): LossCounters {
  let aToB: DropCount = { packets: 0, bytes: 0 };
  let bToA: DropCount = { packets: 0, bytes: 0 };
  for (const line of listing.split('\n')) {
    // pkts bytes target prot opt in out source destination [match...]
    const [packets, bytes, target, , , inIf, outIf] = line.trim().split(/\s+/);
    if (target !== 'DROP' || inIf !== ifs.tun) continue;
    const count = { packets: Number(packets), bytes: Number(bytes) };
    if (outIf === ifs.towardB) aToB = count;
    if (outIf === ifs.towardA) bToA = count;
  }
  return { aToB, bToA };
}

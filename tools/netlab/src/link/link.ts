// A running delay/loss link between two hosts (see createLink). It changes the link's loss,
// outage and delay at run time; every change is in force when its promise resolves. It must never
// apply two changes out of order: updates are queued.

import { NetlabError } from '../errors.js';
import type { NetHost } from '../host/net-host.js';
import type { LabCore, LabErrorListener } from '../lab/lab-core.js';
import type { DelayForwarder, ForwarderStats } from './delay-forwarder.js';
import type { LossControl } from './loss-control.js';
import { checkPercent } from './loss-rules.js';
import type { DirectionalLoss, LossCounters, LossState } from './loss-rules.js';

export interface OneWayDelays {
  readonly aToBMs: number;
  readonly bToAMs: number;
}

/** @internal what createLink() hands a Link */
export interface LinkParts {
  readonly lab: LabCore;
  readonly a: NetHost;
  readonly b: NetHost;
  readonly router: NetHost;
  readonly loss: LossControl;
  readonly forwarder: DelayForwarder;
}

export function checkDelays(delays: OneWayDelays): OneWayDelays {
  for (const [name, value] of Object.entries(delays)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 60_000) {
      throw new NetlabError('INVALID_OPTIONS', `delay ${name} must be 0-60000 ms, got ${String(value)}`);
    }
  }
  return { aToBMs: delays.aToBMs, bToAMs: delays.bToAMs };
}

export function checkLoss(percent: number | DirectionalLoss): DirectionalLoss {
  const loss = typeof percent === 'number' ? { aToB: percent, bToA: percent } : percent;
  const problem = checkPercent('loss aToB', loss.aToB) ?? checkPercent('loss bToA', loss.bToA);
  if (problem) throw new NetlabError('INVALID_OPTIONS', problem);
  return { aToB: loss.aToB, bToA: loss.bToA };
}

export class Link {
  /** Host A: 10.77.1.2. */
  readonly a: NetHost;
  /** Host B: 10.77.2.2. */
  readonly b: NetHost;
  /** The router in between (for inspection, e.g. `router.exec('iptables', ['-L', '-v'])`). */
  readonly router: NetHost;
  private readonly lab: LabCore;
  private readonly lossControl: LossControl;
  private readonly forwarder: DelayForwarder;
  private delayState: OneWayDelays;

  /** @internal use createLink() */
  constructor(parts: LinkParts, delays: OneWayDelays) {
    ({ a: this.a, b: this.b, router: this.router, lab: this.lab, forwarder: this.forwarder } = parts);
    this.lossControl = parts.loss;
    this.delayState = delays;
  }

  /** Loss and outage in force (after the last resolved change). */
  get loss(): LossState {
    return this.lossControl.current;
  }

  get delays(): OneWayDelays {
    return this.delayState;
  }

  get closed(): boolean {
    return this.lab.closed;
  }

  /** Names of the lab's namespaces (for `ip netns exec` by hand, or to check cleanup). */
  get namespaces(): readonly string[] {
    return this.lab.namespaceNames();
  }

  /** Changes the random loss; resolves once the new rule is in force. Changes apply in call order. */
  async setLoss(percent: number | DirectionalLoss): Promise<void> {
    const loss = checkLoss(percent);
    this.assertOpen();
    await this.lossControl.apply((current) => ({ ...loss, outage: current.outage }));
  }

  /**
   * Outage on: from the moment this resolves nothing crosses the link either way, and packets
   * already in flight are dropped (a cut cable). Off: the loss settings apply again.
   */
  async setOutage(on: boolean): Promise<void> {
    this.assertOpen();
    await this.lossControl.apply((current) => ({ ...current, outage: on }));
    if (on) await this.forwarder.flush();
  }

  setRtt(rttMs: number): Promise<void> {
    return this.setDelays({ aToBMs: rttMs / 2, bToAMs: rttMs / 2 });
  }

  /** Changes the delay of packets that enter the link from now on (never reorders queued ones). */
  async setDelays(delays: OneWayDelays): Promise<void> {
    const checked = checkDelays(delays);
    this.assertOpen();
    await this.forwarder.setDelay(checked.aToBMs * 1000, checked.bToAMs * 1000);
    this.delayState = checked;
  }

  /** Forwarder counters and timing lateness since creation or the last `resetStats()`. */
  async stats(): Promise<ForwarderStats> {
    this.assertOpen();
    return this.forwarder.stats();
  }

  /** Packets dropped by random loss per direction, over the same window as `stats()`. */
  async lossCounters(): Promise<LossCounters> {
    this.assertOpen();
    return this.lossControl.counters();
  }

  /** Zeroes `stats()` and `lossCounters()`. */
  async resetStats(): Promise<void> {
    this.assertOpen();
    await Promise.all([this.forwarder.resetStats(), this.lossControl.reset()]);
  }

  /** Errors while open, e.g. the forwarder died. Returns an unsubscribe function. */
  onError(listener: LabErrorListener): () => void {
    return this.lab.onError(listener);
  }

  /** Kills the forwarder and every process spawned in the lab, deletes the namespaces. Idempotent. */
  close(): Promise<void> {
    return this.lab.close();
  }

  private assertOpen(): void {
    if (this.lab.closed) throw new NetlabError('CLOSED', 'link is closed');
  }
}

// Owns the router's loss chain at run time: applies loss/outage changes one after another (the
// last call wins), and keeps drop counters across changes. It must never lose count when a
// change replaces the chain (replacing resets iptables' counters): the old counts are carried.

import type { Netns } from '../netns/netns.js';
import { LOSS_CHAIN, parseLossCounters, renderLossChainSetup, renderLossRules } from './loss-rules.js';
import type { DirectionalLoss, LossCounters, LossState, RouterInterfaces } from './loss-rules.js';

const ZERO: LossCounters = { aToB: { packets: 0, bytes: 0 }, bToA: { packets: 0, bytes: 0 } };

function add(x: LossCounters, y: LossCounters): LossCounters {
  return {
    aToB: { packets: x.aToB.packets + y.aToB.packets, bytes: x.aToB.bytes + y.aToB.bytes },
    bToA: { packets: x.bToA.packets + y.bToA.packets, bytes: x.bToA.bytes + y.bToA.bytes },
  };
}

export class LossControl {
  private state: LossState;
  private carried: LossCounters = ZERO;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly router: Netns,
    private readonly ifs: RouterInterfaces,
    initial: DirectionalLoss,
  ) {
    this.state = { ...initial, outage: false };
  }

  /** Creates the chain, hooks it into FORWARD and applies the initial loss. */
  static async install(router: Netns, ifs: RouterInterfaces, initial: DirectionalLoss): Promise<LossControl> {
    const control = new LossControl(router, ifs, initial);
    await router.iptablesRestore(renderLossChainSetup());
    await router.iptablesRestore(renderLossRules(control.state, ifs));
    return control;
  }

  get current(): LossState {
    return this.state;
  }

  /** Applies `next(current)` after every earlier change; resolves once it is in force. */
  apply(next: (current: LossState) => LossState): Promise<void> {
    return this.enqueue(async () => {
      const state = next(this.state);
      this.carried = add(this.carried, await this.read());
      await this.router.iptablesRestore(renderLossRules(state, this.ifs));
      this.state = state;
    });
  }

  /** Packets dropped by random loss since install or the last reset (outage drops not included). */
  counters(): Promise<LossCounters> {
    return this.enqueue(async () => add(this.carried, await this.read()));
  }

  reset(): Promise<void> {
    return this.enqueue(async () => {
      await this.router.exec('iptables', ['-Z', LOSS_CHAIN]);
      this.carried = ZERO;
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async read(): Promise<LossCounters> {
    return parseLossCounters(
      await this.router.exec('iptables', ['-L', LOSS_CHAIN, '-v', '-x', '-n']),
      this.ifs,
    );
  }
}

// This process's place in the cluster: it keeps its node lease alive (so others know it lives),
// competes for the leader lease, and when leader runs the cluster-wide periodic tasks (matching,
// deadlines, grace expiry, dead-process sweeps). In memory mode it is simply always the leader.
import type { LobbyContext } from '../server/context.js';
import { settlesWithin } from '../server/deadline.js';
import { keys } from '../state/records.js';

export type LeaderTask = () => Promise<void>;

/** How long `stop()` waits for the store to unlist this node (a bound for a store that is down). */
const STOP_TIMEOUT_MS = 2_000;

export class ClusterNode {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastLeaseAt = 0;
  private leader = false;
  private stopped = false;

  constructor(
    private readonly ctx: LobbyContext,
    private readonly tasks: readonly LeaderTask[],
  ) {}

  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => {
      if (this.running) return; // a slow tick (Redis hiccup) is never stacked
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, this.ctx.config.tickMs);
  }

  private async renew(): Promise<void> {
    const ttl = this.ctx.config.nodeTtlMs;
    await this.ctx.store.lease(keys.node(this.ctx.nodeId), this.ctx.nodeId, ttl);
    // Listed only once the lease is held: the leader takes a listed node without a lease for dead
    // and unlists it. Listed again on every renewal: a process given up on after a stall (its lease
    // lapsed) is watched again, so its players are still noticed if it dies later.
    await this.ctx.store.setAdd(keys.nodes, this.ctx.nodeId);
    this.leader = await this.ctx.store.lease(keys.leader, this.ctx.nodeId, ttl);
    this.lastLeaseAt = this.ctx.now();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.ctx.now() - this.lastLeaseAt >= this.ctx.config.nodeTtlMs / 3) await this.renew();
      if (!this.leader) return;
      for (const task of this.tasks) {
        if (this.stopped) return;
        await task();
      }
    } catch (error) {
      this.ctx.log.error({ err: error }, 'cluster tick failed');
      this.ctx.metrics.errors.inc({ code: 'internal' });
    }
  }

  /** Runs the leader tasks once now (tests and shutdown use it instead of waiting for a tick). */
  async runOnce(): Promise<void> {
    await this.running;
    await this.tick();
  }

  /**
   * Stops ticking and leaves the cluster: unlists this node and gives up its leases, so the others
   * take over at once. Best effort, waited for at most `timeoutMs`: with the store unreachable the
   * leases simply run out and the others take over as after a crash.
   */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const leave = (async () => {
      await this.running;
      await this.ctx.store.delete(keys.node(this.ctx.nodeId));
      await this.ctx.store.setRemove(keys.nodes, this.ctx.nodeId);
      if (this.leader) await this.ctx.store.delete(keys.leader);
    })().catch((error: unknown) => {
      this.ctx.log.warn({ err: error }, 'could not remove node lease on stop');
    });
    if (!(await settlesWithin(leave, timeoutMs))) {
      this.ctx.log.warn({ timeoutMs }, 'state backend did not answer on stop; the node lease will lapse');
    }
  }
}

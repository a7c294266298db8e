// Starts and talks to the C delay forwarder (native/delay-forwarder.c) inside the router
// namespace: one command line in on stdin, one answer line out on stdout, strictly in order.
// It must never leave a command unanswered: a dead forwarder rejects everything pending.

import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { NetlabError } from '../errors.js';
import type { NetHost } from '../host/net-host.js';
import { forwarderBinary } from './forwarder-binary.js';

export interface ForwarderStats {
  /**
   * Packets the forwarder wrote back to the TUN per direction. Random loss applies after this
   * point (see `Link.lossCounters()`), so delivered = forwarded - dropped by loss.
   */
  readonly forwardedAToB: number;
  readonly forwardedBToA: number;
  /** Packets the forwarder itself dropped (queue full or TUN write error); loss rules are not counted. */
  readonly dropped: number;
  /** Most packets held at once in one direction: how big a burst the link carried. */
  readonly maxQueued: number;
  /** How late packets left compared with their due time (read time + delay), in microseconds. */
  readonly lateness: {
    readonly count: number;
    readonly p50Us: number;
    readonly p99Us: number;
    readonly maxUs: number;
  };
  /** Whether the forwarder got real-time scheduling (SCHED_FIFO); without it lateness grows under load. */
  readonly realtime: boolean;
}

export interface ForwarderConfig {
  readonly tun: string;
  readonly delayAToBUs: number;
  readonly delayBToAUs: number;
  /** Network of host B's side; packets addressed into it travel A->B. */
  readonly bNetwork: string;
  readonly bPrefix: number;
  /** Called once if the forwarder dies while the lab is open. */
  readonly onDeath: (error: NetlabError) => void;
}

const COMMAND_TIMEOUT_MS = 5_000;

export class DelayForwarder {
  private readonly pending: { resolve: (line: string) => void; reject: (error: NetlabError) => void }[] = [];
  private dead: NetlabError | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly realtime: boolean,
  ) {}

  static async start(router: NetHost, config: ForwarderConfig): Promise<DelayForwarder> {
    const binary = await forwarderBinary();
    const delays = [Math.round(config.delayAToBUs), Math.round(config.delayBToAUs)];
    const args = [config.tun, ...delays, config.bNetwork, config.bPrefix].map(String);
    const child = router.spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    // Writing to a forwarder that just died raises EPIPE here; the 'exit' handler reports it.
    child.stdin?.on('error', () => undefined);
    const lines = createInterface({ input: child.stdout! });
    const ready = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code, signal) =>
        reject(
          new NetlabError(
            'FORWARDER_FAILED',
            `delay forwarder exited at start (${code ?? signal}): ${stderr.trim()}`,
          ),
        ),
      );
      child.once('error', (cause) =>
        reject(new NetlabError('FORWARDER_FAILED', 'delay forwarder did not start', { cause })),
      );
    });
    if (!ready.startsWith('ready '))
      throw new NetlabError('FORWARDER_FAILED', `unexpected forwarder output: ${ready}`);
    const forwarder = new DelayForwarder(child, ready === 'ready 1');
    lines.on('line', (line) => forwarder.pending.shift()?.resolve(line));
    child.once('exit', (code, signal) => {
      forwarder.dead = new NetlabError(
        'FORWARDER_FAILED',
        `delay forwarder exited (${code ?? signal}): ${stderr.trim()}`,
      );
      for (const waiter of forwarder.pending.splice(0)) waiter.reject(forwarder.dead);
      config.onDeath(forwarder.dead);
    });
    return forwarder;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private command(line: string): Promise<string> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new NetlabError('TIMEOUT', `delay forwarder did not answer "${line}"`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.push({
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.stdin!.write(`${line}\n`);
    });
  }

  async setDelay(aToBUs: number, bToAUs: number): Promise<void> {
    await this.command(`delay ${Math.round(aToBUs)} ${Math.round(bToAUs)}`);
  }

  /** Drops every packet in flight; resolves with how many there were. */
  async flush(): Promise<number> {
    return Number((await this.command('flush')).split(' ')[1] ?? 0);
  }

  async resetStats(): Promise<void> {
    await this.command('reset');
  }

  async stats(): Promise<ForwarderStats> {
    const fields = (await this.command('stats')).split(' ').slice(1).map(Number);
    const [aToB = 0, bToA = 0, dropped = 0, maxQueued = 0, count = 0, p50Us = 0, p99Us = 0, maxUs = 0] =
      fields;
    return {
      forwardedAToB: aToB,
      forwardedBToA: bToA,
      dropped,
      maxQueued,
      lateness: { count, p50Us, p99Us, maxUs },
      realtime: this.realtime,
    };
  }
}

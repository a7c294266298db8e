// Test-side handle of test/fixtures/udp-actor.mjs running inside a lab host: typed commands over
// IPC, each awaited by its answer (events, not sleeps).

import type { ChildProcess } from 'node:child_process';
import type { NetHost } from '../../src/index.js';
import { nextMessage, waitForExit } from '../../src/index.js';

const SCRIPT = new URL('../fixtures/udp-actor.mjs', import.meta.url);
let nextId = 1;

export interface Report {
  readonly seqs: number[];
  readonly sources: string[];
  /** One-way delay of each packet in `seqs`, from its send time stamp (one clock machine-wide). */
  readonly oneWayMs: number[];
}

export class UdpActor {
  private constructor(
    readonly child: ChildProcess,
    readonly host: NetHost,
    readonly port: number,
    readonly ip: string = host.ip,
  ) {}

  /** `address`: bind to one address of the host (default all); `ip` then reports it. */
  static async start(host: NetHost, port = 0, address?: string): Promise<UdpActor> {
    const child = host.spawnNode(SCRIPT);
    await nextMessage(child, (m: any) => m.ev === 'started');
    const actor = new UdpActor(child, host, 0);
    const bound = await actor.request<{ port: number }>({ cmd: 'bind', port, address });
    return new UdpActor(child, host, bound.port, address ?? host.ip);
  }

  request<T>(command: Record<string, unknown>, timeoutMs = 20_000): Promise<T> {
    const id = nextId++;
    const answer = nextMessage<T>(this.child, (m: any) => m.id === id, timeoutMs);
    this.child.send({ ...command, id });
    return answer;
  }

  echo(): Promise<unknown> {
    return this.request({ cmd: 'echo' });
  }

  /** Sends `count` data packets numbered from `from`; intervalMs 0 sends them as one burst. */
  send(
    to: UdpActor | { ip: string; port: number },
    count: number,
    opts: { from?: number; intervalMs?: number; size?: number } = {},
  ): Promise<unknown> {
    const target = to instanceof UdpActor ? { ip: to.ip, port: to.port } : to;
    return this.request({ cmd: 'send', host: target.ip, port: target.port, count, ...opts });
  }

  async ping(to: UdpActor, count: number, intervalMs: number): Promise<number[]> {
    const answer = await this.request<{ rtts: number[] }>(
      { cmd: 'ping', host: to.ip, port: to.port, count, intervalMs },
      count * intervalMs + 20_000,
    );
    return answer.rtts;
  }

  /** Resolves once a data packet numbered `seq` or higher has arrived (since the last reset). */
  waitFor(seq: number, timeoutMs = 10_000): Promise<unknown> {
    return this.request({ cmd: 'waitFor', seq }, timeoutMs);
  }

  report(): Promise<Report> {
    return this.request<Report>({ cmd: 'report' });
  }

  reset(): Promise<unknown> {
    return this.request({ cmd: 'reset' });
  }

  /** Closes the IPC channel; the actor closes its socket and exits by itself. */
  async stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await waitForExit(this.child);
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

// The compare suite's state-sync path: the sync suite's seeded world replayed through a real
// Colyseus server to its real client (@colyseus/sdk in this process, WebSocket on loopback),
// measuring the bytes the client actually receives per tick and the server's time per tick;
// next to it, in the same run, tickwire's encoder on the same scenario (the sync suite's
// tickwire contender; payload bytes, no transport framing).
import { Client } from '@colyseus/sdk';
import type { BenchResult } from '../../result/types.js';
import { spawnWorker } from '../../ipc/spawn.js';
import { mean, percentile } from '../../stats/percentile.js';
import { loadScenarioModule } from './sync-types.js';
import type { EntitySpec, Scenario } from './sync-types.js';

interface TickwireContender {
  encode(ops: unknown): Uint8Array[];
  decode(payloads: readonly Uint8Array[]): void;
}

async function tickwireBytes(scenario: Scenario): Promise<number[] | string> {
  try {
    const mod = (await import(new URL('../sync/tickwire.js', import.meta.url).href)) as {
      tickwireContender?: (ackLag: number) => (initial: readonly EntitySpec[]) => TickwireContender;
    };
    if (typeof mod.tickwireContender !== 'function')
      return 'suites/sync/tickwire.js does not export tickwireContender()';
    const contender = mod.tickwireContender(1)(scenario.initial);
    const sizes: number[] = [];
    const first = contender.encode(undefined);
    contender.decode(first);
    sizes.push(first.reduce((n, p) => n + p.byteLength, 0));
    for (const ops of scenario.ticks) {
      const packets = contender.encode(ops);
      contender.decode(packets);
      sizes.push(packets.reduce((n, p) => n + p.byteLength, 0));
    }
    return sizes;
  } catch (error) {
    return `tickwire sync contender unavailable: ${(error as Error).message}`;
  }
}

export async function runSyncPath(quick: boolean): Promise<{ results: BenchResult[]; notes: string[] }> {
  const ticks = quick ? 120 : 600;
  const scenario = (await loadScenarioModule()).buildScenario(ticks);
  const worker = await spawnWorker(new URL('./colyseus-sync-worker.js', import.meta.url));
  const notes: string[] = [];
  const results: BenchResult[] = [];
  try {
    const port = await worker.ipc.request<number>('listen', { ticks });
    const client = new Client(`ws://127.0.0.1:${port}`);
    const sizes: number[] = [];
    let joinBytes = 0;
    let running = false;
    const room = await client.joinOrCreate('world');
    const ws = (
      room.connection as unknown as {
        transport: { ws: { on(e: 'message', cb: (d: ArrayBuffer | Buffer) => void): void } };
      }
    ).transport.ws;
    ws.on('message', (data) => {
      if (running) sizes.push(data.byteLength);
      else joinBytes += data.byteLength;
    });
    // The join reply and full state arrive before the first tick.
    await new Promise((r) => setTimeout(r, 300));
    running = true;
    const serverUs = await worker.ipc.request<Float64Array>('run', null, 120_000);
    await new Promise((r) => setTimeout(r, 300));
    await room.leave();
    const name = 'colyseus-server';
    results.push(
      { name, metric: 'first_snapshot_bytes', value: joinBytes, unit: 'bytes' },
      { name, metric: 'bytes_per_tick_mean', value: mean(sizes), unit: 'bytes' },
      { name, metric: 'bytes_per_tick_p95', value: percentile(sizes, 0.95), unit: 'bytes' },
      { name, metric: 'server_us_per_tick', value: mean(serverUs), unit: 'us' },
    );
    if (sizes.length !== ticks)
      notes.push(`colyseus-server: the client got ${sizes.length} patch messages for ${ticks} ticks.`);
    const tw = await tickwireBytes(scenario);
    if (typeof tw === 'string') notes.push(tw);
    else {
      const perTick = tw.slice(1);
      results.push(
        { name: 'tickwire', metric: 'first_snapshot_bytes', value: tw[0] ?? 0, unit: 'bytes' },
        { name: 'tickwire', metric: 'bytes_per_tick_mean', value: mean(perTick), unit: 'bytes' },
        { name: 'tickwire', metric: 'bytes_per_tick_p95', value: percentile(perTick, 0.95), unit: 'bytes' },
        {
          name: 'tickwire',
          metric: 'bytes_ratio_vs_colyseus',
          value: mean(perTick) / mean(sizes),
          unit: 'ratio',
        },
      );
    }
    notes.push(
      `State-sync path: the sync suite's seeded world (${ticks} ticks at 60 Hz) through a Colyseus server (float32 schema, broadcastPatch() every tick) to @colyseus/sdk over WebSocket on loopback; bytes are WebSocket message payloads received by the client (frame headers and TCP/IP not counted). tickwire: payload bytes of its snapshot encoder on the same scenario, acks one tick behind (no DTLS/SCTP/UDP overhead counted either).`,
    );
    return { results, notes };
  } finally {
    await worker.stop();
  }
}
